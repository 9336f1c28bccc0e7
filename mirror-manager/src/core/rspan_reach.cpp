// RSPAN reach: which ports of the bridge receive an output_vlan mirror's copies (see
// rspan_reach.h).
#include "rspan_reach.h"

#include <algorithm>
#include <set>
#include <variant>

namespace ovse::manager {
namespace {

// More names than this are summarised as "and N more": a bridge of VMs can have hundreds.
constexpr std::size_t kMaxNamedPorts = 8;

bool trunksVlan(const ovs::Port& port, std::int64_t vlan) {
  return port.trunks.empty() ||
         std::find(port.trunks.begin(), port.trunks.end(), vlan) != port.trunks.end();
}

// Why `uplink` does not carry `vlan`, for the message.
std::string whyNotCarried(const ovs::Port& uplink) {
  if (uplink.tag && (uplink.vlan_mode.empty() || uplink.vlan_mode == "access" ||
                     uplink.vlan_mode == "dot1q-tunnel")) {
    return "it is an access port of VLAN " + std::to_string(*uplink.tag);
  }
  std::string list;
  for (auto t : uplink.trunks) list += (list.empty() ? "" : ",") + std::to_string(t);
  return "its trunks are " + list;
}

// Names of ports that are some mirror's output_port on the bridge: OVS never floods copies there
// (xbundle_mirror_out).
std::set<std::string> mirrorOutputs(const ovs::Bridge& bridge, const SwitchIndex& index) {
  std::set<std::string> out;
  for (const auto& mirror : index.state().mirrors) {
    if (!mirror.output_port) continue;
    const ovs::Bridge* b = index.bridgeOfMirror(mirror.uuid);
    if (b == nullptr || b->uuid != bridge.uuid) continue;
    if (const ovs::Port* p = index.portByUuid(*mirror.output_port)) out.insert(p->name);
  }
  return out;
}

std::string nameList(const std::vector<std::string>& names) {
  std::string list;
  for (std::size_t i = 0; i < names.size() && i < kMaxNamedPorts; ++i) {
    list += (i == 0 ? "" : ", ") + names[i];
  }
  if (names.size() > kMaxNamedPorts) {
    list += " and " + std::to_string(names.size() - kMaxNamedPorts) + " more";
  }
  return list;
}

}  // namespace

bool portCarriesVlan(const ovs::Port& port, std::int64_t vlan) {
  const std::string& mode = port.vlan_mode;
  if (mode == "access" || (mode.empty() && port.tag)) return port.tag && *port.tag == vlan;
  if (mode == "dot1q-tunnel") return port.tag && *port.tag == vlan;
  // trunk, native-tagged, native-untagged: OVS adds the native VLAN to the trunks.
  if ((mode == "native-tagged" || mode == "native-untagged") && port.tag && *port.tag == vlan) {
    return true;
  }
  return trunksVlan(port, vlan);
}

std::vector<std::string> rspanReachWarnings(const Session& session, const DesiredRows& rows,
                                            const SwitchIndex& index) {
  const auto* rspan = std::get_if<RspanDestination>(&session.destination);
  if (rspan == nullptr || rows.mirrors.empty()) return {};
  const std::int64_t vlan = rspan->vlan;
  const ovs::Port* uplink = index.portByName(rspan->uplink);
  const ovs::Bridge* bridge = uplink ? index.bridgeOfPort(uplink->uuid) : nullptr;
  if (bridge == nullptr) return {};
  std::vector<std::string> warnings;
  if (!portCarriesVlan(*uplink, vlan)) {
    warnings.push_back("uplink " + uplink->name + " does not carry VLAN " + std::to_string(vlan) +
                       " (" + whyNotCarried(*uplink) + "): no RSPAN copy leaves by it; add " +
                       std::to_string(vlan) + " to its trunks");
  }
  const std::set<std::string> outputs = mirrorOutputs(*bridge, index);
  std::vector<std::string> others;
  for (const auto& uuid : bridge->port_uuids) {
    const ovs::Port* port = index.portByUuid(uuid);
    if (port == nullptr || port->uuid == uplink->uuid || outputs.contains(port->name)) continue;
    if (portCarriesVlan(*port, vlan)) others.push_back(port->name);
  }
  std::sort(others.begin(), others.end());
  if (!others.empty()) {
    warnings.push_back("RSPAN copies in VLAN " + std::to_string(vlan) + " also leave by " +
                       nameList(others) +
                       ": OVS floods them to every port that carries the VLAN (ports without a "
                       "tag trunk all VLANs); give those ports a tag or trunks without " +
                       std::to_string(vlan));
  }
  return warnings;
}

}  // namespace ovse::manager
