// SessionService: the one path for every session change, whoever asks (the daemon's REST API and
// web UI, `mirrorctl session` without a daemon, a store reload or SIGHUP). Every change is parsed
// (strict JSON), validated against the other sessions by the rules a store load uses, saved
// atomically and reconciled into OVS at once; a change OVS refused when applied is not kept (the
// store and OVS go back). The caller gets the session with its observed status, or a ChangeError
// naming the field. Its owner holds the store's writer lock (store_lock.h).
#pragma once

#include <cstdint>
#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mirror_manager/apply.h"
#include "mirror_manager/change_error.h"
#include "mirror_manager/store.h"
#include "mirror_manager/validation.h"
#include "ovs_plugin/switch_backend.h"

namespace ovse::manager {

/// A line for the owner's log (timestamped by the sink).
using LogSink = std::function<void(const std::string&)>;

/// A session as every front end returns it: {"session", "status", "mirrored": {"packets",
/// "bytes"}} (session_reply.h).
struct SessionReply {
  nlohmann::json body;
  bool created = false;  ///< the call added a new session (201)
};

/// What the service did, for the daemon's /metrics.
struct ServiceCounters {
  std::uint64_t reconcile_runs = 0;      ///< rounds of reconcile-and-apply
  std::uint64_t reconcile_actions = 0;   ///< OVSDB actions applied
  std::uint64_t reconcile_failures = 0;  ///< rounds OVSDB refused
  std::uint64_t store_reloads = 0;       ///< store (re)loads from disk that succeeded
  std::uint64_t store_reload_failures = 0;
};

/// One session's part of /metrics.
struct SessionSummary {
  std::string name;
  std::string type;   ///< local, rspan, erspan, capture
  std::string state;  ///< active, degraded, waiting, disabled, error, unknown
  bool enabled = true;
  std::int64_t mirrored_packets = 0;  ///< sum of tx_packets of its Mirror rows
  std::int64_t mirrored_bytes = 0;    ///< sum of tx_bytes of its Mirror rows
};

class SessionService {
 public:
  /// Changes are applied to `backend` at once. `context` holds what validation needs (the
  /// capture directory of `serve --capture-dir`).
  SessionService(SessionStore store, ovs::SwitchBackend& backend, LogSink log,
                 ValidationContext context = {});
  /// A service without a switch: changes are validated and saved only (`mirrorctl session
  /// --no-apply`, or no OVSDB to apply to); statuses are unknown.
  static SessionService storeOnly(SessionStore store, LogSink log, ValidationContext context = {});

  /// Reconciles every stored session against the switch and applies the actions; remembers
  /// the statuses and logs sessions whose state changed.
  const ApplyOutcome& reconcileNow();
  /// Re-reads the store from disk (SIGHUP, another writer). False when nothing changed (the
  /// same sessions: the daemon's own save) or the file could not be read (logged; the sessions
  /// loaded before stay). A reloaded session that breaks a rule is kept in the file, not
  /// applied, and shows error with its field.
  bool reload();

  /// Creates a session: 409 if the name exists.
  std::expected<SessionReply, ChangeError> create(const nlohmann::json& body);
  /// Creates or replaces; `name` in the body must match or be absent.
  std::expected<SessionReply, ChangeError> replace(const std::string& name, nlohmann::json body);
  /// A JSON merge patch (RFC 7396) over the stored JSON form.
  std::expected<SessionReply, ChangeError> patch(const std::string& name,
                                                 const nlohmann::json& body);
  /// Deletes a session: its OVS rows go in the same round.
  std::expected<void, ChangeError> remove(const std::string& name);
  /// Enables or disables a session.
  std::expected<SessionReply, ChangeError> setEnabled(const std::string& name, bool enabled);
  /// What create (`replacing` empty) or replace would answer, changing nothing: the same
  /// errors, else the session and the status it would have on the current switch (its
  /// warnings, e.g. a VM's port as destination), with "dry_run": true (session_preview.cpp).
  std::expected<SessionReply, ChangeError> preview(const nlohmann::json& body,
                                                   const std::string& replacing) const;

  /// One session with its observed status (404 when unknown).
  std::expected<SessionReply, ChangeError> get(const std::string& name) const;
  /// Every session in store order.
  nlohmann::json list() const;
  /// Status and OVS counters per Mirror row.
  std::expected<nlohmann::json, ChangeError> stats(const std::string& name) const;
  /// Every session's part of /metrics.
  std::vector<SessionSummary> sessionSummaries() const;

  const SessionStore& store() const { return store_; }
  /// The switch's latest state (nullptr before OVSDB's contents arrived, or without a switch).
  std::shared_ptr<const ovs::SwitchState> switchState() const;
  /// What the owner observes beyond OVSDB, added to every round's scope: the daemon's
  /// pipelines (without them exporter-backed and capture sessions wait for a `mirrorctl
  /// serve`) and the mirrors' traffic over time.
  void addObservations(std::function<void(ReconcileScope&)> add) {
    observations_ = std::move(add);
  }
  ServiceCounters& counters() { return counters_; }
  const ServiceCounters& counters() const { return counters_; }

 private:
  SessionService(SessionStore store, ovs::SwitchBackend* backend, LogSink log,
                 ValidationContext context);
  std::expected<SessionReply, ChangeError> commit(Session s, std::string_view replacing);
  std::unexpected<ChangeError> undo(SessionStore before, const SessionStatus& refused);
  std::vector<SessionStatus> observe() const;
  /// The store's scope, with the routes to its collectors for the loop guard.
  ReconcileScope scope() const;
  nlohmann::json replyBody(const Session& s, const SessionStatus* status) const;

  SessionStore store_;
  ovs::SwitchBackend* backend_;  ///< nullptr: store only
  LogSink log_;
  ApplyOutcome last_;
  std::map<std::string, std::string> last_logged_;
  ServiceCounters counters_;
  ValidationContext context_;
  std::function<void(ReconcileScope&)> observations_;
};

}  // namespace ovse::manager
