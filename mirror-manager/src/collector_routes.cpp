// Collector routes: one kernel route lookup per distinct collector address.
#include "mirror_manager/collector_routes.h"

#include "erspan/io/route_lookup.h"

namespace ovse::manager {

std::map<std::string, std::string> collectorRoutes(std::span<const Session> sessions) {
  std::map<std::string, std::string> routes;
  for (const auto& s : sessions) {
    const auto* d = std::get_if<ErspanDestination>(&s.destination);
    if (!s.enabled || d == nullptr) continue;
    for (const std::string& ip : collectorIps(*d)) {
      if (routes.contains(ip)) continue;
      auto address = erspan::io::parseIpAddress(ip);
      if (!address) continue;
      auto route = erspan::io::routeTo(*address);
      if (route && !route->interface.empty()) routes[ip] = route->interface;
    }
  }
  return routes;
}

}  // namespace ovse::manager
