#include "underlay_mtu.h"

#include <algorithm>
#include <cstdint>
#include <variant>

namespace ovse::manager {
namespace {

constexpr std::int64_t kEthernetHeader = 14;
constexpr std::int64_t kVlanTag = 4;
constexpr std::int64_t kDefaultMtu = 1500;

// The tightest of the session's tunnels: the least room for a mirrored frame among the
// interfaces they leave by (the MTU less the encapsulation to that tunnel's collector), with that
// interface's name, MTU and the encapsulation's IP bytes; nothing until OVS has reported one.
struct Egress {
  std::int64_t fits = 0;
  std::int64_t mtu = 0;
  std::int64_t ip_overhead = 0;
  std::string name;
};

std::optional<Egress> tightestEgress(const ErspanDestination& d, const DesiredRows& rows,
                                     const SwitchIndex& index) {
  std::optional<Egress> tightest;
  for (const auto& spec : rows.ports) {
    const ovs::Port* port = index.portByName(spec.name);
    const ovs::Interface* tunnel = port ? index.firstInterfaceOf(*port) : nullptr;
    if (tunnel == nullptr) continue;
    auto egress_name = tunnel->status.find("tunnel_egress_iface");
    if (egress_name == tunnel->status.end()) continue;
    const ovs::Interface* egress = index.interfaceByName(egress_name->second);
    if (egress == nullptr || !egress->mtu) continue;
    auto remote = spec.options.find("remote_ip");
    // The MTU counts the outer IP packet: the encapsulation without its Ethernet header.
    const std::int64_t ip_overhead =
        tunnelOverheadBytes(d, remote == spec.options.end() ? "" : remote->second) -
        kEthernetHeader;
    const std::int64_t fits = *egress->mtu - ip_overhead;
    if (!tightest || fits < tightest->fits) {
      tightest = Egress{fits, *egress->mtu, ip_overhead, egress->name};
    }
  }
  return tightest;
}

// The longest frame the session mirrors: its mirrored packet length, else the largest MTU of
// its source ports plus the Ethernet header (and a VLAN tag unless the port is an access port).
std::int64_t longestMirroredFrame(const Session& session, const DesiredRows& rows,
                                  const SwitchIndex& index) {
  if (session.mirrored_packet_length) return *session.mirrored_packet_length;
  std::int64_t longest = 0;
  for (const auto& mirror : rows.mirrors) {
    for (const auto* names : {&mirror.select_src_ports, &mirror.select_dst_ports}) {
      for (const auto& name : *names) {
        const ovs::Port* port = index.portByName(name);
        const ovs::Interface* iface = port ? index.firstInterfaceOf(*port) : nullptr;
        const std::int64_t mtu = iface && iface->mtu ? *iface->mtu : kDefaultMtu;
        const std::int64_t tag = port && port->tag ? 0 : kVlanTag;
        longest = std::max(longest, mtu + kEthernetHeader + tag);
      }
    }
  }
  return longest == 0 ? kDefaultMtu + kEthernetHeader + kVlanTag : longest;
}

}  // namespace

std::optional<std::string> underlayMtuWarning(const Session& session, const DesiredRows& rows,
                                              const SwitchIndex& index) {
  const auto* erspan = std::get_if<ErspanDestination>(&session.destination);
  if (erspan == nullptr || erspan->backend != ErspanBackend::kNative || rows.ports.empty()) {
    return std::nullopt;
  }
  auto egress = tightestEgress(*erspan, rows, index);
  if (!egress) return std::nullopt;
  const std::int64_t longest = longestMirroredFrame(session, rows, index);
  if (longest <= egress->fits) return std::nullopt;
  return "mirrored frames over " + std::to_string(egress->fits) + " bytes are dropped by OVS: " +
         std::to_string(egress->ip_overhead) + " bytes of encapsulation do not fit the MTU of " +
         egress->name + " (" + std::to_string(egress->mtu) + "), and frames here reach " +
         std::to_string(longest) + " bytes; set a mirrored packet length of at most " +
         std::to_string(egress->fits) + " or an MTU of at least " +
         std::to_string(longest + egress->ip_overhead) + " on " + egress->name;
}

}  // namespace ovse::manager
