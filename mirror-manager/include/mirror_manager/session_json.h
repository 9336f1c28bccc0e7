// The JSON form of a mirror session: strict parsing (unknown fields, wrong types and enum values
// are errors naming the field path and the value seen) and the inverse, for the store and --json.
#pragma once

#include <expected>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mirror_manager/session.h"

namespace ovse::manager {

/// Why a JSON document is not a session: the field's path (e.g. `sources[1].direction`,
/// `destination.remote_ip`; empty for the document itself) and what is wrong with its value.
struct FieldError {
  std::string path;
  std::string message;

  /// "path: message", e.g. `destination.session_id: 70000 is above 65535`; just the message
  /// when the path is empty.
  std::string text() const;

  bool operator==(const FieldError&) const = default;
};

/// Parses one session object. Checks JSON shape and types only (what fits the model); the rules
/// of a valid session (ranges, required fields, consistency) are validateSession()'s job.
/// `name`, `type` and `destination` are required; other fields take the model's defaults.
/// MAC addresses are lower-cased. Never throws.
std::expected<Session, FieldError> sessionFromJson(const nlohmann::json& j);

/// The JSON object for a session; sessionFromJson(sessionToJson(s)) == s (MACs aside, which are
/// lower-cased). Unset optionals and default exporter settings are omitted.
nlohmann::json sessionToJson(const Session& s);

/// Parses an array of session objects; error paths are prefixed `sessions[i].`. Never throws.
std::expected<std::vector<Session>, FieldError> sessionsFromJson(const nlohmann::json& array);

/// The JSON array for a list of sessions.
nlohmann::json sessionsToJson(const std::vector<Session>& sessions);

}  // namespace ovse::manager
