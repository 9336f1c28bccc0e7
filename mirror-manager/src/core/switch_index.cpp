// SwitchIndex: hash lookups over one SwitchState, and source resolution by port identity.
#include "switch_index.h"

#include "mirror_manager/text.h"

#include <algorithm>
#include <cctype>

#include "mirror_manager/reconciler.h"

namespace ovse::manager {
namespace {


using ovs::valueOf;

}  // namespace

SwitchIndex::SwitchIndex(const ovs::SwitchState& state) : state_(state) {
  for (const auto& port : state.ports) {
    port_by_name_[port.name] = &port;
    port_by_uuid_[port.uuid] = &port;
  }
  for (const auto& iface : state.interfaces) interface_by_uuid_[iface.uuid] = &iface;
  for (const auto& bridge : state.bridges) {
    for (const auto& uuid : bridge.port_uuids) bridge_by_port_[uuid] = &bridge;
    for (const auto& uuid : bridge.mirror_uuids) bridge_by_mirror_[uuid] = &bridge;
  }
}

const ovs::Port* SwitchIndex::portByName(const std::string& name) const {
  auto it = port_by_name_.find(name);
  return it == port_by_name_.end() ? nullptr : it->second;
}

const ovs::Port* SwitchIndex::portByUuid(const std::string& uuid) const {
  auto it = port_by_uuid_.find(uuid);
  return it == port_by_uuid_.end() ? nullptr : it->second;
}

const ovs::Interface* SwitchIndex::interfaceByUuid(const std::string& uuid) const {
  auto it = interface_by_uuid_.find(uuid);
  return it == interface_by_uuid_.end() ? nullptr : it->second;
}

const ovs::Bridge* SwitchIndex::bridgeOfPort(const std::string& port_uuid) const {
  auto it = bridge_by_port_.find(port_uuid);
  return it == bridge_by_port_.end() ? nullptr : it->second;
}

const ovs::Bridge* SwitchIndex::bridgeOfMirror(const std::string& mirror_uuid) const {
  auto it = bridge_by_mirror_.find(mirror_uuid);
  return it == bridge_by_mirror_.end() ? nullptr : it->second;
}

bool SwitchIndex::isOurs(const ovs::Port& port) { return port.external_ids.contains(kSessionKey); }

bool SwitchIndex::interfaceMatches(const ovs::Interface& iface, const Source& source) const {
  if (!source.iface_id.empty()) return iface.ifaceId() == source.iface_id;
  if (!source.mac.empty()) {
    std::string wanted = lower(source.mac);
    return lower(iface.attachedMac()) == wanted ||
           (iface.attachedMac().empty() && lower(iface.mac_in_use) == wanted);
  }
  if (!source.vm.empty()) {
    return iface.vmUuid() == source.vm || valueOf(iface.external_ids, "vm-id") == source.vm ||
           valueOf(iface.external_ids, "vm-name") == source.vm;
  }
  return false;
}

std::vector<const ovs::Port*> SwitchIndex::resolve(const Source& source) const {
  std::vector<const ovs::Port*> out;
  if (!source.port.empty()) {
    const ovs::Port* port = portByName(source.port);
    if (port != nullptr && !isOurs(*port)) out.push_back(port);
    return out;
  }
  for (const auto& port : state_.ports) {
    if (isOurs(port) || bridgeOfPort(port.uuid) == nullptr) continue;
    bool match = std::any_of(port.interface_uuids.begin(), port.interface_uuids.end(),
                             [&](const std::string& uuid) {
                               const ovs::Interface* iface = interfaceByUuid(uuid);
                               return iface != nullptr && interfaceMatches(*iface, source);
                             });
    if (match) out.push_back(&port);
  }
  return out;
}

}  // namespace ovse::manager
