// SwitchIndex: lookups over a SwitchState the reconciler needs many times per run (the port of
// an interface, the bridge of a port or mirror) and source resolution by identity.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "mirror_manager/session.h"
#include "ovs_plugin/switch_state.h"

namespace ovse::manager {

class SwitchIndex {
 public:
  explicit SwitchIndex(const ovs::SwitchState& state);

  const ovs::SwitchState& state() const { return state_; }
  const ovs::Port* portByName(const std::string& name) const;
  const ovs::Port* portByUuid(const std::string& uuid) const;
  const ovs::Interface* interfaceByUuid(const std::string& uuid) const;
  const ovs::Interface* interfaceByName(const std::string& name) const;
  /// A port's first (for all but bonds, only) interface, or nullptr.
  const ovs::Interface* firstInterfaceOf(const ovs::Port& port) const;
  /// The bridge holding a port or a mirror (by UUID), or nullptr.
  const ovs::Bridge* bridgeOfPort(const std::string& port_uuid) const;
  const ovs::Bridge* bridgeOfMirror(const std::string& mirror_uuid) const;
  /// Every port whose identity matches the source; ports ovs-erspan created are never matched.
  std::vector<const ovs::Port*> resolve(const Source& source) const;
  /// True when the port carries external_ids:ovs-erspan-session.
  static bool isOurs(const ovs::Port& port);

 private:
  const ovs::SwitchState& state_;
  std::unordered_map<std::string, const ovs::Port*> port_by_name_;
  std::unordered_map<std::string, const ovs::Port*> port_by_uuid_;
  std::unordered_map<std::string, const ovs::Interface*> interface_by_uuid_;
  std::unordered_map<std::string, const ovs::Interface*> interface_by_name_;
  std::unordered_map<std::string, const ovs::Bridge*> bridge_by_port_;
  std::unordered_map<std::string, const ovs::Bridge*> bridge_by_mirror_;
  /// Identity key ("i:" iface-id, "m:" MAC, "v:" VM) → ports, in the state's order.
  std::unordered_map<std::string, std::vector<const ovs::Port*>> ports_by_identity_;
};

}  // namespace ovse::manager
