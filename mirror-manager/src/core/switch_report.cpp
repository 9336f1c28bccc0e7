// Mirror counters, status JSON and the port list with VM identities (see switch_report.h).
#include "mirror_manager/switch_report.h"

#include <algorithm>
#include <tuple>

namespace ovse::manager {
namespace {

nlohmann::json interfaceJson(const ovs::Interface& iface) {
  nlohmann::json j;
  j["name"] = iface.name;
  j["uuid"] = iface.uuid;
  j["type"] = interfaceTypeName(iface);
  j["ofport"] = iface.ofport ? nlohmann::json(*iface.ofport) : nlohmann::json(nullptr);
  j["mac_in_use"] = iface.mac_in_use;
  j["iface_id"] = iface.ifaceId();
  j["attached_mac"] = iface.attachedMac();
  j["vm_uuid"] = iface.vmUuid();
  j["link_state"] = iface.link_state;
  j["external_ids"] = iface.external_ids;
  j["options"] = iface.options;
  if (!iface.error.empty()) j["error"] = iface.error;
  return j;
}

}  // namespace

MirrorCounters mirrorCounters(const ovs::SwitchState& state, const std::string& session) {
  MirrorCounters c;
  for (const auto& m : state.mirrors) {
    auto it = m.external_ids.find(kSessionKey);
    if (it == m.external_ids.end() || it->second != session || m.external_ids.contains(kOwnerKey)) {
      continue;
    }
    c.per_row[m.name] = m.statistics;
    if (auto p = m.statistics.find("tx_packets"); p != m.statistics.end()) c.packets += p->second;
    if (auto b = m.statistics.find("tx_bytes"); b != m.statistics.end()) c.bytes += b->second;
  }
  return c;
}

nlohmann::json statusJson(const SessionStatus& s) {
  nlohmann::json j;
  j["state"] = toString(s.state);
  j["missing"] = s.missing;
  j["problems"] = s.problems;
  j["warnings"] = s.warnings;
  j["mirrors"] = s.mirrors;
  j["ports"] = s.ports;
  j["bridge"] = s.bridge;
  return j;
}

std::vector<PortView> collectPorts(const ovs::SwitchState& state, const std::string& only_bridge) {
  std::vector<PortView> out;
  for (const auto& bridge : state.bridges) {
    if (!only_bridge.empty() && bridge.name != only_bridge) continue;
    for (const auto& port_uuid : bridge.port_uuids) {
      const ovs::Port* port = state.portByUuid(port_uuid);
      if (port == nullptr) continue;
      PortView view{&bridge, port, {}};
      for (const auto& iface_uuid : port->interface_uuids) {
        if (const auto* iface = state.interfaceByUuid(iface_uuid)) view.interfaces.push_back(iface);
      }
      out.push_back(std::move(view));
    }
  }
  std::sort(out.begin(), out.end(), [](const PortView& a, const PortView& b) {
    return std::tie(a.bridge->name, a.port->name) < std::tie(b.bridge->name, b.port->name);
  });
  return out;
}

std::string interfaceTypeName(const ovs::Interface& iface) {
  return iface.type.empty() ? "system" : iface.type;
}

nlohmann::json portJson(const PortView& view) {
  nlohmann::json interfaces = nlohmann::json::array();
  for (const auto* iface : view.interfaces) interfaces.push_back(interfaceJson(*iface));
  nlohmann::json j;
  j["bridge"] = view.bridge->name;
  j["name"] = view.port->name;
  j["uuid"] = view.port->uuid;
  j["tag"] = view.port->tag ? nlohmann::json(*view.port->tag) : nlohmann::json(nullptr);
  j["trunks"] = view.port->trunks;
  j["external_ids"] = view.port->external_ids;
  j["interfaces"] = interfaces;
  return j;
}

nlohmann::json portsJson(const std::vector<PortView>& ports) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& view : ports) list.push_back(portJson(view));
  return list;
}

}  // namespace ovse::manager
