// rtnetlink requests (one RTM_GETROUTE, one RTM_GETNEIGH) on a short-lived socket, and the
// interface address by SIOCGIFHWADDR.
#include "erspan/io/link_path.h"

#include <net/if.h>
#include <net/if_arp.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <span>

namespace ovse::erspan::io {
namespace {

// Neighbour states whose link-layer address the kernel itself would send to.
constexpr std::uint16_t kUsableNeighbour =
    NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT;
constexpr std::size_t kReplyBytes = 8192;

class Netlink {
 public:
  Netlink() : fd_(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)) {}
  ~Netlink() {
    if (fd_ >= 0) close(fd_);
  }
  Netlink(const Netlink&) = delete;
  Netlink& operator=(const Netlink&) = delete;

  // Sends one request and returns its single answer message (nullopt on error or NLMSG_ERROR).
  std::optional<std::span<const std::uint8_t>> ask(nlmsghdr& request) {
    if (fd_ < 0) return std::nullopt;
    request.nlmsg_flags = NLM_F_REQUEST;
    request.nlmsg_seq = ++seq_;
    if (send(fd_, &request, request.nlmsg_len, 0) < 0) return std::nullopt;
    const ssize_t n = recv(fd_, reply_.data(), reply_.size(), 0);
    if (n < static_cast<ssize_t>(sizeof(nlmsghdr))) return std::nullopt;
    const auto* h = reinterpret_cast<const nlmsghdr*>(reply_.data());
    if (!NLMSG_OK(h, static_cast<unsigned>(n)) || h->nlmsg_type == NLMSG_ERROR) return std::nullopt;
    return std::span<const std::uint8_t>(reply_.data(), h->nlmsg_len);
  }

 private:
  int fd_;
  std::uint32_t seq_ = 0;
  alignas(nlmsghdr) std::array<std::uint8_t, kReplyBytes> reply_{};
};

// A request: header, fixed part, then attributes.
template <typename Fixed>
struct Request {
  nlmsghdr header{};
  Fixed fixed{};
  alignas(NLMSG_ALIGNTO) std::array<std::uint8_t, 64> attributes{};

  Request(std::uint16_t type) {
    header.nlmsg_type = type;
    header.nlmsg_len = NLMSG_LENGTH(sizeof(Fixed));
  }
  void add(std::uint16_t type, const void* data, std::size_t bytes) {
    auto* a = reinterpret_cast<rtattr*>(reinterpret_cast<std::uint8_t*>(this) +
                                        NLMSG_ALIGN(header.nlmsg_len));
    a->rta_type = type;
    a->rta_len = static_cast<std::uint16_t>(RTA_LENGTH(bytes));
    std::memcpy(RTA_DATA(a), data, bytes);
    header.nlmsg_len = NLMSG_ALIGN(header.nlmsg_len) + RTA_ALIGN(a->rta_len);
  }
};

// Calls `visit(type, payload)` for each attribute after the fixed part of `message`.
template <typename Fixed, typename Visit>
void eachAttribute(std::span<const std::uint8_t> message, Visit visit) {
  const auto* h = reinterpret_cast<const nlmsghdr*>(message.data());
  if (h->nlmsg_len < NLMSG_LENGTH(sizeof(Fixed))) return;
  auto* a = reinterpret_cast<const rtattr*>(message.data() + NLMSG_SPACE(sizeof(Fixed)));
  int left = static_cast<int>(h->nlmsg_len - NLMSG_SPACE(sizeof(Fixed)));
  for (; RTA_OK(a, left); a = RTA_NEXT(a, left)) {
    visit(a->rta_type,
          std::span<const std::uint8_t>(static_cast<const std::uint8_t*>(RTA_DATA(a)),
                                        RTA_PAYLOAD(a)));
  }
}

struct NextHop {
  int ifindex = 0;
  IpAddress address;  // the gateway, or the destination itself when on-link
};

std::optional<NextHop> routeHop(Netlink& nl, const IpAddress& destination) {
  const bool v4 = destination.version == IpVersion::kV4;
  const std::size_t bytes = v4 ? 4 : 16;
  Request<rtmsg> req(RTM_GETROUTE);
  req.fixed.rtm_family = v4 ? AF_INET : AF_INET6;
  req.fixed.rtm_dst_len = static_cast<unsigned char>(bytes * 8);
  req.add(RTA_DST, destination.bytes.data(), bytes);
  auto reply = nl.ask(req.header);
  if (!reply) return std::nullopt;
  const auto* h = reinterpret_cast<const nlmsghdr*>(reply->data());
  const auto* rt = static_cast<const rtmsg*>(NLMSG_DATA(h));
  if (h->nlmsg_type != RTM_NEWROUTE || rt->rtm_type != RTN_UNICAST) return std::nullopt;
  NextHop hop{0, destination};
  eachAttribute<rtmsg>(*reply, [&](std::uint16_t type, std::span<const std::uint8_t> data) {
    if (type == RTA_OIF && data.size() == sizeof(int)) std::memcpy(&hop.ifindex, data.data(), 4);
    if (type == RTA_GATEWAY && data.size() == bytes) {
      std::memcpy(hop.address.bytes.data(), data.data(), bytes);
    }
  });
  if (hop.ifindex == 0) return std::nullopt;
  return hop;
}

std::optional<std::array<std::uint8_t, 6>> neighbourMac(Netlink& nl, const NextHop& hop) {
  const bool v4 = hop.address.version == IpVersion::kV4;
  Request<ndmsg> req(RTM_GETNEIGH);
  req.fixed.ndm_family = v4 ? AF_INET : AF_INET6;
  req.fixed.ndm_ifindex = hop.ifindex;
  req.add(NDA_DST, hop.address.bytes.data(), v4 ? 4 : 16);
  auto reply = nl.ask(req.header);
  if (!reply) return std::nullopt;
  const auto* h = reinterpret_cast<const nlmsghdr*>(reply->data());
  const auto* nd = static_cast<const ndmsg*>(NLMSG_DATA(h));
  if (h->nlmsg_type != RTM_NEWNEIGH || (nd->ndm_state & kUsableNeighbour) == 0) {
    return std::nullopt;
  }
  std::optional<std::array<std::uint8_t, 6>> mac;
  eachAttribute<ndmsg>(*reply, [&](std::uint16_t type, std::span<const std::uint8_t> data) {
    if (type == NDA_LLADDR && data.size() == 6) {
      mac.emplace();
      std::memcpy(mac->data(), data.data(), 6);
    }
  });
  return mac;
}

// The interface's name and Ethernet address; nullopt for other link types.
std::optional<std::pair<std::string, std::array<std::uint8_t, 6>>> ethernetInterface(int ifindex) {
  ifreq request{};
  if (if_indextoname(static_cast<unsigned>(ifindex), request.ifr_name) == nullptr) {
    return std::nullopt;
  }
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  const int rc = ioctl(fd, SIOCGIFHWADDR, &request);
  close(fd);
  if (rc != 0 || request.ifr_hwaddr.sa_family != ARPHRD_ETHER) return std::nullopt;
  std::array<std::uint8_t, 6> mac{};
  std::memcpy(mac.data(), request.ifr_hwaddr.sa_data, 6);
  return std::pair{std::string(request.ifr_name), mac};
}

}  // namespace

std::optional<LinkPath> ethernetPathTo(const IpAddress& destination) {
  Netlink nl;
  auto hop = routeHop(nl, destination);
  if (!hop) return std::nullopt;
  auto interface = ethernetInterface(hop->ifindex);
  if (!interface) return std::nullopt;
  auto mac = neighbourMac(nl, *hop);
  if (!mac) return std::nullopt;
  return LinkPath{hop->ifindex, interface->first, interface->second, *mac};
}

}  // namespace ovse::erspan::io
