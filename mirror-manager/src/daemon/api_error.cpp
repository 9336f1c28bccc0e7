// REST error responses and JSON body parsing (see api_error.h).
#include "mirror_manager/daemon/api_error.h"

#include "mirror_manager/json_text.h"

namespace ovse::manager::daemon {

HttpResponse errorResponse(const ApiError& e) { return jsonResponse(e.status, changeErrorJson(e)); }

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
