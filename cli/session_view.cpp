// Tables and details for sessions.
#include "session_view.h"

#include "table.h"

namespace ovse::cli {
namespace {

const manager::SessionStatus* statusOf(const std::vector<manager::SessionStatus>& statuses,
                                       const std::string& name) {
  for (const auto& s : statuses) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

}  // namespace

std::string describeSources(const manager::Session& s) {
  std::vector<std::string> parts;
  for (const auto& src : s.sources) {
    parts.push_back(manager::describeSource(src) + " (" + manager::toString(src.direction) + ")");
  }
  if (s.select_all) parts.push_back("all ports");
  for (auto vlan : s.select_vlans) parts.push_back("vlan " + std::to_string(vlan));
  // rspan-destination: its source is the RSPAN VLAN(s) arriving on the uplink.
  if (!s.source_vlans.empty()) {
    std::vector<std::string> vlans;
    for (auto vlan : s.source_vlans) vlans.push_back(std::to_string(vlan));
    parts.push_back((vlans.size() == 1 ? "vlan " : "vlans ") + join(vlans, ", ") +
                    (s.uplink.empty() ? " (no uplink given)" : " on uplink " + s.uplink));
  }
  return join(parts, ", ");
}

std::string describeDestination(const manager::Session& s) {
  using namespace manager;
  if (const auto* d = std::get_if<LocalDestination>(&s.destination)) {
    const auto ports = destinationPorts(*d);
    return (ports.size() == 1 ? "port " : "ports ") + join(ports, ", ");
  }
  if (const auto* d = std::get_if<RspanDestination>(&s.destination)) {
    return "vlan " + std::to_string(d->vlan) + " via " + d->uplink;
  }
  if (const auto* d = std::get_if<ErspanDestination>(&s.destination)) {
    const std::string backend = " (" + std::string(toString(d->backend)) + ")";
    const std::string to = join(collectorIps(*d), ", ");
    switch (d->version) {
      case ErspanVersion::kVxlan:
      case ErspanVersion::kGeneve:
        return std::string(d->version == ErspanVersion::kVxlan ? "vxlan " : "geneve ") + to +
               " vni " + (d->vni ? std::to_string(*d->vni) : "?") + backend;
      case ErspanVersion::kGre:
        return "gre " + to + " key " + std::to_string(d->session_id) + backend;
      case ErspanVersion::kTypeI:
        return "erspan I " + to + backend;
      case ErspanVersion::kTypeII:
        return "erspan II " + to + " id " + std::to_string(d->session_id) + backend;
      case ErspanVersion::kTypeIII:
        return "erspan III " + to + " id " + std::to_string(d->session_id) + backend;
    }
    return to + backend;
  }
  return "file " + std::get<CaptureDestination>(s.destination).file;
}

void printSessionTable(std::ostream& out, const std::vector<manager::Session>& sessions,
                       const std::vector<manager::SessionStatus>& statuses,
                       const std::map<std::string, std::int64_t>& mirrored_packets) {
  Table table({"NAME", "TYPE", "STATE", "SOURCES", "DESTINATION", "LENGTH", "MIRRORED"});
  for (const auto& s : sessions) {
    const auto* status = statusOf(statuses, s.name);
    auto count = mirrored_packets.find(s.name);
    std::string mirrored = count == mirrored_packets.end() ? "" : std::to_string(count->second);
    table.addRow({s.name, manager::toString(s.type),
                  status ? manager::toString(status->state) : "unknown", describeSources(s),
                  describeDestination(s),
                  s.mirrored_packet_length ? std::to_string(*s.mirrored_packet_length) : "",
                  mirrored});
  }
  table.print(out);
}

void printSessionDetails(std::ostream& out, const manager::Session& s,
                         const manager::SessionStatus* status, const ovs::SwitchState* state) {
  out << "name:         " << s.name << '\n'
      << "type:         " << manager::toString(s.type) << (s.enabled ? "" : " (disabled)") << '\n';
  if (!s.description.empty()) out << "description:  " << s.description << '\n';
  out << "sources:      " << describeSources(s) << '\n'
      << "destination:  " << describeDestination(s) << '\n';
  if (s.mirrored_packet_length) out << "length:       " << *s.mirrored_packet_length << '\n';
  if (status == nullptr) {
    out << "state:        unknown (OVS not reachable)\n";
    return;
  }
  out << "state:        " << manager::toString(status->state) << '\n';
  for (const auto& m : status->missing) out << "  missing:    " << m << '\n';
  for (const auto& p : status->problems) out << "  problem:    " << p << '\n';
  for (const auto& w : status->warnings) out << "  warning:    " << w << '\n';
  if (!status->bridge.empty()) out << "bridge:       " << status->bridge << '\n';
  if (!status->mirrors.empty()) out << "OVS mirrors:  " << join(status->mirrors, ", ") << '\n';
  if (!status->ports.empty()) out << "OVS ports:    " << join(status->ports, ", ") << '\n';
  if (state) {
    auto c = mirrorCounters(*state, s.name);
    out << "mirrored:     " << c.packets << " packets, " << c.bytes << " bytes (OVS statistics)\n";
  }
}

void printPipelineStats(std::ostream& out, const nlohmann::json& stats) {
  auto count = [](const nlohmann::json& j, const char* key) {
    return std::to_string(j.value(key, std::uint64_t{0}));
  };
  auto running = [&](const nlohmann::json& j) {
    const std::string error = j.value("error", "");
    return std::string(j.value("running", false) ? "running" : "not running") +
           (error.empty() ? "" : " (" + error + ")");
  };
  if (stats.contains("exporter") && stats["exporter"].is_object()) {
    const auto& e = stats["exporter"];
    out << "exporter:     " << running(e) << '\n'
        << "  frames:     " << count(e, "received") << " received, " << count(e, "exported")
        << " exported, " << count(e, "filtered_out") << " filtered out, "
        << count(e, "sampled_out") << " sampled out, " << count(e, "truncated")
        << " truncated, " << count(e, "rate_dropped") << " rate-dropped, "
        << count(e, "kernel_dropped") << " kernel-dropped\n";
  }
  if (stats.contains("capture") && stats["capture"].is_object()) {
    const auto& c = stats["capture"];
    const auto in = c.value("ingress", nlohmann::json::object());
    const auto eg = c.value("egress", nlohmann::json::object());
    std::vector<std::string> ports;
    for (const auto& p : c.value("ports", nlohmann::json::array())) {
      if (p.is_string()) ports.push_back(p.get<std::string>());
    }
    out << "capture:      " << running(c) << '\n'
        << "  file:       " << c.value("file", "") << " (" << count(c, "file_bytes")
        << " bytes), reading " << (ports.empty() ? "no port" : join(ports, ", ")) << '\n'
        << "  packets:    " << count(in, "packets") << " ingress (" << count(in, "bytes")
        << " bytes), " << count(eg, "packets") << " egress (" << count(eg, "bytes")
        << " bytes), " << count(c, "sampled_out") << " sampled out, "
        << count(c, "kernel_dropped") << " kernel-dropped\n";
  }
}

}  // namespace ovse::cli
