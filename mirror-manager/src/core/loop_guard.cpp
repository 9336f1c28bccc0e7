// The loop guard: the route's interface → its bridge → what the session mirrors there.
#include "loop_guard.h"

#include <algorithm>

namespace ovse::manager {
namespace {

// A VM's port: one of its interfaces carries the identity a hypervisor gives a VM NIC.
bool hasVmIdentity(const ovs::Port& port, const SwitchIndex& index) {
  return std::any_of(
      port.interface_uuids.begin(), port.interface_uuids.end(), [&](const std::string& uuid) {
        const ovs::Interface* iface = index.interfaceByUuid(uuid);
        return iface != nullptr &&
               (!iface->ifaceId().empty() || !iface->attachedMac().empty() ||
                !iface->vmUuid().empty() || !ovs::valueOf(iface->external_ids, "vm-id").empty() ||
                !ovs::valueOf(iface->external_ids, "vm-name").empty());
      });
}

}  // namespace

std::string collectorLoop(const Session& s, const SwitchIndex& index, const std::string& bridge,
                          const std::set<std::string>& mirrored_ports,
                          const ReconcileScope& scope) {
  const auto* d = std::get_if<ErspanDestination>(&s.destination);
  if (d == nullptr) return "";
  const std::vector<std::string> ips = collectorIps(*d);
  for (std::size_t i = 0; i < ips.size(); ++i) {
    auto route = scope.collector_routes.find(ips[i]);
    if (route == scope.collector_routes.end()) continue;
    const std::string& via = route->second;
    const ovs::Port* port = index.portByName(via);
    const ovs::Bridge* via_bridge = port != nullptr ? index.bridgeOfPort(port->uuid) : nullptr;
    if (via_bridge == nullptr || via_bridge->name != bridge) continue;
    const std::string field = ips.size() == 1 ? "destination.remote_ip"
                                              : "destination.remote_ips[" + std::to_string(i) + "]";
    const std::string reached = field + " " + ips[i] + " is reached through " + via +
                                ", a port of bridge " + bridge + ", ";
    const std::string loop = ": the session would mirror its own ERSPAN packets without end";
    if (s.select_all) return reached + "where this session mirrors every packet" + loop;
    for (const auto& name : mirrored_ports) {
      const ovs::Port* mirrored = index.portByName(name);
      if (name == via || (mirrored != nullptr && !hasVmIdentity(*mirrored, index))) {
        return reached + "and this session mirrors " + name +
               (name == via ? "" : ", a port without a VM identity (an uplink) that carries them") +
               loop;
      }
    }
  }
  return "";
}

}  // namespace ovse::manager
