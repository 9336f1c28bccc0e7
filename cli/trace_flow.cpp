// Filter flags → ofproto/trace flow.
#include "trace_flow.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <tuple>

#include "mirror_manager/text.h"

namespace ovse::cli {
namespace {

namespace ex = erspan::exporter;

using manager::lower;

std::string hex(std::uint64_t v, int width) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%0*llx", width, static_cast<unsigned long long>(v));
  return buf;
}

std::expected<std::uint64_t, std::string> ethType(const std::string& text) {
  const std::string t = lower(text);
  if (t == "ipv4" || t == "ip") return 0x0800;
  if (t == "ipv6" || t == "ip6") return 0x86dd;
  if (t == "arp") return 0x0806;
  if (auto v = ex::parseUnsigned(text, 0xffff)) return *v;
  return std::unexpected("--ethtype " + text + ": not an EtherType (0x0800, ipv4, ipv6, arp)");
}

std::expected<std::uint64_t, std::string> ipProto(const std::string& text) {
  static const std::pair<const char*, int> kNames[] = {
      {"tcp", 6}, {"udp", 17}, {"icmp", 1}, {"icmp6", 58}, {"sctp", 132}, {"gre", 47}, {"esp", 50}};
  for (const auto& [name, n] : kNames) {
    if (lower(text) == name) return n;
  }
  if (auto v = ex::parseUnsigned(text, 255)) return *v;
  return std::unexpected("--proto " + text + ": not an IP protocol (tcp, udp, icmp, 0-255, 0xHH)");
}

// Refuses the flags that describe a set of packets rather than one.
std::string refuseSets(const ex::FlowFilterSpec& s) {
  if (s.mac) return "--mac " + *s.mac + ": a trace follows one packet; use --srcmac/--dstmac";
  if (s.ip) return "--ip " + *s.ip + ": a trace follows one packet; use --srcip/--dstip";
  if (s.tcp_port) return "--tcpport " + *s.tcp_port + ": use --srcport/--dstport with --proto tcp";
  if (s.vxlan) return "--vxlan " + *s.vxlan + ": trace the outer UDP packet (--dstport 4789)";
  if (s.bpf) return "--filter: a BPF expression cannot be traced; use the field flags";
  return "";
}

// Adds nw_src/nw_dst (or ipv6_*) for one address flag; sets the IP version seen.
std::string addAddress(const char* flag, const std::optional<std::string>& value, const char* v4,
                       const char* v6, int& version, std::string& flow) {
  if (!value) return "";
  if (value->find('/') != std::string::npos || !ex::ipMatchTerm(*value)) {
    return std::string(flag) + " " + *value + ": a trace needs one IPv4/IPv6 address, not a prefix";
  }
  const int v = value->find(':') != std::string::npos ? 6 : 4;
  if (version != 0 && version != v)
    return std::string(flag) + " " + *value + ": mixes IPv4 and IPv6";
  version = v;
  flow += std::string(",") + (v == 6 ? v6 : v4) + "=" + *value;
  return "";
}

}  // namespace

std::expected<std::string, std::string> traceFlow(const ex::FlowFilterSpec& s, std::int64_t in_port,
                                                  const std::string& default_src_mac) {
  if (std::string e = refuseSets(s); !e.empty()) return std::unexpected(e);
  std::string flow = "in_port=" + std::to_string(in_port);
  if (s.vlan) {
    auto vid = ex::parseUnsigned(*s.vlan, 4095);
    if (!vid) return std::unexpected("--vlan " + *s.vlan + ": not a VLAN ID 0-4095");
    flow += ",dl_vlan=" + std::to_string(*vid);
  }
  for (auto [flag, value, field] : {std::tuple{"--srcmac", &s.src_mac, "dl_src"},
                                    std::tuple{"--dstmac", &s.dst_mac, "dl_dst"}}) {
    std::string mac = *value ? **value : (std::string(field) == "dl_src" ? default_src_mac : "");
    if (mac.empty()) continue;
    auto norm = ex::normalizeMac(mac);
    if (!norm) return std::unexpected(std::string(flag) + " " + mac + ": not a MAC address");
    flow += std::string(",") + field + "=" + *norm;
  }
  int version = 0;
  std::string ip_part;
  if (std::string e = addAddress("--srcip", s.src_ip, "nw_src", "ipv6_src", version, ip_part);
      !e.empty())
    return std::unexpected(e);
  if (std::string e = addAddress("--dstip", s.dst_ip, "nw_dst", "ipv6_dst", version, ip_part);
      !e.empty())
    return std::unexpected(e);
  std::optional<std::uint64_t> type;
  if (s.ethtype) {
    auto t = ethType(*s.ethtype);
    if (!t) return std::unexpected(t.error());
    type = *t;
  }
  if (!type && (version != 0 || s.proto)) type = version == 6 ? 0x86dd : 0x0800;
  if (type) flow += ",dl_type=" + hex(*type, 4);
  const bool ip = type && (*type == 0x0800 || *type == 0x86dd);
  if ((version != 0 || s.proto) && !ip) {
    return std::unexpected("--ethtype " + *s.ethtype + ": IP fields need ipv4 or ipv6");
  }
  flow += ip_part;
  std::uint64_t proto = 0;
  if (s.proto) {
    auto p = ipProto(*s.proto);
    if (!p) return std::unexpected(p.error());
    proto = *p;
    flow += ",nw_proto=" + std::to_string(proto);
  }
  if (ip) flow += ",nw_ttl=64";
  for (auto [flag, value, field] : {std::tuple{"--srcport", &s.src_port, "tp_src"},
                                    std::tuple{"--dstport", &s.dst_port, "tp_dst"}}) {
    if (!*value) continue;
    if (proto != 6 && proto != 17 && proto != 132) {
      return std::unexpected(std::string(flag) + " " + **value +
                             ": needs --proto tcp, udp or sctp");
    }
    auto port = ex::parseUnsigned(**value, 65535);
    if (!port) return std::unexpected(std::string(flag) + " " + **value + ": not a port 0-65535");
    flow += std::string(",") + field + "=" + std::to_string(*port);
  }
  return flow;
}

}  // namespace ovse::cli
