// Converts the C shim's snapshot into an owning SwitchState.
#include "shim_convert.h"

#include <span>

namespace ovse::ovs {
namespace {

std::vector<std::string> uuids(const ovse_uuid* items, std::size_t n) {
  std::vector<std::string> out;
  out.reserve(n);
  for (const auto& u : std::span(items, n)) out.emplace_back(u.str);
  return out;
}

StringMap strings(const ovse_smap& map) {
  StringMap out;
  for (std::size_t i = 0; i < map.n; ++i) out.emplace(map.keys[i], map.values[i]);
  return out;
}

std::map<std::string, std::int64_t> integers(const ovse_imap& map) {
  std::map<std::string, std::int64_t> out;
  for (std::size_t i = 0; i < map.n; ++i) out.emplace(map.keys[i], map.values[i]);
  return out;
}

std::optional<std::int64_t> unlessNegative(std::int64_t v) {
  return v < 0 ? std::nullopt : std::optional(v);
}

Bridge convert(const ovse_bridge& b) {
  return {b.uuid.str, b.name, b.datapath_type, uuids(b.ports, b.n_ports),
          uuids(b.mirrors, b.n_mirrors), strings(b.external_ids)};
}

Port convert(const ovse_port& p) {
  return {p.uuid.str,
          p.name,
          uuids(p.interfaces, p.n_interfaces),
          unlessNegative(p.tag),
          std::vector<std::int64_t>(p.trunks, p.trunks + p.n_trunks),
          p.vlan_mode,
          p.bond_mode,
          strings(p.external_ids)};
}

Interface convert(const ovse_interface& f) {
  Interface out;
  out.uuid = f.uuid.str;
  out.name = f.name;
  out.type = f.type;
  out.ofport = unlessNegative(f.ofport);
  out.mac_in_use = f.mac_in_use;
  out.admin_state = f.admin_state;
  out.link_state = f.link_state;
  out.error = f.error;
  out.mtu = unlessNegative(f.mtu);
  out.external_ids = strings(f.external_ids);
  out.options = strings(f.options);
  out.status = strings(f.status);
  out.statistics = integers(f.statistics);
  return out;
}

Mirror convert(const ovse_mirror& m) {
  Mirror out;
  out.uuid = m.uuid.str;
  out.name = m.name;
  out.select_all = m.select_all;
  out.select_src_port = uuids(m.select_src_port, m.n_select_src_port);
  out.select_dst_port = uuids(m.select_dst_port, m.n_select_dst_port);
  out.select_vlan.assign(m.select_vlan, m.select_vlan + m.n_select_vlan);
  if (m.has_output_port) out.output_port = m.output_port.str;
  out.output_vlan = unlessNegative(m.output_vlan);
  if (m.snaplen > 0) out.snaplen = m.snaplen;
  out.external_ids = strings(m.external_ids);
  out.statistics = integers(m.statistics);
  return out;
}

template <typename Out, typename In>
std::vector<Out> convertAll(const In* rows, std::size_t n) {
  std::vector<Out> out;
  out.reserve(n);
  for (const auto& row : std::span(rows, n)) out.push_back(convert(row));
  return out;
}

}  // namespace

SwitchState convertSnapshot(const ovse_snapshot& s) {
  SwitchState out;
  out.seqno = s.seqno;
  out.cur_cfg = s.cur_cfg;
  out.bridges = convertAll<Bridge>(s.bridges, s.n_bridges);
  out.ports = convertAll<Port>(s.ports, s.n_ports);
  out.interfaces = convertAll<Interface>(s.interfaces, s.n_interfaces);
  out.mirrors = convertAll<Mirror>(s.mirrors, s.n_mirrors);
  return out;
}

}  // namespace ovse::ovs
