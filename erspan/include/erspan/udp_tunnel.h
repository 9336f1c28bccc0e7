// VXLAN (RFC 7348) and Geneve (RFC 8926) decapsulation of a UDP datagram: the destination port
// picks the overlay, one length check per header, then the VNI and the inner Ethernet frame.
// Pure: no I/O, no allocation. decap.h calls it for outer IP packets carrying UDP.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "erspan/errors.h"
#include "erspan/expected.h"
#include "erspan/vxlan.h"

namespace ovse::erspan {

/// Ports configurable per overlay at most.
inline constexpr std::size_t kMaxUdpTunnelPorts = 8;

/// The UDP destination ports taken as VXLAN and as Geneve (the IANA ports by default: 4789 and
/// 6081, kVxlanUdpPort and kGeneveUdpPort of vxlan.h). A port is in at most one list.
struct UdpTunnelPorts {
  std::array<std::uint16_t, kMaxUdpTunnelPorts> vxlan{4789};
  std::size_t vxlan_count = 1;
  std::array<std::uint16_t, kMaxUdpTunnelPorts> geneve{6081};
  std::size_t geneve_count = 1;

  /// The tunnel of datagrams to `port` (kVxlan or kGeneve); nullopt when it is neither list's.
  [[nodiscard]] constexpr std::optional<Tunnel> tunnelOf(std::uint16_t port) const noexcept {
    for (std::size_t i = 0; i < vxlan_count; ++i)
      if (vxlan[i] == port) return Tunnel::kVxlan;
    for (std::size_t i = 0; i < geneve_count; ++i)
      if (geneve[i] == port) return Tunnel::kGeneve;
    return std::nullopt;
  }
};

/// The IANA ports only.
inline constexpr UdpTunnelPorts kDefaultUdpTunnelPorts{};

/// What a VXLAN or Geneve datagram says.
struct UdpTunnel {
  Tunnel tunnel = Tunnel::kGre;     ///< kVxlan or kGeneve once decoded (kGre: none, as for GRE)
  std::uint16_t src_port = 0;       ///< UDP source port (a flow hash at most senders)
  std::uint16_t dst_port = 0;       ///< UDP destination port
  std::uint32_t vni = 0;            ///< 24-bit VXLAN / Geneve network identifier
  std::uint16_t options_bytes = 0;  ///< Geneve options skipped (0 for VXLAN)
  bool critical = false;            ///< Geneve C: some option is critical
  /// The inner Ethernet frame (a subspan of the input).
  std::span<const std::uint8_t> frame;
  /// Bytes the UDP length counts beyond those present (cut after encapsulation).
  std::uint32_t cut_bytes = 0;
};

/// Decodes a UDP datagram carrying VXLAN or Geneve. `udp` holds the bytes present; the IP
/// header said the datagram is `claimed_bytes` long (more than present when the packet was cut
/// after encapsulation). The UDP length must lie in [8, claimed_bytes]; bytes past it are
/// ignored. The UDP checksum is not verified (mirrored traffic is often seen before offload).
[[nodiscard]] Expected<UdpTunnel, DecapError> decodeUdpTunnel(std::span<const std::uint8_t> udp,
                                                              std::size_t claimed_bytes,
                                                              const UdpTunnelPorts& ports) noexcept;

}  // namespace ovse::erspan
