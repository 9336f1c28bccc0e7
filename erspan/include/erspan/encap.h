// ERSPAN I/II/III, GRE-TEB, VXLAN and Geneve encapsulation: a per-session header template built
// and validated once from an EncapConfig, and a per-packet step that patches lengths, checksums,
// sequence, timestamp, flags and the UDP source port and (optionally) copies the mirrored frame
// behind the header.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "erspan/errors.h"
#include "erspan/erspan_header.h"
#include "erspan/expected.h"
#include "erspan/ip.h"
#include "erspan/vxlan.h"

namespace ovse::erspan {

/// RFC 7348 §5: the UDP source port comes from a hash of the inner frame, in the dynamic range.
inline constexpr std::uint16_t kUdpSourcePortMin = 49152;
inline constexpr std::uint32_t kUdpSourcePortCount = 65536 - kUdpSourcePortMin;

/// Where the ERSPAN VLAN/COS/En (Type II) or VLAN/COS/BSO (Type III) fields come from.
enum class TagSource : std::uint8_t {
  /// Linux semantics: VLAN/COS from the frame's 802.1Q tag (TPID 0x8100 at offset 12) and
  /// En=3 "tag preserved in frame" (0 and VLAN/COS 0 when untagged); Type III BSO from the
  /// original length (< 60 short, > 1514 oversized, else 0).
  kFromFrame,
  /// The configured vlan/cos/en/bso are written as they are, whatever the frame holds.
  kExplicit,
};

/// Everything that is fixed for one mirror session. Validated by makeEncapTemplate.
struct EncapConfig {
  Tunnel tunnel = Tunnel::kGre;           ///< GRE (carrying `type`), or UDP with VXLAN / Geneve
  ErspanType type = ErspanType::kTypeII;  ///< what GRE carries (tunnel kGre only)
  std::uint32_t vni = 0;                  ///< VXLAN / Geneve 24-bit VNI
  std::uint16_t udp_dst_port = 0;         ///< VXLAN / Geneve UDP port; 0: 4789 / 6081
  IpVersion ip_version = IpVersion::kV4;  ///< outer IP version
  /// Outer addresses in network order; IPv4 uses the first 4 bytes.
  std::array<std::uint8_t, 16> src_ip{};
  std::array<std::uint8_t, 16> dst_ip{};
  std::uint8_t ttl = 64;         ///< IPv4 TTL / IPv6 hop limit
  std::uint8_t dscp = 0;         ///< 6-bit DSCP (IPv4 TOS / IPv6 traffic class >> 2); ECN 0
  std::uint16_t ip_id = 0;       ///< IPv4 identification (DF is set: RFC 6864 atomic datagram)
  std::uint32_t flow_label = 0;  ///< IPv6 flow label, 20 bits

  bool outer_ethernet = false;            ///< prepend an Ethernet header (pcap, AF_PACKET)
  std::array<std::uint8_t, 6> dst_mac{};  ///< outer Ethernet destination
  std::array<std::uint8_t, 6> src_mac{};  ///< outer Ethernet source

  bool gre_key_present = false;  ///< GRE K bit (not for Type I; ERSPAN peers ignore it)
  std::uint32_t gre_key = 0;     ///< GRE key when present
  /// GRE S bit: required for Type II, forbidden for Type I and for UDP tunnels (no GRE there).
  bool gre_seq_present = true;

  std::uint16_t session_id = 0;  ///< II/III 10-bit session ID
  std::uint32_t index = 0;       ///< II 20-bit index (port/direction, platform dependent)
  TagSource tag_source = TagSource::kFromFrame;  ///< origin of VLAN/COS/En/BSO
  std::uint16_t vlan = 0;                        ///< with kExplicit: 12-bit original VLAN
  std::uint8_t cos = 0;                          ///< with kExplicit: 3-bit original CoS
  std::uint8_t en = 0;                           ///< with kExplicit: II 2-bit En
  std::uint8_t bso = 0;                          ///< with kExplicit: III 2-bit BSO

  std::uint8_t hw_id = 0;           ///< III 6-bit hardware (engine) ID
  std::uint8_t direction = 0;       ///< III D: 0 ingress, 1 egress
  std::uint8_t gra = 0;             ///< III timestamp granularity (see Granularity)
  std::uint16_t sgt = 0;            ///< III security group tag
  bool p = true;                    ///< III P "Ethernet PDU" (Linux 1, OVS 0)
  std::uint8_t ft = 0;              ///< III 5-bit frame type (0 Ethernet)
  bool platform_subheader = false;  ///< III: append the 8-byte platform sub-header (O=1)
  std::uint8_t platform_id = kPlatformIdUpperTimestamp;  ///< 6-bit Platf ID
  std::uint32_t platform_info1 = 0;  ///< 26 bits after the id (id 3: port index in low 14 bits)
  /// Second sub-header word for ids other than 3 and 7; for ids 3 and 7 the per-packet step
  /// writes the upper 32 bits of PacketMeta::timestamp there instead.
  std::uint32_t platform_info2 = 0;

  std::uint32_t snap_len_bytes = 0;  ///< cut mirrored frames to this length (0: no limit)
  std::uint32_t path_mtu_bytes = 0;  ///< keep outer IP total length <= this (0: no limit)
};

/// Per-packet inputs of the encapsulation step.
struct PacketMeta {
  std::uint32_t sequence = 0;   ///< GRE sequence number (written when S is set)
  std::uint64_t timestamp = 0;  ///< III: low 32 bits in the header, high 32 in sub-header 3/7
  /// Length of the frame on the wire before any capture cut; 0 or less than the frame given means
  /// "the frame given is complete". A larger value sets T and feeds BSO.
  std::uint32_t original_length_bytes = 0;
};

/// Largest header the codec emits: Ethernet 14 + IPv6 40 + GRE 12 + ERSPAN III 12 + sub-header 8.
inline constexpr std::size_t kMaxEncapHeaderBytes = 88;

/// A validated, precomputed header for one session; cheap to copy, immutable after construction.
class EncapTemplate {
 public:
  /// Bytes placed in front of every mirrored frame (outer L2 if any, IP, GRE, ERSPAN).
  [[nodiscard]] std::size_t headerBytes() const noexcept { return header_bytes_; }
  /// Largest mirrored frame carried uncut (snap length and path MTU applied).
  [[nodiscard]] std::size_t maxFrameBytes() const noexcept { return max_frame_bytes_; }
  /// The template bytes, with per-packet fields zero.
  [[nodiscard]] std::span<const std::uint8_t> bytes() const noexcept {
    return {bytes_.data(), header_bytes_};
  }

 private:
  friend Expected<EncapTemplate, ConfigError> makeEncapTemplate(const EncapConfig& config) noexcept;
  friend Expected<std::size_t, EncodeError> encapsulate(const EncapTemplate& tmpl,
                                                        std::span<const std::uint8_t> frame,
                                                        const PacketMeta& meta,
                                                        std::span<std::uint8_t> out) noexcept;
  friend Expected<std::size_t, EncodeError> encapsulateInPlace(const EncapTemplate& tmpl,
                                                               std::span<std::uint8_t> packet,
                                                               std::size_t frame_bytes,
                                                               const PacketMeta& meta) noexcept;

  // Writes the header for `frame` (whose first bytes are read for the 802.1Q tag) at `packet`
  // and returns header + kept frame bytes. The caller has checked the room.
  std::size_t writeHeader(std::uint8_t* packet, std::span<const std::uint8_t> frame,
                          const PacketMeta& meta) const noexcept;
  void patchErspan(std::uint8_t* erspan, std::span<const std::uint8_t> frame, bool truncated,
                   const PacketMeta& meta) const noexcept;
  void patchUdp(std::uint8_t* udp, std::span<const std::uint8_t> kept) const noexcept;

  std::array<std::uint8_t, kMaxEncapHeaderBytes> bytes_{};
  std::uint32_t max_frame_bytes_ = 0;
  std::uint32_t ip_sum_base_ = 0;  ///< unfolded IPv4 header sum with total length and checksum 0
  std::uint8_t header_bytes_ = 0;
  std::uint8_t ip_offset_ = 0;
  std::uint8_t ip_header_bytes_ = 0;   ///< bytes of IP header counted in IPv4 total length, or 40
  std::uint8_t seq_offset_ = 0;        ///< 0: no GRE sequence field
  std::uint8_t erspan_offset_ = 0;     ///< 0: no ERSPAN header (Type I, GRE-TEB)
  std::uint8_t subheader_offset_ = 0;  ///< 0: no sub-header timestamp to patch
  std::uint8_t udp_offset_ = 0;        ///< 0: no UDP header (GRE)
  bool udp_checksum_ = false;          ///< compute the UDP checksum (IPv6; IPv4 sends 0)
  std::uint32_t udp_sum_base_ = 0;     ///< unfolded pseudo-header + fixed UDP/tunnel words
  ErspanType type_ = ErspanType::kTypeII;
  IpVersion ip_version_ = IpVersion::kV4;
  bool tag_from_frame_ = true;   ///< VLAN/COS (and II En) from the frame's 802.1Q tag
  bool bso_from_length_ = true;  ///< III BSO from the original frame length
};

/// Validates `config` and precomputes its header. Errors name the rule and carry the value.
[[nodiscard]] Expected<EncapTemplate, ConfigError> makeEncapTemplate(
    const EncapConfig& config) noexcept;

/// Makes `config` a VXLAN or Geneve one with `vni` and `udp_dst_port` (0: 4789 / 6081), without
/// the GRE key and sequence number. ERSPAN fields are left as they are: makeEncapTemplate refuses
/// any that is set.
void useUdpTunnel(EncapConfig& config, Tunnel tunnel, std::uint32_t vni,
                  std::uint16_t udp_dst_port = 0) noexcept;

/// IP protocol / IPv6 next header of the packets `config` makes: 47 (GRE) or 17 (UDP).
[[nodiscard]] std::uint8_t outerIpProtocol(const EncapConfig& config) noexcept;

/// UDP source port for `frame`: kUdpSourcePortMin + flowHash(frame) % kUdpSourcePortCount.
[[nodiscard]] std::uint16_t udpSourcePort(std::span<const std::uint8_t> frame) noexcept;

/// Encapsulates `frame` into `out`: header, then the frame cut to tmpl.maxFrameBytes().
/// Returns the bytes written, or kOutputTooSmall.
[[nodiscard]] Expected<std::size_t, EncodeError> encapsulate(const EncapTemplate& tmpl,
                                                             std::span<const std::uint8_t> frame,
                                                             const PacketMeta& meta,
                                                             std::span<std::uint8_t> out) noexcept;

/// Writes only the header in front of a frame the caller already placed at
/// `packet[tmpl.headerBytes() ..]` (`frame_bytes` long), avoiding the copy. Returns the packet
/// length (header + possibly cut frame), or kOutputTooSmall when `packet` cannot hold both.
[[nodiscard]] Expected<std::size_t, EncodeError> encapsulateInPlace(
    const EncapTemplate& tmpl, std::span<std::uint8_t> packet, std::size_t frame_bytes,
    const PacketMeta& meta) noexcept;

}  // namespace ovse::erspan
