// The routes the loop guard needs (ReconcileScope::collector_routes), looked up in this
// process's network namespace: the manager runs beside ovs-vswitchd, whose userspace datapath
// routes tunnel packets by the same kernel table, and the exporter sends through it.
#pragma once

#include <map>
#include <span>
#include <string>

#include "mirror_manager/session.h"

namespace ovse::manager {

/// Collector address → the interface the route to it leaves by, for every enabled ERSPAN
/// session. Collectors without a route (or with an address that does not parse) are left out.
std::map<std::string, std::string> collectorRoutes(std::span<const Session> sessions);

}  // namespace ovse::manager
