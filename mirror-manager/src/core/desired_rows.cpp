// Session → OVS rows. ingress maps to select_src_port, egress to select_dst_port, both to both;
// local → output_port; rspan → output_vlan; rspan-destination → the uplink's select_src_port
// with select_vlan = its source VLANs, to output_port(s); erspan native → an erspan/gre tunnel port per
// direction part (one vxlan/geneve port for all); erspan exporter and capture → an internal port per direction part, read by
// the exporter.
#include "desired_rows.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "loop_guard.h"
#include "normal_io.h"

namespace ovse::manager {
namespace {

// One Mirror row's worth of selection: a direction role and the ports it selects.
struct Part {
  std::string role;  // "ingress", "egress" or "all"
  std::vector<std::string> src_ports;
  std::vector<std::string> dst_ports;
  bool with_global_selection = false;  // carries select_all / select_vlans
};

struct Resolved {
  std::string bridge;
  std::set<std::string> ingress;  // port names (select_src_port)
  std::set<std::string> egress;   // port names (select_dst_port)
};

// Added to the session ID to make the egress tunnel's in_key unique (GRE keys are 32 bits).
constexpr std::uint32_t kEgressInKeyOffset = 0x10000;

std::string hex(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", v);
  return buf;
}

// Finds the bridge a session lives on: its destination's, or its first present source's.
std::string sessionBridge(const Session& s, const SwitchIndex& index, SessionStatus& status) {
  auto bridgeOfNamed = [&](const std::string& port_name, const char* what) -> std::string {
    const ovs::Port* port = index.portByName(port_name);
    const ovs::Bridge* bridge = port ? index.bridgeOfPort(port->uuid) : nullptr;
    if (bridge == nullptr) status.missing.push_back(std::string(what) + " " + port_name);
    return bridge ? bridge->name : std::string();
  };
  if (s.type == SessionType::kRspanDestination) return bridgeOfNamed(s.uplink, "uplink port");
  if (const auto* local = std::get_if<LocalDestination>(&s.destination)) {
    return bridgeOfNamed(local->port, "destination port");
  }
  if (const auto* rspan = std::get_if<RspanDestination>(&s.destination)) {
    return bridgeOfNamed(rspan->uplink, "uplink port");
  }
  if (!s.bridge.empty()) {
    if (index.state().bridgeByName(s.bridge) == nullptr) status.missing.push_back("bridge " + s.bridge);
    return index.state().bridgeByName(s.bridge) ? s.bridge : std::string();
  }
  for (const auto& source : s.sources) {
    for (const ovs::Port* port : index.resolve(source)) {
      if (const ovs::Bridge* b = index.bridgeOfPort(port->uuid)) return b->name;
    }
  }
  if (index.state().bridges.size() == 1) return index.state().bridges.front().name;
  return {};
}

// Resolves every source on `bridge`; what is absent or elsewhere goes into status.missing.
Resolved resolveSources(const Session& s, const SwitchIndex& index, const std::string& bridge,
                        SessionStatus& status) {
  Resolved out{bridge, {}, {}};
  for (const auto& source : s.sources) {
    auto ports = index.resolve(source);
    if (ports.empty()) status.missing.push_back(describeSource(source) + " (not present)");
    for (const ovs::Port* port : ports) {
      const ovs::Bridge* b = index.bridgeOfPort(port->uuid);
      if (b == nullptr || b->name != bridge) {
        status.missing.push_back(describeSource(source) + " (port " + port->name + " is on " +
                                 (b ? b->name : std::string("no bridge")) + ", not " + bridge +
                                 ")");
        continue;
      }
      if (source.direction != Direction::kEgress) out.ingress.insert(port->name);
      if (source.direction != Direction::kIngress) out.egress.insert(port->name);
    }
  }
  return out;
}

// Splits the selection into Mirror rows: one per direction where the destination can carry the
// direction (ERSPAN II/III tunnels, exporter inputs), otherwise one for everything.
std::vector<Part> splitParts(const Session& s, const Resolved& r, bool per_direction) {
  std::vector<std::string> in(r.ingress.begin(), r.ingress.end());
  std::vector<std::string> out(r.egress.begin(), r.egress.end());
  bool global = s.select_all || !s.select_vlans.empty();
  if (!per_direction || global) return {{"all", in, out, global}};
  std::vector<Part> parts;
  if (!in.empty()) parts.push_back({"ingress", in, {}, false});
  if (!out.empty()) parts.push_back({"egress", {}, out, false});
  return parts;
}

ovs::StringMap ownerIds(const Session& s, const std::string& role, const ReconcileScope& scope) {
  ovs::StringMap ids{{kSessionKey, s.name}, {kRoleKey, role}};
  if (!scope.owner.empty()) ids[kOwnerKey] = scope.owner;
  return ids;
}

// One of an erspan session's collectors, by its place in the list.
struct Collector {
  std::string ip;
  std::size_t index = 0;
};

// The first collector's tunnel port keeps the name a one-collector session has always had, so
// adding a collector does not re-create it; the others carry their place in the list.
std::string collectorPortName(const Session& s, const std::string& role, const Collector& c) {
  std::string name = ownedPortName(s.name, role);
  if (c.index > 0) name += std::to_string(c.index);
  return name;
}

// A vxlan / geneve port: OVS's `key` is the VNI both ways; the type takes IPv4 and IPv6 remotes.
// No direction is carried, so a session has one such port (OVS refuses two with the same
// remote_ip and key: "attempting to add tunnel port with same config").
ovs::PortSpec udpTunnelPort(const Session& s, const ErspanDestination& d, const Collector& c,
                            const std::string& role, const std::string& bridge,
                            const ReconcileScope& scope) {
  ovs::PortSpec p{bridge, collectorPortName(s, role, c), toString(d.version),
                  {{"remote_ip", c.ip}, {"key", std::to_string(d.vni.value_or(0))}},
                  ownerIds(s, role, scope)};
  if (d.dscp) p.options["tos"] = std::to_string(*d.dscp << 2);
  if (d.ttl) p.options["ttl"] = std::to_string(*d.ttl);
  return p;
}

bool isUdpTunnel(const ErspanDestination& d) {
  return d.version == ErspanVersion::kVxlan || d.version == ErspanVersion::kGeneve;
}

ovs::PortSpec tunnelPort(const Session& s, const ErspanDestination& d, const Collector& c,
                         const std::string& role, const std::string& bridge,
                         const ReconcileScope& scope) {
  if (isUdpTunnel(d)) return udpTunnelPort(s, d, c, role, bridge, scope);
  bool v6 = c.ip.find(':') != std::string::npos;
  bool gre = d.version == ErspanVersion::kGre;
  bool egress = role == "egress";
  ovs::PortSpec p{bridge, collectorPortName(s, role, c),
                  gre ? (v6 ? "ip6gre" : "gre") : (v6 ? "ip6erspan" : "erspan"),
                  {{"remote_ip", c.ip}, {"out_key", std::to_string(d.session_id)}},
                  ownerIds(s, role, scope)};
  // OVS refuses a second tunnel port whose receive-side config (type, remote_ip, in_key) equals
  // another's ("attempting to add tunnel port with same config"), so the egress port of a
  // two-direction session gets its own in_key. Nothing is received on these ports.
  p.options["in_key"] = std::to_string(d.session_id + (egress ? kEgressInKeyOffset : 0));
  if (d.version == ErspanVersion::kTypeII) {
    // OVS parses erspan_idx (and erspan_hwid) as hexadecimal: write them that way.
    p.options["erspan_ver"] = "1";
    p.options["erspan_idx"] = hex(d.index | (egress ? kTypeIIEgressIndexBit : 0));
  } else if (d.version == ErspanVersion::kTypeIII) {
    p.options["erspan_ver"] = "2";
    p.options["erspan_dir"] = egress ? "1" : "0";
    p.options["erspan_hwid"] = hex(d.hwid);
  }
  if (d.dscp) p.options["tos"] = std::to_string(*d.dscp << 2);
  if (d.ttl) p.options["ttl"] = std::to_string(*d.ttl);
  return p;
}

// Mirror.snaplen for a session's mirrored packet length. A capture session has none: its file
// writer cuts each frame itself and so keeps the frame's wire length, which a cut by OVS would
// lose. A native tunnel's Mirror adds its encapsulation (tunnelSnaplen).
std::optional<std::int64_t> snaplenFor(const Session& s) {
  if (!s.mirrored_packet_length || s.type == SessionType::kCapture) return std::nullopt;
  return *s.mirrored_packet_length;
}

// OVS 3.1 (userspace datapath) applies snaplen after tnl_push: to a native tunnel port it cuts
// the *encapsulated* packet (measured: snaplen 128 left 74 bytes of the mirrored frame under
// ERSPAN III), so the encapsulation to that collector is added back to honour vSphere's meaning,
// the length of the mirrored frame.
std::optional<std::int64_t> tunnelSnaplen(std::optional<std::int64_t> frame_snaplen,
                                          const ErspanDestination& d, const std::string& ip) {
  if (!frame_snaplen) return std::nullopt;
  return std::min<std::int64_t>(*frame_snaplen + tunnelOverheadBytes(d, ip), 65535);
}

ovs::MirrorSpec mirrorFor(const Session& s, const Part& part, const std::string& bridge,
                          std::size_t n_parts, const ReconcileScope& scope) {
  ovs::MirrorSpec m;
  m.bridge = bridge;
  m.name = n_parts == 1 ? s.name : s.name + ":" + part.role;
  m.select_src_ports = part.src_ports;
  m.select_dst_ports = part.dst_ports;
  if (part.with_global_selection) {
    m.select_all = s.select_all;
    m.select_vlans.assign(s.select_vlans.begin(), s.select_vlans.end());
    std::sort(m.select_vlans.begin(), m.select_vlans.end());
  }
  if (s.type == SessionType::kRspanDestination) {
    m.select_vlans.assign(s.source_vlans.begin(), s.source_vlans.end());
    std::sort(m.select_vlans.begin(), m.select_vlans.end());
  }
  m.snaplen = snaplenFor(s);
  m.external_ids = ownerIds(s, part.role, scope);
  return m;
}

// The local session's destination ports present on the session's bridge, in order; the others
// go to status.missing, and one that is also a source is a problem.
std::vector<std::string> localOutputPorts(const LocalDestination& d, const SwitchIndex& index,
                                          const Resolved& resolved, SessionStatus& status) {
  std::vector<std::string> present;
  for (const std::string& port : destinationPorts(d)) {
    if (resolved.ingress.contains(port) || resolved.egress.contains(port)) {
      status.problems.push_back("destination port " + port + " is also a source");
      continue;
    }
    const ovs::Port* p = index.portByName(port);
    const ovs::Bridge* b = p ? index.bridgeOfPort(p->uuid) : nullptr;
    if (b == nullptr || b->name != resolved.bridge) {
      status.missing.push_back("destination port " + port +
                               (b ? " (on " + b->name + ", not " + resolved.bridge + ")" : ""));
      continue;
    }
    present.push_back(port);
  }
  return present;
}

// One Mirror per analyzer port (OVS Mirror has a single output_port), each selecting the same,
// so every port gets every copy. One port keeps the session's name as the Mirror's.
void addLocalMirrors(const std::vector<std::string>& out_ports, const ovs::MirrorSpec& m,
                     DesiredRows& rows) {
  for (const std::string& port : out_ports) {
    ovs::MirrorSpec copy = m;
    if (out_ports.size() > 1) copy.name += "@" + port;
    copy.output_port = port;
    rows.status.mirrors.push_back(copy.name);
    rows.mirrors.push_back(std::move(copy));
  }
}

// A native tunnel session: per collector a tunnel port and a Mirror selecting the same, so
// every collector gets every copy. One collector keeps the part's Mirror name.
void addTunnelMirrors(const Session& s, const ErspanDestination& d, const std::string& role,
                      const ovs::MirrorSpec& m, const ReconcileScope& scope, DesiredRows& rows) {
  const std::vector<std::string> ips = collectorIps(d);
  for (std::size_t i = 0; i < ips.size(); ++i) {
    ovs::PortSpec port = tunnelPort(s, d, {ips[i], i}, role, m.bridge, scope);
    ovs::MirrorSpec copy = m;
    if (ips.size() > 1) copy.name += "@" + ips[i];
    copy.output_port = port.name;
    copy.snaplen = tunnelSnaplen(m.snaplen, d, ips[i]);
    rows.status.ports.push_back(port.name);
    rows.ports.push_back(std::move(port));
    rows.status.mirrors.push_back(copy.name);
    rows.mirrors.push_back(std::move(copy));
  }
}

// Fills rows.mirrors (and rows.ports for owned destinations) for the parts.
void buildRows(const Session& s, const std::vector<Part>& parts, const std::string& bridge,
               const std::vector<std::string>& out_ports, const ReconcileScope& scope,
               DesiredRows& rows) {
  for (const auto& part : parts) {
    ovs::MirrorSpec m = mirrorFor(s, part, bridge, parts.size(), scope);
    if (std::holds_alternative<LocalDestination>(s.destination)) {
      addLocalMirrors(out_ports, m, rows);
      continue;
    }
    const auto* erspan = std::get_if<ErspanDestination>(&s.destination);
    if (erspan && erspan->backend == ErspanBackend::kNative) {
      addTunnelMirrors(s, *erspan, part.role, m, scope, rows);
      continue;
    }
    if (const auto* rspan = std::get_if<RspanDestination>(&s.destination)) {
      m.output_vlan = rspan->vlan;
    } else {
      // The exporter's or the capture's input port: one per part, whatever the collectors.
      ovs::PortSpec port{bridge, ownedPortName(s.name, part.role), "internal", {},
                         ownerIds(s, part.role, scope)};
      m.output_port = port.name;
      rows.status.ports.push_back(port.name);
      rows.ports.push_back(std::move(port));
    }
    rows.status.mirrors.push_back(m.name);
    rows.mirrors.push_back(std::move(m));
  }
}

}  // namespace

bool mirrorsPerDirection(const Session& s) {
  if (s.type == SessionType::kCapture) return true;
  const auto* erspan = std::get_if<ErspanDestination>(&s.destination);
  if (erspan == nullptr) return false;
  return erspan->backend == ErspanBackend::kExporter || erspan->version == ErspanVersion::kTypeII ||
         erspan->version == ErspanVersion::kTypeIII;
}

std::uint32_t tunnelOverheadBytes(const ErspanDestination& d, const std::string& remote_ip) {
  constexpr std::uint32_t kEthernet = 14, kIpv4 = 20, kIpv6 = 40, kGreBase = 4, kGreOption = 4;
  constexpr std::uint32_t kErspanII = 8, kErspanIII = 12, kUdp = 8, kVxlanOrGeneve = 8;
  const bool v6 = remote_ip.find(':') != std::string::npos;
  // VXLAN and Geneve (OVS adds no Geneve options here): UDP and an 8-byte header.
  if (isUdpTunnel(d)) return kEthernet + (v6 ? kIpv6 : kIpv4) + kUdp + kVxlanOrGeneve;
  std::uint32_t bytes = kEthernet + (v6 ? kIpv6 : kIpv4) + kGreBase + kGreOption;
  if (d.version == ErspanVersion::kTypeII) bytes += kErspanII;
  if (d.version == ErspanVersion::kTypeIII) bytes += kErspanIII;
  return bytes;
}

std::string ownedPortName(const std::string& session_name, const std::string& role) {
  std::uint32_t h = 2166136261u;  // FNV-1a
  for (unsigned char c : session_name) h = (h ^ c) * 16777619u;
  char buf[16];
  std::snprintf(buf, sizeof buf, "oe%08x%c", h, role.empty() ? 'a' : role[0]);
  return buf;
}

DesiredRows desiredRows(const Session& s, const SwitchIndex& index, const ReconcileScope& scope) {
  DesiredRows rows;
  rows.status.name = s.name;
  if (!s.enabled) {
    rows.status.state = SessionState::kDisabled;
    return rows;
  }
  std::string bridge = sessionBridge(s, index, rows.status);
  if (bridge.empty()) {
    // No present source says where the session lives: it waits for them (in fleet mode, they
    // are on other hosts). Only a session without any source needs a bridge named.
    for (const auto& source : s.sources) {
      if (index.resolve(source).empty()) {
        rows.status.missing.push_back(describeSource(source) + " (not present)");
      }
    }
    if (rows.status.missing.empty()) {
      rows.status.problems.push_back("no bridge: name one with \"bridge\" or add a present source");
    }
    rows.status.state = rows.status.problems.empty() ? SessionState::kWaiting : SessionState::kError;
    rows.keep_existing = rows.status.problems.empty() && !scope.fleet;
    return rows;
  }
  rows.status.bridge = bridge;
  Resolved resolved = resolveSources(s, index, bridge, rows.status);
  // The RSPAN VLAN is selected as it arrives on the uplink (the bridge is the uplink's). OVS 3.1
  // selects nothing by select_vlan alone (measured: no select_src_port, 0 of 5 VLAN-999 frames).
  if (s.type == SessionType::kRspanDestination) resolved.ingress.insert(s.uplink);
  std::vector<std::string> out_ports;
  if (const auto* local = std::get_if<LocalDestination>(&s.destination)) {
    out_ports = localOutputPorts(*local, index, resolved, rows.status);
    if (!rows.status.problems.empty()) {
      rows.status.state = SessionState::kError;
      return rows;
    }
  }
  std::set<std::string> mirrored = resolved.ingress;
  mirrored.insert(resolved.egress.begin(), resolved.egress.end());
  if (auto loop = collectorLoop(s, index, bridge, mirrored, scope); !loop.empty()) {
    rows.status.problems.push_back(std::move(loop));
    rows.status.state = SessionState::kError;
    return rows;
  }
  bool anything = !resolved.ingress.empty() || !resolved.egress.empty() || s.select_all ||
                  !s.select_vlans.empty();
  if (!anything) {
    rows.status.state = SessionState::kWaiting;
    rows.keep_existing = !scope.fleet;
    return rows;
  }
  buildRows(s, splitParts(s, resolved, mirrorsPerDirection(s)), bridge, out_ports, scope, rows);
  warnVmDestinationPorts(s, index, rows.status);
  rows.status.state = rows.status.missing.empty() ? SessionState::kActive : SessionState::kDegraded;
  return rows;
}

}  // namespace ovse::manager
