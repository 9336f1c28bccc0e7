// `mirrorctl export`: flags, the set-up (filter, inputs, routes and loop guard, outputs,
// pipeline), the run with signals and live stats, and the final summary.
#include "export_command.h"

#include <unistd.h>

#include <iostream>
#include <memory>

#include "erspan/exporter/export_setup.h"
#include "erspan/io/monotonic_clock.h"
#include "erspan/io/pcap_file_sink.h"
#include "erspan/io/route_lookup.h"
#include "export_options.h"
#include "export_stats.h"
#include "flow_filter_flags.h"
#include "mirror_manager/json_text.h"
#include "stop_signals.h"

namespace ovse::cli {
namespace {

namespace ex = erspan::exporter;
namespace io = erspan::io;

constexpr int kExitRuntime = 1;
constexpr int kExitUsage = 2;
constexpr std::uint32_t kDefaultMtu = 1500;
constexpr const char* kFileDestination = "192.0.2.2";  // TEST-NET-1, when --write has no --remote
constexpr const char* kFileSource = "192.0.2.1";

ex::ExportRunner* g_runner = nullptr;

void stopRunner() {
  if (g_runner != nullptr) g_runner->stop();
}

// A failure at start: message and exit code.
struct Failure {
  std::string message;
  int code = kExitUsage;
};

// Parses --remote values and looks up their routes; sending needs a route, writing does not.
std::expected<std::vector<ex::CollectorPath>, Failure> resolveRemotes(const ExportArgs& a) {
  std::vector<std::string> texts = a.remotes;
  if (texts.empty()) texts.push_back(kFileDestination);
  std::optional<io::IpAddress> source;
  if (!a.source.empty()) {
    source = io::parseIpAddress(a.source);
    if (!source) return std::unexpected(Failure{"--source " + a.source + ": not an IP address"});
  }
  std::vector<ex::CollectorPath> out;
  for (const auto& t : texts) {
    auto addr = io::parseIpAddress(t);
    if (!addr) return std::unexpected(Failure{"--remote " + t + ": not an IPv4/IPv6 address"});
    ex::CollectorPath p{*addr, source.value_or(*io::parseIpAddress(kFileSource)), kDefaultMtu, ""};
    if (addr->version == erspan::IpVersion::kV6 && !source)
      p.source.version = erspan::IpVersion::kV6;
    if (auto route = ex::routeToCollector(*addr)) {
      if (!source) p.source = route->source;
      p.mtu_bytes = route->mtu_bytes;
      p.interface = route->interface;
    } else if (a.write_file.empty()) {
      return std::unexpected(Failure{"--remote " + t + ": " + route.error(), kExitRuntime});
    }
    if (a.mtu != 0) p.mtu_bytes = a.mtu;
    out.push_back(p);
  }
  return out;
}

// Refuses inputs that carry the exporter's own traffic to a collector (it would loop).
std::optional<Failure> loopGuard(const ExportArgs& a, const std::vector<InputSpec>& inputs,
                                 const std::vector<ex::CollectorPath>& paths) {
  if (a.remotes.empty()) return std::nullopt;  // --write alone sends nowhere
  std::vector<std::string> interfaces;
  for (const auto& in : inputs) interfaces.push_back(in.interface);
  for (const auto& path : paths) {
    auto looping = ex::inputOnPath(path, interfaces);
    if (!looping) continue;
    for (const auto& in : inputs) {
      if (in.interface != *looping) continue;
      return Failure{"--in " + in.label + ": collector " + io::toString(path.remote) +
                     " is reached through " + in.interface +
                     "; capturing there would mirror our own ERSPAN stream"};
    }
  }
  return std::nullopt;
}

std::expected<std::vector<ex::SinkTarget>, Failure> openSinks(
    const ExportArgs& a, const std::vector<ex::CollectorPath>& paths, std::uint8_t ip_protocol) {
  if (!a.write_file.empty()) {
    auto file = io::PcapFileSink::open(a.write_file);
    if (!file) return std::unexpected(Failure{file.error(), kExitRuntime});
    const ex::CollectorPath& p = paths.front();
    std::vector<ex::SinkTarget> sinks;
    sinks.push_back({std::move(*file), p.source, p.remote, a.mtu});
    return sinks;
  }
  auto sinks = ex::openCollectorSenders(
      paths, {.dscp = static_cast<std::uint8_t>(a.dscp),
              .ttl = static_cast<std::uint8_t>(a.ttl),
              .ip_protocol = ip_protocol,
              .path = a.tx_path == "kernel" ? io::SendPath::kKernel : io::SendPath::kLink});
  if (!sinks) return std::unexpected(Failure{sinks.error(), kExitRuntime});
  return std::move(*sinks);
}

// Opens the captures and registers one pipeline input per capture.
std::expected<std::vector<ex::RunnerInput>, Failure> openInputs(const ExportArgs& a,
                                                                const std::vector<InputSpec>& specs,
                                                                const std::string& filter,
                                                                ex::ExportPipeline& pipeline) {
  std::vector<ex::RunnerInput> out;
  if (!a.read_file.empty()) {
    auto src = io::CaptureSource::openOffline({.path = a.read_file, .filter = ""});
    if (!src) return std::unexpected(Failure{"--read " + src.error().message, kExitRuntime});
    std::shared_ptr<const io::BpfFilter> bpf;
    if (!filter.empty()) bpf = std::move(*io::BpfFilter::compile(filter));
    const auto dir =
        a.read_direction == "egress" ? ex::Direction::kEgress : ex::Direction::kIngress;
    out.push_back({std::move(*src), pipeline.addInput(a.read_file, dir, bpf)});
    return out;
  }
  for (const InputSpec& s : specs) {
    auto src = io::CaptureSource::openLive(
        ex::mirrorPortCapture(s.interface, s.capture, filter, a.buffer_mb << 20));
    if (!src) return std::unexpected(Failure{"--in " + s.label + ": " + src.error().message, 1});
    out.push_back({std::move(*src), pipeline.addInput(s.label, s.direction, nullptr)});
  }
  return out;
}

std::expected<int, Failure> runExport(const ExportArgs& a) {
  if (a.read_file.empty() == a.inputs.empty()) {
    return std::unexpected(Failure{"give --in IF[:DIR] (one or more) or --read FILE"});
  }
  if (a.remotes.empty() && a.write_file.empty()) {
    return std::unexpected(Failure{"give --remote IP (one or more) or --write FILE"});
  }
  auto filter = flowFilterExpression(a.filter);
  if (!filter) return std::unexpected(Failure{filter.error()});
  auto specs = parseInputs(a.inputs);
  if (!specs) return std::unexpected(Failure{specs.error()});
  bool has_egress = a.read_direction == "egress";
  for (const auto& s : *specs) has_egress |= s.direction == ex::Direction::kEgress;
  auto config = pipelineConfig(a, has_egress);
  if (!config) return std::unexpected(Failure{config.error()});
  config->sample_seed = io::monotonicNowNs();
  auto remotes = resolveRemotes(a);
  if (!remotes) return std::unexpected(remotes.error());
  if (auto loop = loopGuard(a, *specs, *remotes)) return std::unexpected(*loop);
  auto sinks = openSinks(a, *remotes, erspan::outerIpProtocol(config->encap));
  if (!sinks) return std::unexpected(sinks.error());
  auto pipeline = ex::ExportPipeline::create(*config, std::move(*sinks));
  if (!pipeline) return std::unexpected(Failure{pipeline.error()});
  auto inputs = openInputs(a, *specs, *filter, **pipeline);
  if (!inputs) return std::unexpected(inputs.error());

  ex::ExportRunner runner(**pipeline, std::move(*inputs));
  g_runner = &runner;
  installStopSignals({.on_stop = stopRunner});
  const bool tty = isatty(STDERR_FILENO) != 0;
  const std::uint64_t start = io::monotonicNowNs();
  auto elapsed = [start] { return static_cast<double>(io::monotonicNowNs() - start) / 1e9; };
  auto result = runner.run([&](const ex::ExportPipeline& p, const ex::CaptureCounters& c) {
    const auto stats = exportStatsJson(p, c, elapsed());
    if (tty) std::cerr << '\r' << exportStatusLine(stats) << "\x1b[K" << std::flush;
    if (!a.stats_json.empty()) writeStatsFile(a.stats_json, stats);
  });
  g_runner = nullptr;  // the handlers stay (stop_signals.h): a second signal cannot kill us now
  const auto stats = exportStatsJson(**pipeline, runner.captureCounters(), elapsed());
  if (tty) std::cerr << '\n';
  if (!a.stats_json.empty() && !writeStatsFile(a.stats_json, stats)) {
    std::cerr << "mirrorctl export: cannot write --stats-json " << a.stats_json << '\n';
  }
  if (a.json) {
    std::cout << manager::dumpJson(stats, 2) << '\n';
  } else {
    std::cerr << exportSummary(stats);
  }
  if (!result) return std::unexpected(Failure{result.error(), kExitRuntime});
  return 0;
}

void addFlags(CLI::App& cmd, ExportArgs& a) {
  cmd.add_option("--in", a.inputs,
                 "interface to read, repeatable: IF:ingress / IF:egress (every frame an OVS mirror "
                 "port receives is that direction) or IF:both (frames the interface received are "
                 "ingress, frames it sent egress)");
  cmd.add_option("--read", a.read_file, "read a pcap/pcapng file instead of interfaces");
  cmd.add_option("--read-direction", a.read_direction, "direction of --read frames")
      ->check(CLI::IsMember({"ingress", "egress"}));
  cmd.add_option("--type", a.type,
                 "erspan1 (Type I), erspan2 (Type II), erspan3 (Type III), gre (GRE-TEB), vxlan "
                 "or geneve (UDP; give --vni); default erspan2. Type II has no direction field: "
                 "egress copies carry index | 0x80000 (bit 19), as the mirror manager programs "
                 "OVS; VXLAN and Geneve carry no direction");
  cmd.add_option("--vni", a.vni, "vxlan / geneve: the 24-bit VNI (0..16777215)");
  cmd.add_option("--udp-port", a.udp_port,
                 "vxlan / geneve: UDP destination port (default 4789 / 6081); the source port "
                 "is a hash of each frame's flow, so ECMP spreads flows");
  cmd.add_option("--session-id", a.session_id, "ERSPAN session ID")->check(CLI::Range(0, 1023));
  cmd.add_option("--index", a.index, "Type II index (20 bits)")->check(CLI::Range(0, 0xFFFFF));
  cmd.add_option("--hwid", a.hwid, "Type III hardware ID")->check(CLI::Range(0, 63));
  cmd.add_option("--gra", a.gra,
                 "Type III timestamp: 100us, 100ns or ptp (seconds<<32 | ns); 100ns and ptp add "
                 "the platform sub-header (id 3) with the upper 32 bits");
  cmd.add_option("--cos", a.cos, "ERSPAN COS (default: VLAN/COS from the frame's 802.1Q tag)")
      ->check(CLI::Range(0, 7));
  cmd.add_option("--dscp", a.dscp, "outer DSCP")->check(CLI::Range(0, 63));
  cmd.add_option("--ttl", a.ttl, "outer TTL / hop limit")->check(CLI::Range(1, 255));
  cmd.add_option("--snaplen", a.snaplen, "cut mirrored frames to this many bytes (sets T)")
      ->check(CLI::Range(14, 65535));
  cmd.add_option("--mtu", a.mtu, "path MTU (default: the route's); frames are cut to fit, T set")
      ->check(CLI::Range(68, 65535));
  cmd.add_option("--sample", a.sample, "keep 1 frame in N")->check(CLI::Range(1u, 1u << 30));
  cmd.add_flag("--sample-random", a.sample_random, "sample at random (probability 1/N)");
  cmd.add_option("--rate-pps", a.rate_pps, "limit exported packets/s (10k, 1M); excess dropped");
  cmd.add_option("--rate-bps", a.rate_bps, "limit exported bits/s of outer IP packets (100M, 1G)");
  cmd.add_option("--remote", a.remotes, "collector IPv4/IPv6 address, repeatable");
  cmd.add_option("--source", a.source, "outer source address (default: the route's)");
  cmd.add_option("--tx-path", a.tx_path,
                 "link: frames straight to the interface once the next hop's MAC is known "
                 "(default); kernel: every packet through the IP stack (netfilter, IPsec)")
      ->check(CLI::IsMember({"link", "kernel"}));
  cmd.add_option(
      "--write", a.write_file,
      "write Ethernet+IP+GRE/UDP packets to this pcap file instead of sending ('-' = stdout)");
  cmd.add_option("--stats-json", a.stats_json, "keep counters in this file (every second)");
  cmd.add_flag("--json", a.json, "final counters as JSON on stdout");
  cmd.add_option("--buffer-mb", a.buffer_mb, "capture ring size per input")
      ->check(CLI::Range(1, 4096));
  addFlowFilterFlags(cmd, a.filter);
}

}  // namespace

void addExportCommand(CLI::App& app) {
  auto args = std::make_shared<ExportArgs>();
  CLI::App* cmd = app.add_subcommand(
      "export", "Encapsulate mirrored frames as ERSPAN/GRE/VXLAN/Geneve and send them to collectors");
  addFlags(*cmd, *args);
  cmd->callback([args] {
    auto result = runExport(*args);
    if (!result) {
      std::cerr << "mirrorctl export: " << result.error().message << '\n';
      throw CLI::RuntimeError(result.error().code);
    }
    if (*result != 0) throw CLI::RuntimeError(*result);
  });
}

}  // namespace ovse::cli
