// Validation of the pktcap-uw style flow-filter flags and their translation into one libpcap
// filter expression; every rejection names the flag and the value.
#include "erspan/exporter/flow_filter.h"

#include <arpa/inet.h>

#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <vector>

namespace ovse::erspan::exporter {
namespace {

// VXLAN UDP destination ports: IANA 4789 and the Linux kernel's historical default 8472.
constexpr std::uint16_t kVxlanPortIana = 4789;
constexpr std::uint16_t kVxlanPortLinux = 8472;
constexpr std::uint64_t kMaxVni = 0xFFFFFF;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string hex(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// Clears the bits of `addr` past `prefix` so libpcap accepts "net A/len".
void maskHostBits(std::uint8_t* addr, std::size_t bytes, unsigned prefix) {
  for (std::size_t i = 0; i < bytes; ++i) {
    const unsigned bit = static_cast<unsigned>(i * 8);
    if (prefix >= bit + 8) continue;
    const unsigned keep = prefix > bit ? prefix - bit : 0;
    addr[i] &= static_cast<std::uint8_t>(0xFF00u >> keep);
  }
}

std::optional<std::string> ethertypeExpr(const std::string& text) {
  const std::string t = lower(text);
  if (t == "ipv4" || t == "ip") return "ether proto 0x800";
  if (t == "ipv6" || t == "ip6") return "ether proto 0x86dd";
  if (t == "arp") return "ether proto 0x806";
  if (t == "rarp") return "ether proto 0x8035";
  const auto v = parseUnsigned(text, 0xFFFF);
  if (!v) return std::nullopt;
  return "ether proto " + hex(*v);
}

std::optional<std::string> protoExpr(const std::string& text) {
  static constexpr std::array<std::pair<const char*, unsigned>, 7> kNames{{{"tcp", 6},
                                                                           {"udp", 17},
                                                                           {"icmp", 1},
                                                                           {"icmp6", 58},
                                                                           {"sctp", 132},
                                                                           {"gre", 47},
                                                                           {"esp", 50}}};
  std::optional<std::uint64_t> number;
  const std::string t = lower(text);
  for (const auto& [name, value] : kNames) {
    if (t == name) number = value;
  }
  if (!number) number = parseUnsigned(text, 255);
  if (!number) return std::nullopt;
  const std::string n = std::to_string(*number);
  return "(ip proto " + n + " or ip6 proto " + n + ")";
}

// One flag: its name, its value and how to translate it (nullopt = invalid, with `why`).
struct FlagRule {
  const char* flag;
  const std::optional<std::string>* value;
  std::optional<std::string> (*translate)(const std::string&);
  const char* why;
};

std::optional<std::string> srcMac(const std::string& v) {
  auto m = normalizeMac(v);
  return m ? std::optional("ether src " + *m) : std::nullopt;
}
std::optional<std::string> dstMac(const std::string& v) {
  auto m = normalizeMac(v);
  return m ? std::optional("ether dst " + *m) : std::nullopt;
}
std::optional<std::string> anyMac(const std::string& v) {
  auto m = normalizeMac(v);
  return m ? std::optional("ether host " + *m) : std::nullopt;
}
std::optional<std::string> vlanExpr(const std::string& v) {
  auto n = parseUnsigned(v, 4095);
  return n ? std::optional("vlan " + std::to_string(*n)) : std::nullopt;
}
std::optional<std::string> srcIp(const std::string& v) {
  auto t = ipMatchTerm(v);
  return t ? std::optional("src " + *t) : std::nullopt;
}
std::optional<std::string> dstIp(const std::string& v) {
  auto t = ipMatchTerm(v);
  return t ? std::optional("dst " + *t) : std::nullopt;
}
std::optional<std::string> anyIp(const std::string& v) { return ipMatchTerm(v); }
std::optional<std::string> portExpr(const char* prefix, const std::string& v) {
  auto n = parseUnsigned(v, 65535);
  return n ? std::optional(std::string(prefix) + std::to_string(*n)) : std::nullopt;
}
std::optional<std::string> srcPort(const std::string& v) { return portExpr("src port ", v); }
std::optional<std::string> dstPort(const std::string& v) { return portExpr("dst port ", v); }
std::optional<std::string> tcpPort(const std::string& v) { return portExpr("tcp port ", v); }

// VXLAN: 8-byte header after the UDP header; the VNI is its bytes 4..6 (udp[12:4] >> 8).
std::optional<std::string> vxlanExpr(const std::string& v) {
  auto vni = parseUnsigned(v, kMaxVni);
  if (!vni) return std::nullopt;
  return "((udp dst port " + std::to_string(kVxlanPortIana) + " or udp dst port " +
         std::to_string(kVxlanPortLinux) + ") and (udp[12:4] & 0xffffff00) = " + hex(*vni << 8) +
         ")";
}

}  // namespace

std::optional<std::uint64_t> parseUnsigned(const std::string& text, std::uint64_t max) {
  int base = 10;
  std::size_t start = 0;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    start = 2;
  }
  std::uint64_t v = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data() + start, end, v, base);
  if (text.size() == start || ec != std::errc() || ptr != end || v > max) return std::nullopt;
  return v;
}

std::optional<std::string> normalizeMac(const std::string& text) {
  if (text.size() != 17) return std::nullopt;
  std::string out = lower(text);
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (i % 3 == 2) {
      if (out[i] != ':' && out[i] != '-') return std::nullopt;
      out[i] = ':';
    } else if (!std::isxdigit(static_cast<unsigned char>(out[i]))) {
      return std::nullopt;
    }
  }
  return out;
}

std::optional<std::string> ipMatchTerm(const std::string& text) {
  const auto slash = text.find('/');
  const std::string addr_text = text.substr(0, slash);
  std::array<std::uint8_t, 16> addr{};
  int family = AF_INET;
  if (inet_pton(AF_INET, addr_text.c_str(), addr.data()) != 1) {
    family = AF_INET6;
    if (inet_pton(AF_INET6, addr_text.c_str(), addr.data()) != 1) return std::nullopt;
  }
  const std::size_t bytes = family == AF_INET ? 4 : 16;
  if (slash == std::string::npos) return "host " + addr_text;
  const auto prefix = parseUnsigned(text.substr(slash + 1), bytes * 8);
  if (!prefix || text.substr(slash + 1).starts_with("0x")) return std::nullopt;
  maskHostBits(addr.data(), bytes, static_cast<unsigned>(*prefix));
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(family, addr.data(), buf, sizeof buf);
  return "net " + std::string(buf) + "/" + std::to_string(*prefix);
}

std::expected<std::string, FilterError> buildFilterExpression(const FlowFilterSpec& spec) {
  const FlagRule rules[] = {
      {"--vlan", &spec.vlan, vlanExpr, "not a VLAN ID (0..4095)"},
      {"--srcmac", &spec.src_mac, srcMac, "not a MAC address (aa:bb:cc:dd:ee:ff)"},
      {"--dstmac", &spec.dst_mac, dstMac, "not a MAC address (aa:bb:cc:dd:ee:ff)"},
      {"--mac", &spec.mac, anyMac, "not a MAC address (aa:bb:cc:dd:ee:ff)"},
      {"--ethtype", &spec.ethtype, ethertypeExpr,
       "not an EtherType (0..0xffff, ipv4, ipv6, arp, rarp)"},
      {"--srcip", &spec.src_ip, srcIp, "not an IPv4/IPv6 address or CIDR"},
      {"--dstip", &spec.dst_ip, dstIp, "not an IPv4/IPv6 address or CIDR"},
      {"--ip", &spec.ip, anyIp, "not an IPv4/IPv6 address or CIDR"},
      {"--proto", &spec.proto, protoExpr,
       "not an IP protocol (tcp, udp, icmp, icmp6, sctp, gre, esp or 0..255)"},
      {"--srcport", &spec.src_port, srcPort, "not a port (0..65535)"},
      {"--dstport", &spec.dst_port, dstPort, "not a port (0..65535)"},
      {"--tcpport", &spec.tcp_port, tcpPort, "not a port (0..65535)"},
      {"--vxlan", &spec.vxlan, vxlanExpr, "not a VXLAN VNI (0..16777215)"},
  };
  std::vector<std::string> terms;
  for (const FlagRule& rule : rules) {
    if (!rule.value->has_value()) continue;
    auto term = rule.translate(**rule.value);
    if (!term) return std::unexpected(FilterError{rule.flag, **rule.value, rule.why});
    terms.push_back(std::move(*term));
  }
  if (spec.bpf && !spec.bpf->empty()) terms.push_back("(" + *spec.bpf + ")");
  std::string out;
  for (const auto& t : terms) out += (out.empty() ? "" : " and ") + t;
  return out;
}

}  // namespace ovse::erspan::exporter
