// The loop guard of ERSPAN sessions: traffic to the collector leaves through the interface the
// host's route names (OVS's userspace datapath routes tunnel packets by the kernel's table; the
// exporter sends through the kernel). When that interface is a port of the bridge the session
// mirrors on, the session's own ERSPAN packets enter that bridge from its internal port and
// leave by an uplink; a mirror that selects every packet, that internal port or a port without
// a VM identity (an uplink) would mirror its own stream again, without end.
#pragma once

#include <set>
#include <string>

#include "mirror_manager/reconciler.h"
#include "mirror_manager/session.h"
#include "switch_index.h"

namespace ovse::manager {

/// Why `s` (resolved to `mirrored_ports` on `bridge`) would mirror its own ERSPAN stream, or ""
/// when it would not or the route to its collector is not known (`scope.collector_routes`).
std::string collectorLoop(const Session& s, const SwitchIndex& index, const std::string& bridge,
                          const std::set<std::string>& mirrored_ports, const ReconcileScope& scope);

}  // namespace ovse::manager
