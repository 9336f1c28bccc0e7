// Several analyzer ports on one local session: the list, and its rules (each port named once,
// none empty, within the mirrors OVS allows on a bridge).
#include <set>

#include "mirror_manager/reconciler.h"
#include "mirror_manager/session.h"
#include "validation_rules.h"

namespace ovse::manager {

std::vector<std::string> destinationPorts(const LocalDestination& d) {
  std::vector<std::string> ports{d.port};
  ports.insert(ports.end(), d.more_ports.begin(), d.more_ports.end());
  return ports;
}

namespace detail {

std::string destinationPortPath(const LocalDestination& d, std::size_t i) {
  if (d.more_ports.empty()) return "destination.port";
  return "destination.ports[" + std::to_string(i) + "]";
}

void checkDestinationPorts(const LocalDestination& d, IssueSink& out) {
  const std::vector<std::string> ports = destinationPorts(d);
  std::set<std::string> seen;
  for (std::size_t i = 1; i < ports.size(); ++i) {
    if (ports[i].empty()) out.error(destinationPortPath(d, i), "must not be empty");
  }
  for (std::size_t i = 0; i < ports.size(); ++i) {
    if (!ports[i].empty() && !seen.insert(ports[i]).second) {
      out.error(destinationPortPath(d, i), quote(ports[i]) + " is listed twice");
    }
  }
  // One Mirror row per destination port; OVS refuses a bridge's 33rd.
  if (ports.size() > kMaxMirrorsPerBridge) {
    out.error("destination.ports", std::to_string(ports.size()) + " ports need " +
                                       std::to_string(ports.size()) +
                                       " mirrors; OVS allows at most " +
                                       std::to_string(kMaxMirrorsPerBridge) + " on a bridge");
  }
}

}  // namespace detail
}  // namespace ovse::manager
