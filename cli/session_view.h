// How sessions look on the terminal and in --json: the list table, one session's details, the
// per-session mirror statistics OVS keeps (Mirror.statistics).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <vector>

#include "mirror_manager/reconciler.h"
#include "mirror_manager/session.h"
#include "mirror_manager/switch_report.h"
#include "ovs_plugin/switch_state.h"

namespace ovse::cli {

// Shared with the daemon's REST API (mirror_manager/switch_report.h).
using manager::mirrorCounters;
using manager::MirrorCounters;
using manager::statusJson;

/// "iface_id vm-a (both), port vm2 (ingress)"; for rspan-destination "vlan 999 on uplink eth1".
std::string describeSources(const manager::Session& s);
/// "port tap", "vlan 999 via uplink", "erspan III 10.0.0.9 id 12", "file x.pcapng".
std::string describeDestination(const manager::Session& s);

/// One line per session: NAME TYPE STATE SOURCES DESTINATION LENGTH MIRRORED-PKTS.
/// `statuses` may be empty when OVS is not reachable; `mirrored_packets` holds the OVS packet
/// counts (by session name) the answer carried, "-" for a session without one.
void printSessionTable(std::ostream& out, const std::vector<manager::Session>& sessions,
                       const std::vector<manager::SessionStatus>& statuses,
                       const std::map<std::string, std::int64_t>& mirrored_packets);

/// The `exporter` and `capture` parts of a session's stats (the daemon runs those pipelines):
/// running or why not, then each counter; nothing when `stats` has neither.
void printPipelineStats(std::ostream& out, const nlohmann::json& stats);

/// The details of one session and its status.
void printSessionDetails(std::ostream& out, const manager::Session& session,
                         const manager::SessionStatus* status, const ovs::SwitchState* state);

}  // namespace ovse::cli
