// Session flags → session JSON fields.
#include "session_flags.h"

#include <filesystem>
#include <sstream>

namespace ovse::cli {
namespace {

// "iface_id=vm-a,direction=ingress" → {"iface_id": "vm-a", "direction": "ingress"}.
std::expected<nlohmann::json, std::string> parseSource(const std::string& spec) {
  static const std::vector<std::string> kKeys = {"port", "iface_id", "mac", "vm", "direction"};
  nlohmann::json source = nlohmann::json::object();
  std::stringstream in(spec);
  std::string item;
  while (std::getline(in, item, ',')) {
    auto eq = item.find('=');
    std::string key = item.substr(0, eq);
    if (eq == std::string::npos || eq + 1 == item.size()) {
      return std::unexpected("--source " + spec + ": expected KEY=VALUE in '" + item + "'");
    }
    if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end()) {
      return std::unexpected("--source " + spec + ": unknown key " + key +
                             " (port, iface_id, mac, vm, direction)");
    }
    source[key] = item.substr(eq + 1);
  }
  return source;
}

// Replaces a one-or-several destination field (`port`/`ports`, `remote_ip`/`remote_ips`) with
// the values given by a repeatable flag: the single form for one, the list for several.
void setOneOrList(nlohmann::json& d, const char* single, const char* list,
                  const std::vector<std::string>& values) {
  if (values.empty()) return;
  d.erase(single);
  d.erase(list);
  if (values.size() == 1) {
    d[single] = values[0];
  } else {
    d[list] = values;
  }
}

template <typename T>
void setIf(nlohmann::json& j, const char* key, const std::optional<T>& v) {
  if (v) j[key] = *v;
}

}  // namespace

void addSessionFlags(CLI::App& cmd, SessionFlags& f) {
  cmd.add_option("--from-json", f.from_json, "read the session from a JSON file (- = stdin)");
  cmd.add_option("--type", f.type, "local | rspan | erspan | capture | rspan-destination");
  cmd.add_option("--description", f.description, "free text");
  cmd.add_option("--source", f.sources,
                 "a source: KEY=VALUE[,direction=ingress|egress|both], KEY one of port, iface_id, "
                 "mac, vm (repeatable; replaces the sources)");
  cmd.add_option("--select-vlan", f.select_vlans, "mirror a whole VLAN (repeatable)");
  cmd.add_option("--source-vlan", f.source_vlans,
                 "rspan-destination: the RSPAN VLAN arriving on --uplink (repeatable)");
  f.select_all_given =
      cmd.add_flag("--select-all,!--no-select-all", f.select_all, "mirror every packet on the bridge");
  cmd.add_option("--bridge", f.bridge, "bridge, when no source names one");
  cmd.add_option("--mirrored-packet-length,--snaplen", f.snaplen, "bytes kept of each frame");
  f.enabled_given = cmd.add_flag("--enabled,!--disabled", f.enabled, "session status");
  cmd.add_option("--dest-port", f.dest_ports,
                 "local: an analyzer port (repeatable: each gets every copy; replaces the "
                 "destination ports)");
  f.allow_normal_io_given =
      cmd.add_flag("--allow-normal-io,!--no-allow-normal-io", f.allow_normal_io,
                   "local: keep normal forwarding on the destination port (refused: OVS "
                   "reserves a mirror's output port)");
  cmd.add_option("--vlan", f.vlan, "rspan: the encapsulation VLAN");
  cmd.add_option("--uplink", f.uplink,
                 "rspan: the port that carries the VLAN; rspan-destination: the port it "
                 "arrives on");
  f.preserve_given = cmd.add_flag("--preserve-original-vlan", f.preserve_original_vlan,
                                  "rspan: keep the frame's tag");
  cmd.add_option("--remote-ip", f.remote_ips,
                 "erspan: a collector's IPv4/IPv6 address (repeatable: each gets every copy; "
                 "replaces the collectors)");
  cmd.add_option("--version", f.version,
                 "erspan: 1, 2 or 3 (ERSPAN Type I/II/III), gre, vxlan or geneve (give --vni)");
  cmd.add_option("--session-id", f.session_id, "erspan: session ID 0-1023 (GRE key for gre)");
  cmd.add_option("--index", f.index, "erspan: Type II index, below 2^20");
  cmd.add_option("--hwid", f.hwid, "erspan: Type III hardware ID, below 64");
  cmd.add_option("--vni", f.vni, "erspan: VXLAN / Geneve VNI, below 2^24");
  cmd.add_option("--backend", f.backend, "erspan: native (OVS tunnel ports) or exporter");
  cmd.add_option("--dscp", f.dscp, "erspan: outer DSCP 0-63");
  cmd.add_option("--ttl", f.ttl, "erspan: outer TTL 1-255");
  cmd.add_option("--file", f.file, "capture: pcap or pcapng file");
  cmd.add_option("--sampling-rate", f.sampling_rate, "exporter: mirror 1 in N packets");
  cmd.add_option("--filter", f.filter, "exporter: BPF expression on the mirrored frames");
  cmd.add_option("--rate-pps", f.rate_pps, "exporter: packets/s limit (0 = none)");
  cmd.add_option("--rate-bps", f.rate_bps, "exporter: bits/s limit (0 = none)");
}

std::expected<void, std::string> overlaySessionFlags(nlohmann::json& s, const SessionFlags& f) {
  setIf(s, "type", f.type);
  setIf(s, "description", f.description);
  setIf(s, "bridge", f.bridge);
  if (f.select_all_given->count()) s["select_all"] = f.select_all;
  if (f.enabled_given->count()) s["enabled"] = f.enabled;
  setIf(s, "mirrored_packet_length", f.snaplen);
  setIf(s, "sampling_rate", f.sampling_rate);
  setIf(s, "filter", f.filter);
  if (!f.select_vlans.empty()) s["select_vlans"] = f.select_vlans;
  if (!f.source_vlans.empty()) s["source_vlans"] = f.source_vlans;
  if (!f.sources.empty()) {
    s["sources"] = nlohmann::json::array();
    for (const auto& spec : f.sources) {
      auto source = parseSource(spec);
      if (!source) return std::unexpected(source.error());
      s["sources"].push_back(*source);
    }
  }
  if (f.rate_pps || f.rate_bps) {
    if (!s.contains("rate_limit")) s["rate_limit"] = nlohmann::json::object();
    setIf(s["rate_limit"], "packets_per_s", f.rate_pps);
    setIf(s["rate_limit"], "bits_per_s", f.rate_bps);
  }
  nlohmann::json& d = s["destination"];
  if (!d.is_object()) d = nlohmann::json::object();
  setOneOrList(d, "port", "ports", f.dest_ports);
  if (f.allow_normal_io_given->count()) d["allow_normal_io"] = f.allow_normal_io;
  setIf(d, "vlan", f.vlan);
  // An rspan-destination's uplink is its source (top level); an rspan's carries its destination.
  const bool rspan_destination = s.contains("type") && s["type"] == "rspan-destination";
  setIf(rspan_destination ? s : d, "uplink", f.uplink);
  if (f.preserve_given->count()) d["preserve_original_vlan"] = f.preserve_original_vlan;
  setOneOrList(d, "remote_ip", "remote_ips", f.remote_ips);
  if (f.version) {
    // The JSON form takes the numbers as numbers and "gre", "vxlan", "geneve" as strings.
    const std::string& v = *f.version;
    if (v == "1" || v == "2" || v == "3") {
      d["version"] = std::stoi(v);
    } else {
      d["version"] = v;
    }
  }
  setIf(d, "session_id", f.session_id);
  setIf(d, "index", f.index);
  setIf(d, "hwid", f.hwid);
  setIf(d, "vni", f.vni);
  setIf(d, "backend", f.backend);
  setIf(d, "dscp", f.dscp);
  setIf(d, "ttl", f.ttl);
  // The daemon writes the file from its own working directory: store where the user meant.
  if (f.file) d["file"] = std::filesystem::absolute(*f.file).lexically_normal().string();
  return {};
}

}  // namespace ovse::cli
