// A native tunnel without a route delivers nothing: the session waits for one (tunnel_route.h).
#include "tunnel_route.h"

#include <variant>

namespace ovse::manager {

std::optional<std::string> missingTunnelRoute(const Session& session, const DesiredRows& rows,
                                              const SwitchIndex& index) {
  const auto* erspan = std::get_if<ErspanDestination>(&session.destination);
  if (erspan == nullptr || erspan->backend != ErspanBackend::kNative) return std::nullopt;
  for (const auto& spec : rows.ports) {
    const ovs::Port* port = index.portByName(spec.name);
    const ovs::Interface* tunnel = port ? index.firstInterfaceOf(*port) : nullptr;
    // Before ovs-vswitchd has set the port up (no ofport), its empty status means nothing.
    if (tunnel == nullptr || !tunnel->ofport || *tunnel->ofport < 0 ||
        tunnel->status.contains("tunnel_egress_iface")) {
      continue;
    }
    return "a route to the collector " + erspan->remote_ip + ": ovs-vswitchd finds none for " +
           "tunnel port " + spec.name + " (add one on the host where ovs-vswitchd runs, e.g. " +
           "`ip route add " + erspan->remote_ip + " via GATEWAY`, or with `ovs-appctl " +
           "ovs/route/add`)";
  }
  return std::nullopt;
}

}  // namespace ovse::manager
