// Several collectors on one erspan session (vSphere's several destination IPs): the list, each
// address's rules (one unicast host), none twice, and the Mirror rows they cost on a bridge.
#include <arpa/inet.h>
#include <netinet/in.h>

#include <set>

#include "desired_rows.h"
#include "mirror_manager/reconciler.h"
#include "mirror_manager/session.h"
#include "validation_rules.h"

namespace ovse::manager {

std::vector<std::string> collectorIps(const ErspanDestination& d) {
  std::vector<std::string> ips{d.remote_ip};
  ips.insert(ips.end(), d.more_remote_ips.begin(), d.more_remote_ips.end());
  return ips;
}

namespace detail {
namespace {

// The collector must be one unicast host; loopback only makes sense in tests.
void checkRemoteIp(const std::string& ip, const std::string& path, IssueSink& out) {
  if (ip.empty()) return out.error(path, "required for type erspan");
  in_addr v4{};
  in6_addr v6{};
  bool unspecified = false;
  bool multicast = false;
  bool broadcast = false;
  bool loopback = false;
  if (inet_pton(AF_INET, ip.c_str(), &v4) == 1) {
    const std::uint32_t a = ntohl(v4.s_addr);
    unspecified = a == 0;
    multicast = (a >> 28) == 0xe;
    broadcast = a == 0xffffffff;
    loopback = (a >> 24) == 127;
  } else if (inet_pton(AF_INET6, ip.c_str(), &v6) == 1) {
    unspecified = IN6_IS_ADDR_UNSPECIFIED(&v6);
    multicast = IN6_IS_ADDR_MULTICAST(&v6);
    loopback = IN6_IS_ADDR_LOOPBACK(&v6);
  } else {
    return out.error(path, quote(ip) + " is not an IPv4 or IPv6 address");
  }
  if (unspecified) out.error(path, quote(ip) + " is the unspecified address; give the collector's");
  if (multicast) out.error(path, quote(ip) + " is a multicast address; give one collector");
  if (broadcast) out.error(path, quote(ip) + " is the broadcast address; give one collector");
  if (loopback) {
    out.warning(path, quote(ip) + " is a loopback address; mirrored traffic stays on this host");
  }
}

// How many Mirror rows a native session needs per collector: one per direction its sources
// use where the tunnel carries the direction (ERSPAN II/III), else one.
std::size_t mirrorsPerCollector(const Session& s) {
  if (!mirrorsPerDirection(s) || s.select_all || !s.select_vlans.empty()) return 1;
  bool ingress = false, egress = false;
  for (const auto& source : s.sources) {
    ingress = ingress || source.direction != Direction::kEgress;
    egress = egress || source.direction != Direction::kIngress;
  }
  return std::max<std::size_t>(1, std::size_t{ingress} + std::size_t{egress});
}

}  // namespace

std::string canonicalIp(const std::string& ip) {
  in_addr v4{};
  in6_addr v6{};
  char text[INET6_ADDRSTRLEN] = {};
  if (inet_pton(AF_INET, ip.c_str(), &v4) == 1) {
    return inet_ntop(AF_INET, &v4, text, sizeof text) ? text : ip;
  }
  if (inet_pton(AF_INET6, ip.c_str(), &v6) == 1) {
    return inet_ntop(AF_INET6, &v6, text, sizeof text) ? text : ip;
  }
  return ip;
}

std::string collectorPath(const ErspanDestination& d, std::size_t i) {
  if (d.more_remote_ips.empty()) return "destination.remote_ip";
  return "destination.remote_ips[" + std::to_string(i) + "]";
}

void checkCollectors(const Session& s, const ErspanDestination& d, IssueSink& out) {
  const std::vector<std::string> ips = collectorIps(d);
  // Compared as addresses: "2001:DB8:0::1" is 2001:db8::1, and OVS refuses its second tunnel.
  std::set<std::string> seen;
  for (std::size_t i = 0; i < ips.size(); ++i) {
    checkRemoteIp(ips[i], collectorPath(d, i), out);
    const std::string address = canonicalIp(ips[i]);
    if (!ips[i].empty() && !seen.insert(address).second) {
      out.error(collectorPath(d, i), quote(ips[i]) + " is listed twice" +
                                         (address == ips[i] ? "" : " (as " + address + ")"));
    }
  }
  if (d.backend != ErspanBackend::kNative) return;  // one exporter sends to them all
  // A tunnel port and a Mirror row per collector (and direction); OVS refuses a bridge's 33rd.
  const std::size_t mirrors = ips.size() * mirrorsPerCollector(s);
  if (mirrors > kMaxMirrorsPerBridge) {
    out.error(ips.size() > 1 ? "destination.remote_ips" : "destination.remote_ip",
              std::to_string(ips.size()) + " collectors need " + std::to_string(mirrors) +
                  " mirrors; OVS allows at most " + std::to_string(kMaxMirrorsPerBridge) +
                  " on a bridge");
  }
}

}  // namespace detail
}  // namespace ovse::manager
