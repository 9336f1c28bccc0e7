// The underlay MTU check for native ERSPAN/GRE sessions. OVS's userspace datapath does not
// fragment or cut a tunnel packet that is too big for the interface it leaves by: it drops it
// (netdev_linux logs "Message too long"; no Interface counter moves). Measured on OVS 3.1: with
// a 1500-byte underlay an ERSPAN III session delivered the ACKs of an iperf3 flow and none of
// its 1514-byte data frames. The check names the limit so the admin can act.
#pragma once

#include <optional>
#include <string>

#include "desired_rows.h"
#include "mirror_manager/session.h"
#include "switch_index.h"

namespace ovse::manager {

/// A warning when `session` (native ERSPAN/GRE, its rows in `rows`) mirrors frames that cannot
/// leave by its tunnels' egress interface once encapsulated; nothing when they fit, when the
/// session is not a native tunnel session, or while OVS has not reported the egress interface
/// (Interface.status:tunnel_egress_iface) or its MTU.
std::optional<std::string> underlayMtuWarning(const Session& session, const DesiredRows& rows,
                                              const SwitchIndex& index);

}  // namespace ovse::manager
