// ERSPAN I/II/III, GRE-TEB, VXLAN and Geneve decapsulation: parse an outer Ethernet frame or IP
// packet into a DecapView of header fields plus a span over the inner frame (no copy, no
// allocation).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "erspan/errors.h"
#include "erspan/erspan_header.h"
#include "erspan/expected.h"
#include "erspan/ip.h"
#include "erspan/udp_tunnel.h"

namespace ovse::erspan {

/// Everything a decapsulated packet says. Fields a type does not carry are 0 / false / nullopt.
struct DecapView {
  IpVersion ip_version = IpVersion::kV4;      ///< outer IP version
  std::array<std::uint8_t, 16> src_ip{};      ///< outer source address (IPv4: first 4 bytes)
  std::array<std::uint8_t, 16> dst_ip{};      ///< outer destination address (IPv4: first 4 bytes)
  std::uint8_t ttl = 0;                       ///< outer TTL / hop limit
  std::uint8_t dscp = 0;                      ///< outer DSCP
  Tunnel tunnel = Tunnel::kGre;               ///< GRE (see `type`), VXLAN or Geneve
  ErspanType type = ErspanType::kTypeI;       ///< what the GRE packet carried (GRE only)
  std::optional<std::uint32_t> gre_key;       ///< GRE key when K was set
  std::optional<std::uint32_t> gre_sequence;  ///< GRE sequence number when S was set
  std::uint16_t session_id = 0;               ///< II/III session ID
  std::uint32_t index = 0;                    ///< II index
  std::uint16_t vlan = 0;                     ///< II/III original VLAN
  std::uint8_t cos = 0;                       ///< II/III original CoS
  std::uint8_t en = 0;                        ///< II En (see En)
  std::uint8_t bso = 0;                       ///< III BSO (see Bso)
  bool truncated = false;                     ///< II/III T
  std::uint32_t timestamp = 0;                ///< III timestamp, in units of `gra`
  std::uint16_t sgt = 0;                      ///< III security group tag
  bool p = false;                             ///< III P
  std::uint8_t ft = 0;                        ///< III frame type: only 0 means `frame` is Ethernet
  std::uint8_t hw_id = 0;                     ///< III hardware ID
  std::uint8_t direction = 0;                 ///< III D: 0 ingress, 1 egress
  std::uint8_t gra = 0;                       ///< III granularity (see Granularity)
  bool has_platform_subheader = false;        ///< III O
  std::uint8_t platform_id = 0;               ///< sub-header Platf ID
  std::uint32_t platform_info1 = 0;           ///< sub-header first word minus the id (26 bits)
  std::uint32_t platform_info2 = 0;           ///< sub-header second word
  std::uint32_t vni = 0;                      ///< VXLAN / Geneve network identifier (24 bits)
  std::uint16_t udp_src_port = 0;             ///< VXLAN / Geneve outer UDP source port
  std::uint16_t udp_dst_port = 0;             ///< VXLAN / Geneve outer UDP destination port
  std::uint16_t geneve_options_bytes = 0;     ///< Geneve options skipped
  bool geneve_critical = false;               ///< Geneve C: a critical option is present
  /// The mirrored frame (Ethernet without FCS when ft == 0), a subspan of the input.
  std::span<const std::uint8_t> frame;
  /// Bytes the outer IP length counts beyond those present: the packet was cut after it was
  /// encapsulated (OVS applies Mirror.snaplen after tnl_push; a capture's snap length). The
  /// mirrored frame was frame.size() + cut_bytes long.
  std::uint32_t cut_bytes = 0;

  /// Field-wise equality; `frame` compares by content, not by address.
  friend bool operator==(const DecapView& a, const DecapView& b) noexcept;
};

/// Decapsulates an Ethernet frame (any number up to 4 of 802.1Q/802.1ad tags) carrying IPv4 or
/// IPv6 / GRE / ERSPAN or GRE-TEB, or IPv4 or IPv6 / UDP / VXLAN or Geneve to one of `ports`.
[[nodiscard]] Expected<DecapView, DecapError> decapsulateFrame(
    std::span<const std::uint8_t> frame,
    const UdpTunnelPorts& ports = kDefaultUdpTunnelPorts) noexcept;

/// Decapsulates an IP packet (version read from the first nibble) carrying GRE / ERSPAN or
/// GRE-TEB, or UDP / VXLAN or Geneve to one of `ports`. Bytes past the IP length are ignored;
/// fewer bytes than it claims decode as a packet cut after encapsulation (see
/// DecapView::cut_bytes) as long as every header is present.
[[nodiscard]] Expected<DecapView, DecapError> decapsulateIp(
    std::span<const std::uint8_t> packet,
    const UdpTunnelPorts& ports = kDefaultUdpTunnelPorts) noexcept;

/// Decapsulates a GRE header and what follows (e.g. from an IPv6 raw socket, which strips the IP
/// header); the view's outer IP fields stay default for the caller to fill.
[[nodiscard]] Expected<DecapView, DecapError> decapsulateGre(
    std::span<const std::uint8_t> gre) noexcept;

/// The upper 32 timestamp bits, when the platform sub-header (ids 3 and 7) carries them.
[[nodiscard]] constexpr std::optional<std::uint32_t> upperTimestamp(const DecapView& v) noexcept {
  if (!v.has_platform_subheader || !platformCarriesUpperTimestamp(v.platform_id)) {
    return std::nullopt;
  }
  return v.platform_info2;
}

/// The port index of sub-header ids 3 (14 bits), 5/6 (16 bits), 7 (20-bit source index) and 1
/// (second word).
[[nodiscard]] constexpr std::optional<std::uint32_t> platformPortIndex(
    const DecapView& v) noexcept {
  if (!v.has_platform_subheader) return std::nullopt;
  switch (v.platform_id) {
    case 1:
      return v.platform_info2;
    case 3:
      return v.platform_info1 & 0x3FFF;
    case 5:
    case 6:
      return v.platform_info1 & 0xFFFF;
    case 7:
      return v.platform_info1 & 0xFFFFF;
    default:
      return std::nullopt;
  }
}

}  // namespace ovse::erspan
