// SwitchState: an immutable copy of the Open vSwitch database rows ovs-erspan cares about
// (Bridge, Port, Interface, Mirror), with lookups by name, UUID and port identity.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ovse::ovs {

using StringMap = std::map<std::string, std::string>;

/// The value of `key` in `map` (external_ids, options), or "" when absent.
inline std::string valueOf(const StringMap& map, const std::string& key) {
  auto it = map.find(key);
  return it == map.end() ? std::string{} : it->second;
}

struct Bridge {
  std::string uuid;
  std::string name;
  std::string datapath_type;
  std::vector<std::string> port_uuids;
  std::vector<std::string> mirror_uuids;
  StringMap external_ids;
};

struct Port {
  std::string uuid;
  std::string name;
  std::vector<std::string> interface_uuids;
  std::optional<std::int64_t> tag;
  std::vector<std::int64_t> trunks;
  std::string vlan_mode;
  std::string bond_mode;
  StringMap external_ids;
};

struct Interface {
  std::string uuid;
  std::string name;
  std::string type;  ///< "" for a system (kernel) interface
  std::optional<std::int64_t> ofport;
  std::string mac_in_use;
  std::string admin_state;
  std::string link_state;
  std::string error;
  std::optional<std::int64_t> mtu;  ///< the MTU ovs-vswitchd reports, when it knows one
  StringMap external_ids;
  StringMap options;
  StringMap status;  ///< Interface.status: tunnel_egress_iface for tunnels, driver_name, ...
  std::map<std::string, std::int64_t> statistics;

  /// `external_ids:iface-id`, the identity a cloud (OpenStack, OVN, libvirt) gives a VM's NIC.
  std::string ifaceId() const { return valueOf(external_ids, "iface-id"); }
  /// `external_ids:attached-mac`, the VM NIC's MAC as the hypervisor configured it.
  std::string attachedMac() const { return valueOf(external_ids, "attached-mac"); }
  /// `external_ids:vm-uuid`, the VM the NIC belongs to.
  std::string vmUuid() const { return valueOf(external_ids, "vm-uuid"); }
};

struct Mirror {
  std::string uuid;
  std::string name;
  bool select_all = false;
  std::vector<std::string> select_src_port;
  std::vector<std::string> select_dst_port;
  std::vector<std::int64_t> select_vlan;
  std::optional<std::string> output_port;
  std::optional<std::int64_t> output_vlan;
  std::optional<std::int64_t> snaplen;
  StringMap external_ids;
  std::map<std::string, std::int64_t> statistics;
};

/// The database contents at one change sequence number.
struct SwitchState {
  std::uint64_t seqno = 0;
  std::int64_t cur_cfg = 0;  ///< configuration generation ovs-vswitchd has applied
  std::vector<Bridge> bridges;
  std::vector<Port> ports;
  std::vector<Interface> interfaces;
  std::vector<Mirror> mirrors;

  const Bridge* bridgeByName(const std::string& name) const;
  const Port* portByName(const std::string& name) const;
  const Port* portByUuid(const std::string& uuid) const;
  const Interface* interfaceByUuid(const std::string& uuid) const;
  const Mirror* mirrorByName(const std::string& name) const;
  /// The bridge whose `ports` column holds the port, or nullptr.
  const Bridge* bridgeOfPort(const std::string& port_uuid) const;
};

}  // namespace ovse::ovs
