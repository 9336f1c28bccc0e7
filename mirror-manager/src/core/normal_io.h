// Normal I/O on a local session's destination port. OVS reserves a Mirror's output_port for the
// copies: ovs-vswitchd drops every frame the port sends ("reserved exclusively for mirroring")
// and forwards nothing else to it. Measured on the netdev datapath: a VM used as destination
// went from 0 % to 100 % ping loss, both ways, the moment the Mirror row appeared.
#pragma once

#include "mirror_manager/reconciler.h"
#include "mirror_manager/session.h"
#include "switch_index.h"

namespace ovse::manager {

/// Adds a warning to `status` for each destination port of `s` that is a VM's port (its
/// interface carries iface-id, attached-mac or vm-uuid): it stops forwarding its own traffic.
void warnVmDestinationPorts(const Session& s, const SwitchIndex& index, SessionStatus& status);

}  // namespace ovse::manager
