// SessionService: the daemon's single writer of the session store. Every change is parsed
// (strict JSON), validated against the other sessions, saved atomically and reconciled into OVS
// at once; the caller gets the session with its status, or an ApiError naming the field.
#pragma once

#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mirror_manager/apply.h"
#include "mirror_manager/daemon/api_error.h"
#include "mirror_manager/daemon/metrics.h"
#include "mirror_manager/store.h"
#include "mirror_manager/validation.h"
#include "ovs_plugin/switch_backend.h"

namespace ovse::manager::daemon {

/// A line for the daemon's log (timestamped by the sink).
using LogSink = std::function<void(const std::string&)>;

/// A session as the API returns it: {"session", "status", "mirrored": {"packets", "bytes"}}.
struct SessionReply {
  nlohmann::json body;
  bool created = false;  ///< the call added a new session (201)
};

class SessionService {
 public:
  /// `context` holds what validation needs (the capture directory of `serve --capture-dir`).
  SessionService(SessionStore store, ovs::SwitchBackend& backend, LogSink log,
                 ValidationContext context = {});

  /// Reconciles every stored session against the switch and applies the actions; remembers
  /// the statuses and logs sessions whose state changed.
  const ApplyOutcome& reconcileNow();
  /// Re-reads the store from disk (SIGHUP, another writer). False when nothing changed (the
  /// same sessions: the daemon's own save) or the file could not be read (logged; the sessions
  /// loaded before stay).
  bool reload();

  /// POST /sessions: 409 if the name exists.
  std::expected<SessionReply, ApiError> create(const nlohmann::json& body);
  /// PUT /sessions/{name}: creates or replaces; `name` in the body must match or be absent.
  std::expected<SessionReply, ApiError> replace(const std::string& name, nlohmann::json body);
  /// PATCH /sessions/{name}: a JSON merge patch (RFC 7396) over the stored JSON form.
  std::expected<SessionReply, ApiError> patch(const std::string& name, const nlohmann::json& body);
  /// DELETE /sessions/{name}: its OVS rows go in the same round.
  std::expected<void, ApiError> remove(const std::string& name);
  /// POST /sessions/{name}/enable|disable.
  std::expected<SessionReply, ApiError> setEnabled(const std::string& name, bool enabled);

  /// GET /sessions/{name} (404 when unknown).
  std::expected<SessionReply, ApiError> get(const std::string& name) const;
  /// GET /sessions: every session in store order.
  nlohmann::json list() const;
  /// GET /sessions/{name}/stats: status and OVS counters per Mirror row.
  std::expected<nlohmann::json, ApiError> stats(const std::string& name) const;
  /// The per-session part of /metrics.
  std::vector<SessionMetrics> sessionMetrics() const;

  const SessionStore& store() const { return store_; }
  /// The switch's latest state (nullptr before OVSDB's contents arrived).
  std::shared_ptr<const ovs::SwitchState> switchState() const { return backend_.state(); }
  DaemonCounters& counters() { return counters_; }
  const DaemonCounters& counters() const { return counters_; }

 private:
  std::expected<SessionReply, ApiError> commit(Session s, std::string_view replacing);
  std::unexpected<ApiError> undo(SessionStore before, const SessionStatus& refused);
  std::vector<SessionStatus> observe() const;
  /// The store's scope, with the routes to its collectors for the loop guard.
  ReconcileScope scope() const;
  nlohmann::json replyBody(const Session& s, const SessionStatus* status) const;

  SessionStore store_;
  ovs::SwitchBackend& backend_;
  LogSink log_;
  ApplyOutcome last_;
  std::map<std::string, std::string> last_logged_;
  DaemonCounters counters_;
  ValidationContext context_;
};

/// A 404 naming the session.
ApiError noSuchSession(const std::string& name);

}  // namespace ovse::manager::daemon
