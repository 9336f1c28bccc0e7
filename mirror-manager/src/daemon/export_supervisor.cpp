// ExportSupervisor: session → LiveExportSpec, and the start/restart/stop decisions.
#include "export_supervisor.h"

#include "erspan/io/route_lookup.h"
#include "mirror_manager/reconciler.h"

namespace ovse::manager::daemon {
namespace {

namespace ex = erspan::exporter;

// Not a failure: OVS creates the ports in the round that programs the session.
constexpr std::string_view kWaitingForPorts = "waiting for its ports in OVS";

bool exporterBacked(const Session& s) {
  const auto* d = std::get_if<ErspanDestination>(&s.destination);
  return s.enabled && d != nullptr && d->backend == ErspanBackend::kExporter;
}

erspan::ErspanType encapType(ErspanVersion v) {
  switch (v) {
    case ErspanVersion::kTypeI:
      return erspan::ErspanType::kTypeI;
    case ErspanVersion::kTypeII:
      return erspan::ErspanType::kTypeII;
    case ErspanVersion::kTypeIII:
      return erspan::ErspanType::kTypeIII;
    case ErspanVersion::kGre:
    case ErspanVersion::kVxlan:   // not GRE: see exportSpecFor
    case ErspanVersion::kGeneve:
      break;
  }
  return erspan::ErspanType::kGreTeb;
}

// What the exporter does for `s`, reading the session's owned internal ports present in OVS.
std::expected<ex::LiveExportSpec, std::string> exportSpecFor(const Session& s,
                                                             const ovs::SwitchState& state) {
  const auto& d = std::get<ErspanDestination>(s.destination);
  ex::LiveExportSpec spec;
  for (auto [role, direction] : {std::pair{"ingress", ex::Direction::kIngress},
                                 std::pair{"egress", ex::Direction::kEgress}}) {
    std::string port = ownedPortName(s.name, role);
    if (state.portByName(port)) spec.inputs.push_back({port, direction});
  }
  if (spec.inputs.empty()) return std::unexpected(std::string(kWaitingForPorts));
  for (const std::string& ip : collectorIps(d)) {
    auto remote = erspan::io::parseIpAddress(ip);
    if (!remote) return std::unexpected("destination collector " + ip + " is not an address");
    spec.remotes.push_back(*remote);
  }
  spec.filter = s.filter;
  auto& e = spec.pipeline.encap;
  e.type = encapType(d.version);
  e.gre_seq_present = e.type != erspan::ErspanType::kTypeI;
  e.gre_key_present = e.type == erspan::ErspanType::kGreTeb;
  e.gre_key = d.session_id;
  e.session_id = d.session_id;
  e.index = d.index;
  e.hw_id = d.hwid;
  if (d.version == ErspanVersion::kVxlan || d.version == ErspanVersion::kGeneve) {
    erspan::useUdpTunnel(
        e, d.version == ErspanVersion::kVxlan ? erspan::Tunnel::kVxlan : erspan::Tunnel::kGeneve,
        d.vni.value_or(0));
  }
  if (d.dscp) e.dscp = *d.dscp;
  if (d.ttl) e.ttl = *d.ttl;
  spec.pipeline.sample_n = s.sampling_rate;
  spec.pipeline.rate.packets_per_s = s.rate_limit.packets_per_s;
  spec.pipeline.rate.bits_per_s = s.rate_limit.bits_per_s;
  return spec;
}

}  // namespace

void ExportSupervisor::sync(std::span<const Session> sessions, const ovs::SwitchState& state) {
  std::map<std::string, const Session*> wanted;
  for (const auto& s : sessions) {
    if (exporterBacked(s)) wanted[s.name] = &s;
  }
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (wanted.contains(it->first)) {
      ++it;
      continue;
    }
    if (it->second.export_) log_("session " + it->first + ": exporter stopped");
    it = entries_.erase(it);
  }
  for (const auto& [name, session] : wanted) {
    Entry& entry = entries_[name];
    const bool changed = !(entry.session == *session);
    bool dead = false;
    if (entry.export_) {
      if (auto failure = entry.export_->failure()) {
        entry.error = "exporter ended: " + *failure;
        entry.failed = true;
        dead = true;
      } else if (!entry.export_->inputsUnchanged()) {
        entry.error = "its ports were re-created";
        dead = true;
      }
    }
    if (entry.export_ && !changed && !dead) continue;
    if (entry.export_) log_("session " + name + ": restarting the exporter (" +
                            (changed ? std::string("session changed") : entry.error) + ")");
    entry.export_.reset();
    entry.session = *session;
    start(entry, state);
  }
}

void ExportSupervisor::start(Entry& entry, const ovs::SwitchState& state) {
  auto spec = exportSpecFor(entry.session, state);
  if (!spec) {
    entry.error = spec.error();
    entry.failed = spec.error() != kWaitingForPorts;
    return;
  }
  auto started = ex::LiveExport::start(*spec);
  if (!started) {
    // e.g. serve runs outside ovs-vswitchd's network namespace, where the ports are not.
    const std::string error = "exporter not started: " + started.error();
    if (entry.error != error) log_("session " + entry.session.name + ": " + error);
    entry.error = error;
    entry.failed = true;
    return;
  }
  entry.export_ = std::move(*started);
  entry.error.clear();
  entry.failed = false;
  std::string inputs;
  for (const auto& in : spec->inputs) inputs += (inputs.empty() ? "" : ", ") + in.interface;
  std::string collectors;
  for (const auto& ip : collectorIps(std::get<ErspanDestination>(entry.session.destination))) {
    collectors += (collectors.empty() ? "" : ", ") + ip;
  }
  log_("session " + entry.session.name + ": exporter running (" + inputs + " -> " + collectors +
       ")");
}

void ExportSupervisor::report(PipelineReport& report) const {
  for (const auto& [name, entry] : entries_) {
    PipelineRun& run = report.runs[name];
    run.session = entry.session;
    run.running = entry.export_ && !entry.export_->failure().has_value();
    if (run.running) continue;
    auto failure = entry.export_ ? entry.export_->failure() : std::nullopt;
    run.failed = entry.failed || failure.has_value();
    run.reason = failure ? "exporter ended: " + *failure : entry.error;
  }
}

std::optional<ExporterFigures> ExportSupervisor::figures(const std::string& session) const {
  auto it = entries_.find(session);
  if (it == entries_.end()) return std::nullopt;
  ExporterFigures f;
  f.error = it->second.error;
  if (const auto& lx = it->second.export_) {
    f.running = !lx->failure().has_value();
    const auto s = lx->stats();
    f.received = s.received_count;
    f.exported = s.exported_count;
    f.filtered_out = s.filtered_out_count;
    f.sampled_out = s.sampled_out_count;
    f.truncated = s.truncated_count;
    f.rate_dropped = s.rate_dropped_count;
    f.kernel_dropped = s.kernel_dropped_count;
  }
  return f;
}

}  // namespace ovse::manager::daemon
