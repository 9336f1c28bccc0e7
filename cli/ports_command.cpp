// `mirrorctl ports`: one row per interface, grouped by bridge and port, as a table or JSON.
#include "ports_command.h"

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "mirror_manager/json_text.h"
#include "mirror_manager/switch_report.h"
#include "ovsdb_flags.h"
#include "table.h"

namespace ovse::cli {
namespace {

struct PortsArgs {
  OvsdbFlags ovsdb;
  std::string bridge;
  bool json = false;
};

using manager::collectPorts;
using manager::PortView;

void printJson(const std::string& remote, const std::vector<PortView>& ports) {
  nlohmann::json out;
  out["remote"] = remote;
  out["ports"] = manager::portsJson(ports);
  std::cout << manager::dumpJson(out, 2) << '\n';
}

void printTable(const std::vector<PortView>& ports) {
  Table table({"BRIDGE", "PORT", "INTERFACE", "TYPE", "OFPORT", "MAC", "IFACE-ID", "VM-UUID"});
  for (const auto& view : ports) {
    for (const auto* iface : view.interfaces) {
      std::string mac = iface->attachedMac().empty() ? iface->mac_in_use : iface->attachedMac();
      table.addRow({view.bridge->name, view.port->name, iface->name, manager::interfaceTypeName(*iface),
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
