// `mirrorctl trace`: resolve the port the pktcap-uw way, build the flow, run ofproto/trace through
// libopenvswitch's unixctl client, then say where the packet goes and which mirrors copy it.
// Reading OVS's reply (outputs, native tunnel pushes, which Mirror rows they are) is
// ovs-plugin's (ovs_plugin/trace_reading.h); this file parses flags, calls and prints.
#include "trace_command.h"

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "flow_filter_flags.h"
#include "mirror_manager/capture_plan.h"
#include "mirror_manager/json_text.h"
#include "mirror_manager/reconciler.h"
#include "ovs_plugin/trace_reading.h"
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
  ovs::DatapathActions actions;
  std::vector<std::string> forwarded;  ///< outputs that are no mirror's output port
  nlohmann::json mirrors = nlohmann::json::array();
  nlohmann::json unmatched_tunnels = nlohmann::json::array();
};

using ovs::valueOf;

nlohmann::json tunnelJson(const ovs::TunnelPush& push) {
  nlohmann::json j;
  j["encapsulation"] = push.kind;
  j["collector"] = push.remote_ip;
  j["local_ip"] = push.local_ip;
  const bool overlay = push.kind == "vxlan" || push.kind == "geneve";
  j[overlay ? "vni" : "session_id"] =
      push.key ? nlohmann::json(*push.key) : nlohmann::json(nullptr);
  // OVS's header field counts from Type II = 1; sessions and collectors speak of Types.
  if (push.erspan_version) j["erspan_type"] = *push.erspan_version + 1;
  return j;
}

void readMirrors(const ovs::SwitchState& state, const std::map<std::uint32_t, std::string>& ports,
                 TraceReading& r) {
  ovs::TraceOutputs outputs = ovs::classifyOutputs(state, r.actions, ports);
  r.forwarded = outputs.forwarded;
  for (const auto& m : outputs.mirrors) {
    nlohmann::json j;
    j["mirror"] = m.mirror;
    j["output_port"] = m.output_port;
    j["session"] = valueOf(m.external_ids, manager::kSessionKey);
    j["owner"] = valueOf(m.external_ids, manager::kOwnerKey);
    if (m.tunnel) j["tunnel"] = tunnelJson(*m.tunnel);
    r.mirrors.push_back(j);
  }
  for (const auto* push : outputs.unmatched_tunnels)
    r.unmatched_tunnels.push_back(tunnelJson(*push));
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
                     ? ovs::VswitchdControl::find(a.ovsdb.connect.remote)
                     : ovs::VswitchdControl(a.ovsdb.connect.vswitchd_ctl);
  if (!control) return std::unexpected(control.error());
  auto reply = control->call("ofproto/trace", {r.bridge, r.flow});
  if (!reply) return std::unexpected(reply.error());
  r.trace = *reply;
  auto actions = ovs::parseDatapathActions(r.trace);
  if (!actions) return std::unexpected(actions.error());
  r.actions = *actions;
  auto dpif = control->call("dpif/show", {});
  if (!dpif) return std::unexpected(dpif.error());
  readMirrors(state, ovs::parseDpifShow(*dpif, r.bridge), r);
  return r;
}

// "erspan Type II to collector 192.0.2.10, session ID 7", "vxlan to collector 192.0.2.10, VNI 5".
std::string describeTunnel(const nlohmann::json& t) {
  std::string text = t["encapsulation"].get<std::string>();
  static const char* kTypes[] = {"I", "II", "III"};
  if (t.contains("erspan_type")) {
    const int type = t["erspan_type"].get<int>();
    text += std::string(" Type ") + (type >= 1 && type <= 3 ? kTypes[type - 1] : "?");
  }
  text += " to collector " + t["collector"].get<std::string>();
  if (t.contains("vni") && !t["vni"].is_null()) {
    text += ", VNI " + std::to_string(t["vni"].get<std::uint32_t>());
  } else if (t.contains("session_id") && !t["session_id"].is_null()) {
    text += (t["encapsulation"] == "gre" ? ", GRE key " : ", session ID ") +
            std::to_string(t["session_id"].get<std::uint32_t>());
  }
  return text;
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
              << m["output_port"].get<std::string>();
    if (m.contains("tunnel")) std::cout << ": " << describeTunnel(m["tunnel"]);
    std::cout << "\n";
  }
  for (const auto& t : r.unmatched_tunnels) {
    std::cout << "  tunnel copy of no Mirror row here: " << describeTunnel(t) << "\n";
  }
  std::cout << "  (OVS's trace has no mirror step: mirror copies are read from the datapath "
               "actions' outputs to Mirror output ports and their native tunnel pushes; RSPAN "
               "mirrors (output_vlan) show as plain outputs)\n";
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
  j["unmatched_tunnels"] = r->unmatched_tunnels;
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
