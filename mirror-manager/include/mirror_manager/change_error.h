// ChangeError: why a session change was not made, in one form for every front end. The REST API
// answers it as {"error", "path"?, "issues"?} with `status` as the HTTP status; `mirrorctl
// session` prints the same JSON with --json, and errors and warnings as separate lines without.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mirror_manager/session_json.h"
#include "mirror_manager/validation.h"

namespace ovse::manager {

/// The kind of failure as an HTTP status (400 invalid, 404 unknown session, 409 exists, 422
/// refused when applied, 500 the store could not be written), a message naming the value, the
/// field path, and every validation finding (errors and warnings, each with its severity).
struct ChangeError {
  int status = 400;
  std::string message;
  std::string path;
  std::vector<Issue> issues;
};

/// A 400 from a FieldError of the session's JSON form.
ChangeError fromFieldError(const FieldError& e);

/// A 400 from validation issues: the first error gives message and path, all are listed.
ChangeError fromIssues(std::vector<Issue> issues);

/// A 404 naming the session.
ChangeError noSuchSession(const std::string& name);

/// The one JSON form of `e`: {"error": "<path>: <message>", "path"?, "issues"?: [{"severity",
/// "path", "message"}]}.
nlohmann::json changeErrorJson(const ChangeError& e);

}  // namespace ovse::manager
