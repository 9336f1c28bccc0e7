// Where OVS really sends an RSPAN session's copies. A Mirror with output_vlan has no output port:
// ovs-vswitchd (ofproto-dpif-xlate.c, mirror_packet) retags the copy with the VLAN and floods it
// to every port of the bridge that carries that VLAN and is not a mirror's output port. So the
// session's uplink is not where copies go, only one of the places: a VM port without a tag
// trunks every VLAN and receives them too, and an uplink whose trunks or tag leave the VLAN out
// receives none. These checks name both cases so the admin can act.
#pragma once

#include <string>
#include <vector>

#include "desired_rows.h"
#include "mirror_manager/session.h"
#include "switch_index.h"

namespace ovse::manager {

/// True when OVS would output a frame of `vlan` (single-tagged) to `port`: an access port of
/// that VLAN, or a trunk (also native-tagged/untagged) whose trunks are empty or include it; a
/// dot1q-tunnel port when its tag is the VLAN. Follows ofproto-dpif-xlate's xbundle_includes_vlan
/// and bridge.c's defaults (a port with a tag and no vlan_mode is an access port).
bool portCarriesVlan(const ovs::Port& port, std::int64_t vlan);

/// Warnings for an RSPAN session programmed as `rows`: the uplink does not carry the VLAN (no
/// copy leaves by it), and the other ports of the bridge that receive the copies too. Nothing for
/// other session types, or when the session has no Mirror row.
std::vector<std::string> rspanReachWarnings(const Session& session, const DesiredRows& rows,
                                            const SwitchIndex& index);

}  // namespace ovse::manager
