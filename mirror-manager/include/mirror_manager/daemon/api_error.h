// Errors of the REST API and JSON bodies: every error response is
// `{"error": "<message>", "path": "<field path>"}` (path omitted when no field is concerned),
// and request bodies are parsed here (malformed or too deeply nested JSON is a 400 naming the
// byte).
#pragma once

#include <expected>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "mirror_manager/change_error.h"
#include "mirror_manager/daemon/http_message.h"
#include "mirror_manager/session_json.h"
#include "mirror_manager/validation.h"

namespace ovse::manager::daemon {

/// Why a request failed: the HTTP status, a message naming the value, and the field path (the
/// session service's ChangeError, so the CLI and REST show one form).
using ApiError = ChangeError;

/// The JSON response for `e`: {"error", "path"?, "issues"?}.
HttpResponse errorResponse(const ApiError& e);

/// A JSON response with `status` and `body` (pretty-printed, newline-terminated; invalid UTF-8
/// in strings replaced by U+FFFD, so it never throws).
HttpResponse jsonResponse(int status, const nlohmann::json& body);

/// Parses a request body that must be one JSON object (through parseJson(): nested at most
/// kMaxJsonDepth levels). Empty, malformed or too deep bodies, and anything but an object, are
/// 400s naming the byte where parsing stopped. Never throws.
std::expected<nlohmann::json, ApiError> parseJsonObject(std::string_view body);

}  // namespace ovse::manager::daemon
