// The one form of a refused session change (see change_error.h).
#include "mirror_manager/change_error.h"

namespace ovse::manager {

ChangeError fromFieldError(const FieldError& e) { return ChangeError{400, e.message, e.path, {}}; }

ChangeError fromIssues(std::vector<Issue> issues) {
  ChangeError e;
  for (const auto& issue : issues) {
    if (issue.severity != Issue::Severity::kError) continue;
    e.message = issue.message;
    e.path = issue.path;
    break;
  }
  e.issues = std::move(issues);
  return e;
}

ChangeError noSuchSession(const std::string& name) {
  return ChangeError{404, "no session named " + name, "name", {}};
}

nlohmann::json changeErrorJson(const ChangeError& e) {
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
  return body;
}

}  // namespace ovse::manager
