// Where packets to a collector leave this host at the link layer: the kernel's route (output
// interface, gateway) and the next hop's neighbour entry, both asked over rtnetlink. What lets a
// sender write whole Ethernet frames straight to the interface (packet_tx_ring.h) instead of
// going through the IP stack for every packet.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "erspan/io/route_lookup.h"

namespace ovse::erspan::io {

/// The Ethernet hop towards a destination.
struct LinkPath {
  int ifindex = 0;                        ///< the route's output interface
  std::string interface;                  ///< its name
  std::array<std::uint8_t, 6> src_mac{};  ///< the interface's address
  std::array<std::uint8_t, 6> dst_mac{};  ///< the next hop's (gateway or destination) address
};

/// The hop the kernel would use now, or nullopt when packets cannot go straight to the link: no
/// unicast route, a local or non-Ethernet output (loopback, tunnels), or a next hop whose
/// neighbour entry is not usable yet (never resolved, incomplete, failed). Never sends anything.
[[nodiscard]] std::optional<LinkPath> ethernetPathTo(const IpAddress& destination);

}  // namespace ovse::erspan::io
