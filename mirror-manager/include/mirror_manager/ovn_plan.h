// The OVN backend's planner: sessions → OVN Northbound Mirror rows (OVN 23.03), for clouds whose
// switches ovn-controller programs. Pure: the CLI (`mirrorctl ovn sync`) writes the rows through
// ovs::OvnNbClient, and ovn-northd/ovn-controller realize them on whichever chassis binds each
// port, so a mirror follows its VM without a fleet inventory.
//
// What OVN 23.03 can express, and how a session maps (anything else is the session's error):
// - type erspan, backend native, IPv4 collector: ERSPAN Type II (OVN always sets OVS's
//   erspan_ver=1) or GRE (`version: "gre"`); Type I and III, IPv6 and the exporter backend are
//   refused;
// - sources by `port` or `iface_id`, both naming the Logical_Switch_Port (OVN binds a VIF by
//   iface-id = LSP name); `mac`, `vm`, `select_all` and `select_vlans` have no OVN form;
// - a direction per row: ingress → from-lport, egress → to-lport, both → two rows
//   (<name>:from-lport and <name>:to-lport; OVN has no "both");
// - Mirror.index carries the session ID: OVS uses it as the GRE key and ERSPAN session ID, and
//   reads its decimal text as hexadecimal for the ERSPAN index (index 10 arrives as 0x10 = 16).
//   The to-lport row of a both-directions session uses session_id + 512 (OVS refuses two tunnel
//   ports with the same key), so such a session's ID must be below 512;
// - OVN 23.03 has no mirrored packet length.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "mirror_manager/reconciler.h"
#include "mirror_manager/session.h"
#include "ovs_plugin/ovn_mirror.h"

namespace ovse::manager {

/// Added to the session ID of the to-lport row of a both-directions session.
inline constexpr std::int64_t kOvnToLportIndexOffset = 512;

struct OvnPlan {
  std::vector<ovs::OvnMirrorSpec> mirrors;  ///< every row the store's sessions need
  /// One per session, in the sessions' order: active (rows planned, `mirrors` names them),
  /// disabled, or error (`problems` says what OVN cannot express).
  std::vector<SessionStatus> statuses;
};

OvnPlan planOvnMirrors(std::span<const Session> sessions);

/// Marks the sources OVN did not find (`missing_ports`, as OvnNbClient::syncMirrors reports
/// them) in the statuses: degraded when some are missing, waiting when all are.
void markMissingPorts(OvnPlan& plan, std::span<const Session> sessions,
                      const std::vector<std::string>& missing_ports);

}  // namespace ovse::manager
