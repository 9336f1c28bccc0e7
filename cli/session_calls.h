// SessionCalls: the session operations `mirrorctl session` calls, answered either by the daemon
// over REST (session_remote.h) or by the session service in-process under the store's writer
// lock (session_local.h). Both answer with the same JSON: a reply {"session", "status",
// "mirrored"}, or an error {"error", "path"?, "issues"?} (mirror_manager/change_error.h).
#pragma once

#include <expected>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "ovs_plugin/switch_state.h"

namespace ovse::cli {

/// The reply's body, or the error's.
using CallResult = std::expected<nlohmann::json, nlohmann::json>;

class SessionCalls {
 public:
  virtual ~SessionCalls() = default;

  virtual CallResult create(const nlohmann::json& session) = 0;
  virtual CallResult get(const std::string& name) = 0;
  /// Replaces the stored session `name` with `session` (same name).
  virtual CallResult replace(const std::string& name, const nlohmann::json& session) = 0;
  virtual CallResult setEnabled(const std::string& name, bool enabled) = 0;
  /// {"deleted": name}.
  virtual CallResult remove(const std::string& name) = 0;
  /// An array of replies, in store order.
  virtual CallResult list() = 0;
  /// {"name", "state", "mirrored": {"packets", "bytes", "rows"}, ...}.
  virtual CallResult stats(const std::string& name) = 0;
  /// What create (`replacing` empty) or replace(`replacing`, session) would answer, nothing
  /// saved or applied: the same errors, else the reply with the status the session would get
  /// and "dry_run": true (SessionService::preview; REST `?dry_run=1`).
  virtual CallResult preview(const nlohmann::json& session, const std::string& replacing) = 0;

  /// The switch state the answers were observed on, when the caller holds it (in-process), for
  /// the tables' OVS counters; nullptr over REST (the replies carry the counters).
  virtual const ovs::SwitchState* switchState() const { return nullptr; }
  /// Why changes are saved but not applied (OVSDB could not be reached), or empty.
  virtual std::string notApplied() const { return {}; }
};

}  // namespace ovse::cli
