// A native tunnel without a route delivers nothing: the session waits for one (tunnel_route.h).
#include "tunnel_route.h"

#include <set>
#include <variant>

namespace ovse::manager {

std::vector<std::string> missingTunnelRoutes(const Session& session, const DesiredRows& rows,
                                             const SwitchIndex& index) {
  std::vector<std::string> missing;
  const auto* erspan = std::get_if<ErspanDestination>(&session.destination);
  if (erspan == nullptr || erspan->backend != ErspanBackend::kNative) return missing;
  std::set<std::string> told;
  for (const auto& spec : rows.ports) {
    const ovs::Port* port = index.portByName(spec.name);
    const ovs::Interface* tunnel = port ? index.firstInterfaceOf(*port) : nullptr;
    // Before ovs-vswitchd has set the port up (no ofport), its empty status means nothing.
    if (tunnel == nullptr || !tunnel->ofport || *tunnel->ofport < 0 ||
        tunnel->status.contains("tunnel_egress_iface")) {
      continue;
    }
    auto remote = spec.options.find("remote_ip");
    const std::string ip = remote == spec.options.end() ? "" : remote->second;
    if (!told.insert(ip).second) continue;  // a two-direction session's second port
    missing.push_back("a route to the collector " + ip + ": ovs-vswitchd finds none for " +
                      "tunnel port " + spec.name + " (add one on the host where ovs-vswitchd " +
                      "runs, e.g. `ip route add " + ip + " via GATEWAY`, or with `ovs-appctl " +
                      "ovs/route/add`)");
  }
  return missing;
}

}  // namespace ovse::manager
