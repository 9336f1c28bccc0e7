// `mirrorctl capture`: pktcap-uw's flags (--switchport, --uplink, --vmk, --port, --vm, --dir,
// -A, --capture, -c, -s, -o, -P, -C, -W, flow filters), --list and --stop of running captures.
#include "capture_command.h"

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "capture_options.h"
#include "mirror_manager/capture_cleanup.h"
#include "capture_run.h"
#include "flow_filter_flags.h"
#include "mirror_manager/json_text.h"
#include "table.h"

namespace ovse::cli {
namespace {

using manager::CaptureTargetKind;

void addTargetFlag(CLI::App& cmd, CaptureOptions& o, const std::string& name,
                   CaptureTargetKind kind, const std::string& help) {
  cmd.add_option_function<std::vector<std::string>>(
         name,
         [&o, kind](const std::vector<std::string>& values) {
           for (const auto& v : values) o.targets.push_back({kind, v});
         },
         help)
      ->group("Where")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->expected(1);
}

void addFlags(CLI::App& cmd, CaptureOptions& o) {
  addTargetFlag(cmd, o, "--switchport", CaptureTargetKind::kSwitchport,
                "a port by name, ofport number or iface-id (repeatable)");
  addTargetFlag(cmd, o, "--uplink", CaptureTargetKind::kUplink,
                "a physical port or bond (all members); a member name means its bond");
  addTargetFlag(cmd, o, "--vmk", CaptureTargetKind::kVmk, "an internal port (host interface)");
  addTargetFlag(cmd, o, "--port", CaptureTargetKind::kPort, "alias of --switchport");
  addTargetFlag(cmd, o, "--vm", CaptureTargetKind::kVm,
                "every port whose interface names this VM (vm-uuid, vm-id, vm-name)");
  cmd.add_option_function<std::string>(
         "--dir",
         [&o](const std::string& v) {
           o.dir = v;
           o.dir_given = true;
         },
         "0|rx: into the switch, 1|tx: out of the switch, 2|both: one file (default 2)")
      ->group("What");
  cmd.add_option("--capture", o.point, "capture point (see -A)")->group("What");
  cmd.add_flag("-A,--availpoints", o.list_points, "list capture points and their OVS meaning")
      ->group("What");
  cmd.add_option("-c,--count", o.count, "stop after N packets")->group("Output");
  cmd.add_option("-s,--snaplen", o.snap_len_bytes, "bytes kept per frame, >= 24 (0 = whole)")
      ->group("Output");
  cmd.add_option("-o,--outfile", o.output, "output file; '-' = pcapng on stdout")->group("Output");
  cmd.add_flag("-P,--ng", o.pcapng, "pcapng (default unless the file ends in .pcap)")
      ->group("Output");
  cmd.add_option("--duration", o.duration_s, "stop after SECONDS")->group("Output");
  cmd.add_option("-C", o.rotate_mb, "new file when one exceeds this many MB")->group("Output");
  cmd.add_option("-W", o.max_files, "keep at most N files (with -C)")->group("Output");
  cmd.add_flag("--json", o.json, "final summary (or --list) as JSON")->group("Output");
  cmd.add_option("--progress", o.progress_s,
                 "seconds between progress lines when stderr is not "
                 "a terminal (0 = none)")
      ->capture_default_str()
      ->group("Output");
  cmd.add_flag("--list", o.list, "list running captures (and leftovers of dead ones)")
      ->group("Running captures");
  cmd.add_option("--stop", o.stop, "stop the capture with this pid, or all")
      ->group("Running captures");
  addFlowFilterFlags(cmd, o.filter);
  addOvsdbFlags(cmd, o.ovsdb);
}

int printPoints(const CaptureOptions& o) {
  if (o.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& p : manager::capturePoints()) {
      nlohmann::json j;
      j["name"] = p.name;
      j["supported"] = p.supported;
      j["ovs"] = p.ovs_meaning;
      list.push_back(j);
    }
    std::cout << manager::dumpJson(list, 2) << '\n';
    return 0;
  }
  Table table({"POINT", "ON OVS", "MEANING"});
  for (const auto& p : manager::capturePoints()) {
    table.addRow({p.name, p.supported ? "yes" : "no", p.ovs_meaning});
  }
  table.print(std::cout);
  return 0;
}

int listRunning(const CaptureOptions& o, ovs::OvsdbClient& client) {
  auto captures = manager::listCaptures(*client.snapshot());
  if (o.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& c : captures) {
      nlohmann::json j;
      j["owner"] = c.rows.owner;
      j["pid"] = c.rows.parsed ? c.rows.parsed->pid : 0;
      j["alive"] = c.alive;
      j["sources"] = c.rows.sources;
      j["mirrors"] = c.rows.mirrors;
      j["ports"] = c.rows.ports;
      list.push_back(j);
    }
    std::cout << manager::dumpJson(list, 2) << '\n';
    return 0;
  }
  Table table({"PID", "STATE", "SOURCES", "MIRRORS", "PORTS", "OWNER"});
  for (const auto& c : captures) {
    table.addRow({c.rows.parsed ? std::to_string(c.rows.parsed->pid) : "?",
                  c.alive ? "running" : "dead (mirrorctl gc removes it)",
                  [&] {
                    std::string s;
                    for (const auto& n : c.rows.sources) s += (s.empty() ? "" : ",") + n;
                    return s;
                  }(),
                  std::to_string(c.rows.mirrors.size()), std::to_string(c.rows.ports.size()),
                  c.rows.owner});
  }
  if (table.empty()) {
    std::cout << "no captures\n";
  } else {
    table.print(std::cout);
  }
  return 0;
}

int manageRunning(const CaptureOptions& o) {
  auto client = connectOvsdb(o.ovsdb);
  if (!client) {
    std::cerr << "mirrorctl capture: " << client.error() << '\n';
    return 1;
  }
  if (o.list) return listRunning(o, **client);
  auto stopped = manager::stopCaptures(**client, o.stop, std::chrono::seconds(10));
  if (!stopped) {
    std::cerr << "mirrorctl capture: " << stopped.error() << '\n';
    return 1;
  }
  for (const auto& line : *stopped) std::cout << line << '\n';
  return 0;
}

int dispatch(CaptureOptions& o) {
  const int modes = (o.list_points ? 1 : 0) + (o.list ? 1 : 0) + (o.stop.empty() ? 0 : 1);
  if (modes > 1) {
    std::cerr << "mirrorctl capture: -A, --list and --stop exclude each other\n";
    return 2;
  }
  if (o.list_points) return printPoints(o);
  if (o.list || !o.stop.empty()) return manageRunning(o);
  return runCapture(o);
}

}  // namespace

void addCaptureCommand(CLI::App& app) {
  auto options = std::make_shared<CaptureOptions>();
  options->progress_s = 10;
  CLI::App* cmd = app.add_subcommand(
      "capture", "pktcap-uw for OVS: capture a port's traffic (both directions) into pcapng");
  addFlags(*cmd, *options);
  cmd->callback([options] { throw CLI::RuntimeError(dispatch(*options)); });
}

}  // namespace ovse::cli
