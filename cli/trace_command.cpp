// `mirrorctl trace`: resolve the port the pktcap-uw way, build the flow, run ofproto/trace through
// libopenvswitch's unixctl client, then say where the packet goes and which mirrors copy it.
// OVS 3.1's trace has no mirror step: mirror copies show only as extra outputs in the datapath
// actions, so they are matched against the Mirror rows' output ports.
#include "trace_command.h"

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "flow_filter_flags.h"
#include "mirror_manager/capture_plan.h"
#include "mirror_manager/json_text.h"
#include "mirror_manager/reconciler.h"
#include "ovs_plugin/vswitchd_control.h"
#include "ovsdb_flags.h"
#include "trace_flow.h"

namespace ovse::cli {
namespace {

using manager::CaptureTargetKind;

struct TraceArgs {
  std::vector<manager::CaptureTarget> targets;
  erspan::exporter::FlowFilterSpec filter;
  std::string extra;
  bool json = false;
  OvsdbFlags ovsdb;
};

/// The trace's reading: outputs by name and the mirrors behind them.
struct TraceReading {
  std::string bridge, port, flow, trace;
  DatapathActions actions;
  std::vector<std::string> forwarded;  ///< outputs that are no mirror's output port
  nlohmann::json mirrors = nlohmann::json::array();
};

using ovs::valueOf;

void readMirrors(const ovs::SwitchState& state, const std::map<std::uint32_t, std::string>& ports,
                 TraceReading& r) {
  for (std::uint32_t dp : r.actions.outputs) {
    auto it = ports.find(dp);
    const std::string name = it == ports.end() ? "datapath port " + std::to_string(dp) : it->second;
    bool mirror_output = false;
    for (const auto& m : state.mirrors) {
      const ovs::Port* out = m.output_port ? state.portByUuid(*m.output_port) : nullptr;
      if (out == nullptr || out->name != name) continue;
      mirror_output = true;
      nlohmann::json j;
      j["mirror"] = m.name;
      j["output_port"] = name;
      j["session"] = valueOf(m.external_ids, manager::kSessionKey);
      j["owner"] = valueOf(m.external_ids, manager::kOwnerKey);
      r.mirrors.push_back(j);
    }
    if (!mirror_output) r.forwarded.push_back(name);
  }
}

std::expected<TraceReading, std::string> trace(const TraceArgs& a, const ovs::SwitchState& state) {
  if (a.targets.size() != 1) {
    return std::unexpected(
        std::string("name exactly one port: --switchport, --uplink, --vmk, "
                    "--port or --vm"));
  }
  auto target = manager::resolveTarget(a.targets[0], state);
  if (!target) return std::unexpected(target.error());
  if (target->port_names.size() != 1) {
    return std::unexpected(std::string(manager::flagOf(a.targets[0].kind)) + " " +
                           a.targets[0].value +
                           ": names several ports; trace one with --switchport");
  }
  TraceReading r;
  r.port = target->port_names[0];
  const ovs::Port* port = state.portByName(r.port);
  const ovs::Bridge* bridge = state.bridgeOfPort(port->uuid);
  const ovs::Interface* iface = state.interfaceByUuid(port->interface_uuids.at(0));
  if (bridge == nullptr || iface == nullptr || !iface->ofport) {
    return std::unexpected("port " + r.port + " has no OpenFlow port number yet");
  }
  r.bridge = bridge->name;
  const std::string mac = iface->attachedMac().empty() ? "" : iface->attachedMac();
  auto flow = traceFlow(a.filter, *iface->ofport, mac);
  if (!flow) return std::unexpected(flow.error());
  r.flow = *flow + (a.extra.empty() ? "" : "," + a.extra);
  auto control = a.ovsdb.connect.vswitchd_ctl.empty()
                     ? ovs::VswitchdControl::forRemote(a.ovsdb.connect.remote)
                     : std::optional<ovs::VswitchdControl>(a.ovsdb.connect.vswitchd_ctl);
  if (!control) {
    return std::unexpected("no ovs-vswitchd control socket next to " + a.ovsdb.connect.remote +
                           " (give --vswitchd-ctl PATH)");
  }
  auto reply = control->call("ofproto/trace", {r.bridge, r.flow});
  if (!reply) return std::unexpected(reply.error());
  r.trace = *reply;
  auto actions = parseDatapathActions(r.trace);
  if (!actions) return std::unexpected(actions.error());
  r.actions = *actions;
  auto dpif = control->call("dpif/show", {});
  if (!dpif) return std::unexpected(dpif.error());
  readMirrors(state, parseDpifShow(*dpif, r.bridge), r);
  return r;
}

void print(const TraceReading& r) {
  std::cout << r.trace;
  if (!r.trace.empty() && r.trace.back() != '\n') std::cout << '\n';
  std::cout << "\nmirrorctl trace: the packet enters " << r.bridge << " at port " << r.port << "\n";
  if (r.actions.dropped && r.actions.outputs.empty()) std::cout << "  dropped\n";
  std::string fwd;
  for (const auto& f : r.forwarded) fwd += (fwd.empty() ? "" : ", ") + f;
  if (!fwd.empty()) std::cout << "  forwarded to: " << fwd << "\n";
  if (r.mirrors.empty()) std::cout << "  mirrored: no (no output goes to a mirror's port)\n";
  for (const auto& m : r.mirrors) {
    std::cout << "  mirrored by " << m["mirror"].get<std::string>() << " to port "
              << m["output_port"].get<std::string>() << "\n";
  }
  std::cout << "  (OVS's trace has no mirror step: mirror copies are read from the datapath "
               "actions' outputs to Mirror output ports; RSPAN mirrors (output_vlan) show as "
               "plain outputs)\n";
}

int runTrace(TraceArgs& a) {
  auto state = readSwitchState(a.ovsdb);
  if (!state) {
    std::cerr << "mirrorctl trace: " << state.error() << '\n';
    return 1;
  }
  auto r = trace(a, **state);
  if (!r) {
    std::cerr << "mirrorctl trace: " << r.error() << '\n';
    return 2;
  }
  if (!a.json) {
    print(*r);
    return 0;
  }
  nlohmann::json j;
  j["bridge"] = r->bridge;
  j["in_port"] = r->port;
  j["flow"] = r->flow;
  j["datapath_actions"] = r->actions.text;
  j["dropped"] = r->actions.dropped;
  j["forwarded_to"] = r->forwarded;
  j["mirrors"] = r->mirrors;
  j["trace"] = r->trace;
  std::cout << manager::dumpJson(j, 2) << '\n';
  return 0;
}

void addTarget(CLI::App& cmd, TraceArgs& a, const std::string& name, CaptureTargetKind kind,
               const std::string& help) {
  cmd.add_option_function<std::string>(
         name,
         [&a, kind](const std::string& v) {
           a.targets.push_back({kind, v});
         },
         help)
      ->group("Where");
}

}  // namespace

void addTraceCommand(CLI::App& app) {
  auto a = std::make_shared<TraceArgs>();
  CLI::App* cmd = app.add_subcommand(
      "trace", "ofproto/trace a packet given pktcap-uw style; show where it goes and its mirrors");
  addTarget(*cmd, *a, "--switchport", CaptureTargetKind::kSwitchport,
            "input port: name, ofport or iface-id");
  addTarget(*cmd, *a, "--port", CaptureTargetKind::kPort, "alias of --switchport");
  addTarget(*cmd, *a, "--uplink", CaptureTargetKind::kUplink, "input uplink (bond) port");
  addTarget(*cmd, *a, "--vmk", CaptureTargetKind::kVmk, "input internal port");
  addTarget(*cmd, *a, "--vm", CaptureTargetKind::kVm, "the port of this VM (must be one)");
  addFlowFilterFlags(*cmd, a->filter);
  cmd->add_option("--flow", a->extra, "more OVS flow fields, e.g. nw_tos=32")->group("Flow filter");
  cmd->add_flag("--json", a->json, "output as JSON");
  addOvsdbFlags(*cmd, a->ovsdb);
  cmd->callback([a] { throw CLI::RuntimeError(runTrace(*a)); });
}

}  // namespace ovse::cli
