// A session's state across a fleet of OVS hosts, from what each host last showed: where its
// rows are, which sources are found on no host, which hosts holding its part are unreachable.
// Pure: the Fleet (fleet.h) feeds it the hosts' latest snapshots and reconcile statuses.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "mirror_manager/reconciler.h"
#include "mirror_manager/session.h"
#include "ovs_plugin/switch_state.h"

namespace ovse::manager {

/// What is known about one host.
struct HostObservation {
  std::string name;
  bool connected = false;  ///< false: `state` is the last one seen before the link went down
  std::shared_ptr<const ovs::SwitchState> state;  ///< nullptr: never connected
  /// The last reconcile round's statuses, in the sessions' order (empty before the first round).
  std::vector<SessionStatus> statuses;
};

/// One session, fleet-wide.
struct FleetSessionStatus {
  std::string name;
  /// active: programmed, every source found on a reachable host; degraded: programmed, but a
  /// source is missing or on an unreachable host; waiting: no source anywhere; disabled; error:
  /// a reachable host cannot program it.
  SessionState state = SessionState::kWaiting;
  std::vector<std::string> hosts;     ///< hosts whose database holds the session's Mirror rows
  std::vector<std::string> missing;   ///< sources found on no host
  std::vector<std::string> problems;  ///< "HOST: why", unreachable hosts, OVS port errors
  std::vector<std::string> warnings;  ///< "HOST: what OVS will not deliver"
};

/// The names of the sessions with Mirror rows in `state` (rows of the store's sessions: tagged
/// with the session key, without a temporary owner).
std::vector<std::string> sessionsWithRows(const ovs::SwitchState& state);

/// Combines the hosts' observations into one status per session, in the sessions' order.
std::vector<FleetSessionStatus> fleetStatuses(std::span<const Session> sessions,
                                              std::span<const HostObservation> hosts);

/// JSON form: {"name", "state", "hosts", "missing", "problems"}.
nlohmann::json fleetStatusJson(const FleetSessionStatus& status);

}  // namespace ovse::manager
