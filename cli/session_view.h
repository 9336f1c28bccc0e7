// How sessions look on the terminal and in --json: the list table, one session's details, the
// per-session mirror statistics OVS keeps (Mirror.statistics).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <vector>

#include "mirror_manager/reconciler.h"
#include "mirror_manager/session.h"
#include "ovs_plugin/switch_state.h"

namespace ovse::cli {

/// What OVS counted for a session's Mirror rows, summed (tx_packets, tx_bytes).
struct MirrorCounters {
  std::int64_t packets = 0;
  std::int64_t bytes = 0;
  std::map<std::string, std::map<std::string, std::int64_t>> per_row;  // mirror name -> stats
};

/// Counters of every Mirror row the session owns in `state` (temporary owners' rows excluded).
MirrorCounters mirrorCounters(const ovs::SwitchState& state, const std::string& session);

/// "iface_id vm-a (both), port vm2 (ingress)".
std::string describeSources(const manager::Session& s);
/// "port tap", "vlan 999 via uplink", "erspan III 10.0.0.9 id 12", "file x.pcapng".
std::string describeDestination(const manager::Session& s);

/// The JSON form of a status (state, missing, problems, mirrors, ports, bridge).
nlohmann::json statusJson(const manager::SessionStatus& status);

/// One line per session: NAME TYPE STATE SOURCES DESTINATION LENGTH MIRRORED-PKTS.
/// `statuses` and `state` may be empty/null when OVS is not reachable.
void printSessionTable(std::ostream& out, const std::vector<manager::Session>& sessions,
                       const std::vector<manager::SessionStatus>& statuses,
                       const ovs::SwitchState* state);

/// The details of one session and its status.
void printSessionDetails(std::ostream& out, const manager::Session& session,
                         const manager::SessionStatus* status, const ovs::SwitchState* state);

}  // namespace ovse::cli
