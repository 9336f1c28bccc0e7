// Normal I/O on destination ports: the refusal of allow_normal_io and the warning for a VM's
// port used as destination (see normal_io.h for what OVS does).
#include "normal_io.h"

#include "validation_rules.h"

namespace ovse::manager {
namespace {

// "iface-id vm-a" for the first identity a VM's interface carries, or "" for none.
std::string vmIdentity(const ovs::Interface& iface) {
  if (!iface.ifaceId().empty()) return "iface-id " + iface.ifaceId();
  if (!iface.vmUuid().empty()) return "vm-uuid " + iface.vmUuid();
  if (!iface.attachedMac().empty()) return "attached-mac " + iface.attachedMac();
  return {};
}

}  // namespace

void warnVmDestinationPorts(const Session& s, const SwitchIndex& index, SessionStatus& status) {
  const auto* local = std::get_if<LocalDestination>(&s.destination);
  if (local == nullptr) return;
  for (const std::string& name : destinationPorts(*local)) {
    const ovs::Port* port = index.portByName(name);
    const ovs::Interface* iface = port ? index.firstInterfaceOf(*port) : nullptr;
    const std::string vm = iface ? vmIdentity(*iface) : std::string();
    if (vm.empty()) continue;
    status.warnings.push_back("destination port " + name + " is a VM's port (" + vm +
                              "): this port stops forwarding its own traffic while the session "
                              "is enabled (OVS reserves a mirror's output port for the copies); "
                              "use a port dedicated to the analyzer");
  }
}

namespace detail {

void checkNormalIo(const Session& s, IssueSink& out) {
  const auto* local = std::get_if<LocalDestination>(&s.destination);
  if (local == nullptr || !local->allow_normal_io) return;
  out.error("destination.allow_normal_io",
            "true is not supported: OVS reserves a mirror's output port (Mirror.output_port) for "
            "the copies, dropping what " +
                (local->port.empty() ? std::string("the port") : quote(local->port)) +
                " sends and forwarding nothing else to it, and this manager programs no "
                "OpenFlow flows that could copy without reserving; use a port dedicated to the "
                "analyzer");
}

}  // namespace detail
}  // namespace ovse::manager
