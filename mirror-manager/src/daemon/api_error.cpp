// REST error responses and JSON body parsing (see api_error.h).
#include "mirror_manager/daemon/api_error.h"

#include "mirror_manager/json_text.h"

namespace ovse::manager::daemon {

ApiError fromFieldError(const FieldError& e) { return ApiError{400, e.message, e.path, {}}; }

ApiError fromIssues(std::vector<Issue> issues) {
  ApiError e;
  for (const auto& issue : issues) {
    if (issue.severity != Issue::Severity::kError) continue;
    e.message = issue.message;
    e.path = issue.path;
    break;
  }
  e.issues = std::move(issues);
  return e;
}

HttpResponse errorResponse(const ApiError& e) {
  nlohmann::json body;
  body["error"] = e.path.empty() ? e.message : e.path + ": " + e.message;
  if (!e.path.empty()) body["path"] = e.path;
  if (!e.issues.empty()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& issue : e.issues) {
      nlohmann::json item;
      item["severity"] = toString(issue.severity);
      item["path"] = issue.path;
      item["message"] = issue.message;
      list.push_back(item);
    }
    body["issues"] = list;
  }
  return jsonResponse(e.status, body);
}

HttpResponse jsonResponse(int status, const nlohmann::json& body) {
  HttpResponse r;
  r.status = status;
  // Replacing invalid UTF-8: messages echo request text (a percent-decoded path may hold any
  // byte), and a strict dump() would throw out of the handler.
  r.body = dumpJson(body, 2) + "\n";
  return r;
}

std::expected<nlohmann::json, ApiError> parseJsonObject(std::string_view body) {
  if (body.empty()) return std::unexpected(ApiError{400, "the request body is empty", "", {}});
  auto j = parseJson(body);
  if (!j) return std::unexpected(ApiError{400, j.error().message(), "", {}});
  if (!j->is_object()) {
    return std::unexpected(ApiError{400, "the request body is not a JSON object", "", {}});
  }
  return std::move(*j);
}

}  // namespace ovse::manager::daemon
