// `mirrorctl ports`: one row per interface, grouped by bridge and port, as a table or JSON.
#include "ports_command.h"

#include <algorithm>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "ovsdb_flags.h"
#include "table.h"

namespace ovse::cli {
namespace {

struct PortsArgs {
  OvsdbFlags ovsdb;
  std::string bridge;
  bool json = false;
};

// A port with the bridge it belongs to and its interfaces, in display order.
struct PortView {
  const ovs::Bridge* bridge;
  const ovs::Port* port;
  std::vector<const ovs::Interface*> interfaces;
};

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

std::string typeName(const ovs::Interface& iface) {
  return iface.type.empty() ? "system" : iface.type;
}

nlohmann::json interfaceJson(const ovs::Interface& iface) {
  nlohmann::json j = {{"name", iface.name},
                      {"uuid", iface.uuid},
                      {"type", typeName(iface)},
                      {"ofport", iface.ofport ? nlohmann::json(*iface.ofport) : nullptr},
                      {"mac_in_use", iface.mac_in_use},
                      {"iface_id", iface.ifaceId()},
                      {"attached_mac", iface.attachedMac()},
                      {"vm_uuid", iface.vmUuid()},
                      {"link_state", iface.link_state},
                      {"external_ids", iface.external_ids},
                      {"options", iface.options}};
  if (!iface.error.empty()) j["error"] = iface.error;
  return j;
}

void printJson(const std::string& remote, const std::vector<PortView>& ports) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& view : ports) {
    nlohmann::json interfaces = nlohmann::json::array();
    for (const auto* iface : view.interfaces) interfaces.push_back(interfaceJson(*iface));
    list.push_back({{"bridge", view.bridge->name},
                    {"name", view.port->name},
                    {"uuid", view.port->uuid},
                    {"tag", view.port->tag ? nlohmann::json(*view.port->tag) : nullptr},
                    {"trunks", view.port->trunks},
                    {"external_ids", view.port->external_ids},
                    {"interfaces", interfaces}});
  }
  std::cout << nlohmann::json{{"remote", remote}, {"ports", list}}.dump(2) << '\n';
}

void printTable(const std::vector<PortView>& ports) {
  Table table({"BRIDGE", "PORT", "INTERFACE", "TYPE", "OFPORT", "MAC", "IFACE-ID", "VM-UUID"});
  for (const auto& view : ports) {
    for (const auto* iface : view.interfaces) {
      std::string mac = iface->attachedMac().empty() ? iface->mac_in_use : iface->attachedMac();
      table.addRow({view.bridge->name, view.port->name, iface->name, typeName(*iface),
                    iface->ofport ? std::to_string(*iface->ofport) : "", mac, iface->ifaceId(),
                    iface->vmUuid()});
    }
  }
  table.print(std::cout);
}

int runPorts(const PortsArgs& args) {
  auto state = readSwitchState(args.ovsdb);
  if (!state) {
    std::cerr << "mirrorctl ports: " << state.error() << '\n';
    return 1;
  }
  if (!args.bridge.empty() && (*state)->bridgeByName(args.bridge) == nullptr) {
    std::cerr << "mirrorctl ports: --bridge " << args.bridge << ": no such bridge\n";
    return 1;
  }
  auto ports = collectPorts(**state, args.bridge);
  if (args.json) {
    printJson(args.ovsdb.connect.remote, ports);
  } else {
    printTable(ports);
  }
  return 0;
}

}  // namespace

void addPortsCommand(CLI::App& app) {
  auto args = std::make_shared<PortsArgs>();
  CLI::App* cmd = app.add_subcommand("ports", "List bridges, ports, interfaces and VM identities");
  addOvsdbFlags(*cmd, args->ovsdb);
  cmd->add_option("--bridge", args->bridge, "only this bridge");
  cmd->add_flag("--json", args->json, "JSON output for scripts");
  cmd->callback([args] { throw CLI::RuntimeError(runPorts(*args)); });
}

}  // namespace ovse::cli
