// The reconciler: a pure function from the desired sessions and the observed switch state to
// the database actions that make OVS match, plus each session's status. The shell runs it on
// every OVSDB change and every session change; running it again on its own result yields no
// actions (idempotent). Only rows tagged external_ids:ovs-erspan-session are ever touched.
#pragma once

#include <map>
#include <span>
#include <string>
#include <vector>

#include "mirror_manager/pipeline_report.h"
#include "mirror_manager/session.h"
#include "mirror_manager/validation.h"
#include "ovs_plugin/actions.h"
#include "ovs_plugin/switch_state.h"

namespace ovse::manager {

/// external_ids key on every row ovs-erspan creates; the value is the session name.
inline constexpr char kSessionKey[] = "ovs-erspan-session";
/// external_ids key naming the row's part of the session (ingress, egress, all).
inline constexpr char kRoleKey[] = "ovs-erspan-role";
/// external_ids key on rows of a temporary owner (a `mirrorctl capture` run), absent otherwise.
inline constexpr char kOwnerKey[] = "ovs-erspan-owner";
/// OVS refuses more mirrors than this on one bridge (ofproto-dpif-mirror.h MAX_MIRRORS).
inline constexpr std::size_t kMaxMirrorsPerBridge = 32;

enum class SessionState {
  kActive,    ///< programmed, every source present
  kDegraded,  ///< programmed, some sources missing (re-bound when they return)
  kWaiting,   ///< nothing to mirror yet: no source (or the destination) is present
  kDisabled,  ///< enabled = false
  kError,     ///< cannot be programmed; `problems` says why
};

const char* toString(SessionState s);

/// The name of a port ovs-erspan creates for `session_name` and `role` ("ingress", "egress",
/// "all"): "oe" + 8 hex digits of a hash of the name + the role's initial, 11 characters, so it
/// fits the kernel's 15-character limit for internal ports.
std::string ownedPortName(const std::string& session_name, const std::string& role);

/// Type II has no direction field: the egress copy of a both-directions session sets this bit of
/// the 20-bit index, so a collector can tell the directions apart.
inline constexpr std::uint32_t kTypeIIEgressIndexBit = 0x80000;


struct SessionStatus {
  std::string name;
  SessionState state = SessionState::kWaiting;
  std::vector<std::string> missing;   ///< sources (or the destination) not found, with why
  std::vector<std::string> problems;  ///< why the session cannot be programmed
  std::vector<std::string> warnings;  ///< programmed, but OVS will not deliver all it mirrors
  std::vector<std::string> mirrors;   ///< Mirror rows the session owns
  std::vector<std::string> ports;     ///< ports the session owns (tunnels, internal ports)
  std::string bridge;                 ///< where it is programmed
};

struct ReconcilePlan {
  std::vector<ovs::Action> actions;
  std::vector<SessionStatus> statuses;  ///< one per session, in the sessions' order
};

/// Who the reconciler works for: the store's sessions (owner empty) or a temporary owner whose
/// rows carry external_ids:ovs-erspan-owner=<owner>. Rows of other owners are never touched.
struct ReconcileScope {
  std::string owner;
  /// Fleet mode: this switch is one host of many and a session's sources may live on another.
  /// A session with nothing to mirror here gets no rows here (they are removed) instead of
  /// keeping them for the source's return, so a mirror follows its VM when the VM moves.
  bool fleet = false;
  /// Collector address (as a session names it) → the local interface the route to it leaves
  /// by, for the loop guard. Sessions whose collector is not listed are not checked.
  std::map<std::string, std::string> collector_routes;
  /// Why ovs-vswitchd's datapath flows cannot be purged after a mirror change (its unixctl
  /// socket was not found), or empty. When set, every programmed session carries it as a
  /// warning: established flows are not mirrored until OVS revalidates them on its own.
  std::string flow_purge_problem;
  /// What the static rules need (the capture directory): the store's sessions are validated
  /// again on every round, so a hand-edited file is held to the rules of a create.
  ValidationContext validation;
  /// What reads the ports of the store's exporter-backed and capture sessions. The default
  /// (nothing here runs them) makes such sessions `waiting: no mirrorctl serve runs this
  /// session`; `mirrorctl serve` fills it from its supervisors. Not used for temporary owners
  /// (a `mirrorctl capture` reads its own ports) or in fleet mode (the hosts are remote).
  PipelineReport pipelines;
  /// Session → why its mirror counts nothing while its sources carry traffic, observed over
  /// time (MirrorTrafficWatch, in `mirrorctl serve`); a warning of the programmed session.
  std::map<std::string, std::string> traffic_warnings;
};

/// Computes the actions that make `state` match `sessions`.
ReconcilePlan reconcile(std::span<const Session> sessions, const ovs::SwitchState& state,
                        const ReconcileScope& scope = {});

}  // namespace ovse::manager
