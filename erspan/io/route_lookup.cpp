// Route lookup through a connected UDP socket (no packet is sent): source address by
// getsockname, path MTU by IP_MTU / IPV6_MTU, interface by matching the source in getifaddrs.
#include "erspan/io/route_lookup.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "erspan/io/sockaddr.h"

namespace ovse::erspan::io {
namespace {

// A UDP connect() to the discard port only asks the kernel for a route; nothing is sent.
constexpr std::uint16_t kDiscardPort = 9;

std::optional<IpAddress> fromSockaddr(const sockaddr* sa) {
  IpAddress out;
  if (sa == nullptr) return std::nullopt;
  if (sa->sa_family == AF_INET) {
    std::memcpy(out.bytes.data(), &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, 4);
    return out;
  }
  if (sa->sa_family == AF_INET6) {
    out.version = IpVersion::kV6;
    std::memcpy(out.bytes.data(), &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, 16);
    return out;
  }
  return std::nullopt;
}

std::string interfaceWith(const IpAddress& address) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return "";
  std::string name;
  for (ifaddrs* i = list; i != nullptr && name.empty(); i = i->ifa_next) {
    if (auto a = fromSockaddr(i->ifa_addr); a && *a == address) name = i->ifa_name;
  }
  freeifaddrs(list);
  return name;
}

}  // namespace

std::optional<IpAddress> parseIpAddress(const std::string& text) {
  IpAddress out;
  if (inet_pton(AF_INET, text.c_str(), out.bytes.data()) == 1) return out;
  out.version = IpVersion::kV6;
  if (inet_pton(AF_INET6, text.c_str(), out.bytes.data()) == 1) return out;
  return std::nullopt;
}

std::string toString(const IpAddress& address) {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(address.version == IpVersion::kV4 ? AF_INET : AF_INET6, address.bytes.data(), buf,
            sizeof buf);
  return buf;
}

std::expected<Route, std::string> routeTo(const IpAddress& destination) {
  const bool v4 = destination.version == IpVersion::kV4;
  const int fd = socket(v4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::unexpected(std::string("socket: ") + std::strerror(errno));
  sockaddr_storage dst;
  const socklen_t dst_len = toSockaddr(destination, kDiscardPort, dst);
  Route route;
  std::string error;
  sockaddr_storage local{};
  socklen_t local_len = sizeof local;
  int mtu = 0;
  socklen_t mtu_len = sizeof mtu;
  if (connect(fd, reinterpret_cast<sockaddr*>(&dst), dst_len) != 0) {
    error = "no route to " + toString(destination) + ": " + std::strerror(errno);
  } else if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) != 0) {
    error = std::string("getsockname: ") + std::strerror(errno);
  } else if (getsockopt(fd, v4 ? IPPROTO_IP : IPPROTO_IPV6, v4 ? IP_MTU : IPV6_MTU, &mtu,
                        &mtu_len) != 0) {
    error = "path MTU to " + toString(destination) + ": " + std::strerror(errno);
  }
  close(fd);
  if (!error.empty()) return std::unexpected(error);
  route.source = fromSockaddr(reinterpret_cast<sockaddr*>(&local)).value_or(IpAddress{});
  route.interface = interfaceWith(route.source);
  route.mtu_bytes = static_cast<std::uint32_t>(mtu);
  return route;
}

bool interfaceExists(const std::string& name) { return if_nametoindex(name.c_str()) != 0; }

}  // namespace ovse::erspan::io
