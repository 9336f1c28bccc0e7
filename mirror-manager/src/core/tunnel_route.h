// Whether a native ERSPAN/GRE session's tunnel can leave the host. ovs-vswitchd looks up the
// route to remote_ip in its own routing table (the kernel's routes it caches, plus
// `ovs-appctl ovs/route/add`) and writes the interface it would leave by into
// Interface.status:tunnel_egress_iface. Measured on OVS 3.1 (netdev datapath): a tunnel port
// to an address without a route has an ofport and link_state up but an empty status, and sends
// nothing; the status is written in the same reconfiguration that gives the port its ofport.
#pragma once

#include <string>
#include <vector>

#include "desired_rows.h"
#include "mirror_manager/session.h"
#include "switch_index.h"

namespace ovse::manager {

/// For each collector whose tunnel port ovs-vswitchd has set up (ofport) without finding a
/// route, what the session is missing; nothing for other sessions, for ports it has not set up
/// yet, or when every tunnel has its egress interface.
std::vector<std::string> missingTunnelRoutes(const Session& session, const DesiredRows& rows,
                                             const SwitchIndex& index);

}  // namespace ovse::manager
