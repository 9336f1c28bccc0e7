// SwitchIndex: hash lookups over one SwitchState, and source resolution by port identity.
#include "switch_index.h"

#include "mirror_manager/text.h"

#include <algorithm>
#include <cctype>

#include "mirror_manager/reconciler.h"

namespace ovse::manager {
namespace {

using ovs::valueOf;

// The identity keys a source is found by: "i:" iface-id, "m:" MAC (attached-mac, else the MAC in
// use), "v:" vm-uuid / vm-id / vm-name.
std::vector<std::string> identityKeys(const ovs::Interface& iface) {
  std::vector<std::string> keys;
  if (!iface.ifaceId().empty()) keys.push_back("i:" + iface.ifaceId());
  const std::string mac = iface.attachedMac().empty() ? iface.mac_in_use : iface.attachedMac();
  if (!mac.empty()) keys.push_back("m:" + lower(mac));
  for (const std::string& vm : {iface.vmUuid(), valueOf(iface.external_ids, "vm-id"),
                                valueOf(iface.external_ids, "vm-name")}) {
    if (!vm.empty()) keys.push_back("v:" + vm);
  }
  return keys;
}

std::string identityKey(const Source& source) {
  if (!source.iface_id.empty()) return "i:" + source.iface_id;
  if (!source.mac.empty()) return "m:" + lower(source.mac);
  if (!source.vm.empty()) return "v:" + source.vm;
  return "";
}

}  // namespace

SwitchIndex::SwitchIndex(const ovs::SwitchState& state) : state_(state) {
  for (const auto& port : state.ports) {
    port_by_name_[port.name] = &port;
    port_by_uuid_[port.uuid] = &port;
  }
  for (const auto& iface : state.interfaces) {
    interface_by_uuid_[iface.uuid] = &iface;
    interface_by_name_[iface.name] = &iface;
  }
  for (const auto& bridge : state.bridges) {
    for (const auto& uuid : bridge.port_uuids) bridge_by_port_[uuid] = &bridge;
    for (const auto& uuid : bridge.mirror_uuids) bridge_by_mirror_[uuid] = &bridge;
  }
  // Sources are resolved once per session and host on every round and every fleet status:
  // a lookup, not a scan of every port's interfaces.
  for (const auto& port : state.ports) {
    if (isOurs(port) || bridgeOfPort(port.uuid) == nullptr) continue;
    for (const auto& uuid : port.interface_uuids) {
      const ovs::Interface* iface = interfaceByUuid(uuid);
      if (iface == nullptr) continue;
      for (auto& key : identityKeys(*iface)) {
        auto& ports = ports_by_identity_[std::move(key)];
        if (ports.empty() || ports.back() != &port) ports.push_back(&port);
      }
    }
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

const ovs::Interface* SwitchIndex::firstInterfaceOf(const ovs::Port& port) const {
  return port.interface_uuids.empty() ? nullptr : interfaceByUuid(port.interface_uuids[0]);
}

const ovs::Interface* SwitchIndex::interfaceByName(const std::string& name) const {
  auto it = interface_by_name_.find(name);
  return it == interface_by_name_.end() ? nullptr : it->second;
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

std::vector<const ovs::Port*> SwitchIndex::resolve(const Source& source) const {
  if (!source.port.empty()) {
    const ovs::Port* port = portByName(source.port);
    if (port != nullptr && !isOurs(*port)) return {port};
    return {};
  }
  auto it = ports_by_identity_.find(identityKey(source));
  return it == ports_by_identity_.end() ? std::vector<const ovs::Port*>{} : it->second;
}

}  // namespace ovse::manager
