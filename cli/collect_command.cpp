// `mirrorctl collect`: flags → CollectorConfig, signals, start-up line, live stats, summary.
#include "collect_command.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <iostream>
#include <memory>

#include "collect_report.h"
#include "erspan/collector/run.h"
#include "mirror_manager/json_text.h"
#include "stop_signals.h"

namespace ovse::cli {
namespace {

namespace ec = erspan::collector;

struct CollectArgs {
  ec::CollectorConfig config;
  std::string allow;
  std::string sessions;
  std::string time = "arrival";
  std::string format;
  double rotate_mb = 0;
  std::uint32_t buffer_mb = 32;
  std::string stats_json;
  bool json = false;
  std::vector<std::uint16_t> vxlan_ports;   ///< empty: the default (4789)
  std::vector<std::uint16_t> geneve_ports;  ///< empty: the default (6081)
};

ec::RunControl* g_control = nullptr;

void stopCollector() {
  if (g_control != nullptr) g_control->stop.store(true);
}

void rotateFiles() {
  if (g_control != nullptr) g_control->rotate.store(true);
}

void installSignals(ec::RunControl& control) {
  g_control = &control;
  installStopSignals({.on_stop = stopCollector, .on_hangup = rotateFiles});
}

/// Fills one overlay's port list from its flag's values (none given: the default stays).
std::string setPorts(const std::vector<std::uint16_t>& given, const char* flag,
                     std::array<std::uint16_t, erspan::kMaxUdpTunnelPorts>& ports,
                     std::size_t& count) {
  if (given.empty()) return "";
  if (given.size() > ports.size()) {
    return std::string(flag) + " given " + std::to_string(given.size()) + " times, at most " +
           std::to_string(ports.size()) + " ports";
  }
  count = 0;
  for (const std::uint16_t port : given) {
    if (std::find(ports.begin(), ports.begin() + count, port) == ports.begin() + count) {
      ports[count++] = port;
    }
  }
  return "";
}

/// --vxlan-port and --geneve-port: each port one overlay's.
std::string finishPorts(const CollectArgs& args, erspan::UdpTunnelPorts& ports) {
  if (auto e = setPorts(args.vxlan_ports, "--vxlan-port", ports.vxlan, ports.vxlan_count);
      !e.empty())
    return e;
  if (auto e = setPorts(args.geneve_ports, "--geneve-port", ports.geneve, ports.geneve_count);
      !e.empty())
    return e;
  for (std::size_t i = 0; i < ports.geneve_count; ++i) {
    if (ports.tunnelOf(ports.geneve[i]) == erspan::Tunnel::kVxlan) {
      return "UDP port " + std::to_string(ports.geneve[i]) +
             " is given as both --vxlan-port and --geneve-port";
    }
  }
  return "";
}

/// "VXLAN on UDP 4789, Geneve on UDP 6081".
std::string portsText(const erspan::UdpTunnelPorts& ports) {
  const auto list = [](const auto& a, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += (i ? "," : "") + std::to_string(a[i]);
    return out;
  };
  return "VXLAN on UDP " + list(ports.vxlan, ports.vxlan_count) + ", Geneve on UDP " +
         list(ports.geneve, ports.geneve_count);
}

/// Completes `args.config` from the string flags; returns an error naming the flag.
std::string finishConfig(CollectArgs& args) {
  auto& c = args.config;
  if (c.interface.empty() == c.read_path.empty()) return "give exactly one of -i IFACE and -r FILE";
  if (c.write_pattern.empty() && c.tap_name.empty()) c.write_pattern.clear();
  if (!args.allow.empty()) {
    auto allow = ec::parseCidrList(args.allow);
    if (!allow) return allow.error();
    c.allow = *allow;
  }
  if (auto trust = ec::checkExporterTrust(c); !trust) return trust.error();
  if (std::string error = finishPorts(args, c.udp_ports); !error.empty()) return error;
  if (!args.sessions.empty()) {
    auto sessions = ec::parseSessionList(args.sessions);
    if (!sessions) return sessions.error();
    c.sessions = *sessions;
  }
  c.time_source = args.time == "exporter" ? ec::TimeSource::kExporter : ec::TimeSource::kArrival;
  const std::string& w = c.write_pattern;
  const bool pcap_ext = w.size() > 5 && w.compare(w.size() - 5, 5, ".pcap") == 0;
  if (args.format.empty()) {
    c.format = pcap_ext ? ec::OutputFormat::kPcap : ec::OutputFormat::kPcapng;
  } else {
    c.format = args.format == "pcap" ? ec::OutputFormat::kPcap : ec::OutputFormat::kPcapng;
  }
  c.rotate_bytes = static_cast<std::uint64_t>(args.rotate_mb * 1e6);
  c.buffer_bytes = args.buffer_mb * 1024u * 1024u;
  return "";
}

void printStartup(const CollectArgs& args, std::ostream& out) {
  const auto& c = args.config;
  out << "mirrorctl collect: "
      << (c.read_path.empty() ? "listening on " + c.interface : "reading " + c.read_path)
      << (c.write_pattern.empty() ? "" : ", writing " + c.write_pattern)
      << (c.tap_name.empty() ? "" : ", re-injecting into TAP " + c.tap_name) << "; "
      << "ERSPAN/GRE, " << portsText(c.udp_ports) << "; "
      << (c.allow.empty() ? "accepting ANY exporter (--allow-any)"
                          : "accepting exporters in --allow " + args.allow)
      << "\n";
}

int runCollect(CollectArgs& args) {
  if (std::string error = finishConfig(args); !error.empty()) {
    std::cerr << "mirrorctl collect: " << error << '\n';
    return 2;
  }
  // With -w - standard output is the capture stream: every text goes to stderr.
  std::ostream& text = args.config.write_pattern == "-" ? std::cerr : std::cout;
  printStartup(args, std::cerr);
  ec::RunControl control;
  installSignals(control);
  const bool tty = isatty(STDERR_FILENO) != 0;
  auto log = [](const std::string& line) { std::cerr << "mirrorctl collect: " << line << '\n'; };
  auto stats = [&](const ec::Collector& collector, bool final) {
    if (!args.stats_json.empty()) writeJsonFile(args.stats_json, collectStatsJson(collector));
    if (tty && !final) std::cerr << '\r' << collectStatsLine(collector) << "\x1b[K" << std::flush;
    if (tty && final) std::cerr << '\n';
    if (!final) return;
    if (args.json) {
      text << manager::dumpJson(collectStatsJson(collector), 2) << '\n';
    } else {
      printCollectSummary(text, collector);
    }
  };
  auto result = ec::runCollector(args.config, control, log, stats);
  g_control = nullptr;
  if (!result) {
    std::cerr << "mirrorctl collect: " << result.error() << '\n';
    return 1;
  }
  return 0;
}

void addInputFlags(CLI::App& cmd, CollectArgs& a) {
  cmd.add_option("-i,--interface", a.config.interface, "capture live on this interface");
  cmd.add_option("-r,--read", a.config.read_path, "read outer packets from a pcap/pcapng file");
  cmd.add_option("-B,--buffer-mb", a.buffer_mb, "kernel capture ring in MiB (default 32)")
      ->check(CLI::Range(1, 2048));
  cmd.add_option("-s,--snaplen", a.config.snap_len_bytes, "outer bytes kept (default 262144)")
      ->check(CLI::Range(64, 262144));
  cmd.add_flag("-p,--promisc", a.config.promiscuous, "promiscuous mode");
  cmd.add_option("--allow", a.allow,
                 "accept only these exporters: CIDR[,CIDR...] (this or --allow-any is required)");
  cmd.add_flag("--allow-any", a.config.allow_any,
               "accept ERSPAN/GRE/VXLAN/Geneve from every source address (isolated capture "
               "networks)");
  cmd.add_option("--vxlan-port", a.vxlan_ports,
                 "receive VXLAN on this UDP port; repeat for more (default 4789 when not given)")
      ->check(CLI::Range(1, 65535))
      ->take_all();
  cmd.add_option("--geneve-port", a.geneve_ports,
                 "receive Geneve on this UDP port; repeat for more (default 6081 when not given)")
      ->check(CLI::Range(1, 65535))
      ->take_all();
  cmd.add_option("--max-sessions", a.config.max_sessions,
                 "sessions tracked at most; packets of more are counted and dropped (default 4096)")
      ->check(CLI::Range(1u, ec::kMaxSessionsLimit));
  cmd.add_option("--session", a.sessions,
                 "keep only these sessions: ID, IPv4:ID, [IPv6]:ID,... (ID: ERSPAN session ID, GRE "
                 "key or VXLAN/Geneve VNI)");
  cmd.add_option("--filter", a.config.inner_filter, "BPF applied to the inner Ethernet frames");
  cmd.add_option("--time", a.time, "timestamps: arrival (default) or exporter (Type III)")
      ->check(CLI::IsMember({"arrival", "exporter"}));
}

void addOutputFlags(CLI::App& cmd, CollectArgs& a) {
  cmd.add_option("-w,--write", a.config.write_pattern,
                 "output file or pattern (%e exporter, %s session ID/GRE key/VNI, %t type: erspan, "
                 "gre, vxlan or geneve, %Y%m%d%H%M%S time, "
                 "%% percent); '-' = pcapng on stdout; '.pcap' = classic nanosecond pcap");
  cmd.add_option("--format", a.format, "pcapng or pcap (default: from the file name)")
      ->check(CLI::IsMember({"pcap", "pcapng"}));
  cmd.add_option("-C", a.rotate_mb, "rotate when a file exceeds this many MB (1,000,000 bytes)")
      ->check(CLI::PositiveNumber);
  cmd.add_option("-G", a.config.rotate_seconds, "rotate every SECONDS")
      ->check(CLI::Range(1, 1 << 30));
  cmd.add_option("-W", a.config.max_files, "keep at most N files per output (ring)")
      ->check(CLI::Range(1, 1 << 20));
  cmd.add_flag("--overwrite", a.config.file_options.overwrite,
               "truncate a file already at an output's name (default: rename it aside with its "
               "modification time, name-YYYYmmdd-HHMMSS.ext)");
  cmd.add_option("--max-outputs", a.config.max_outputs,
                 "files open at most; the least recently written is closed and its session goes "
                 "on in a new file (default 256)")
      ->check(CLI::Range(1u, ec::kMaxOutputsLimit));
  cmd.add_option("--tap", a.config.tap_name, "re-inject inner frames into this TAP device");
  cmd.add_option("--stats-json", a.stats_json, "write statistics JSON here every second");
  cmd.add_flag("--json", a.json, "final summary as JSON");
}

}  // namespace

void addCollectCommand(CLI::App& app) {
  auto args = std::make_shared<CollectArgs>();
  CLI::App* cmd = app.add_subcommand(
      "collect",
      "Receive ERSPAN/GRE/VXLAN/Geneve, account loss per session, write pcap/pcapng or a TAP");
  addInputFlags(*cmd, *args);
  addOutputFlags(*cmd, *args);
  cmd->callback([args] { throw CLI::RuntimeError(runCollect(*args)); });
}

}  // namespace ovse::cli
