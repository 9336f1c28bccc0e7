// Decapsulation: outer Ethernet (with tags) → IPv4/IPv6 (with extension headers) → GRE → ERSPAN
// I/II/III or GRE-TEB, or → UDP → VXLAN or Geneve (udp_tunnel.cpp). Each layer does one length
// check before reading, then masks and shifts.
//
// Speed (>= 100 M decaps/s on one core is the goal, tests/bench/codec_bench.cpp): every layer is
// inlined into the three entry points, so each packet kind is one straight path with no calls.
// Layers read their header into a small local record (outer IP, GRE, ERSPAN words); the view is
// then written once, every field named, straight into the caller's result. Nothing clears the
// ~120-byte result first (g++ did that with `rep stosq`, slow to start) and nothing copies it.
#include "erspan/decap.h"

#include <algorithm>
#include <cstring>
#include <tuple>

#include "erspan/bytes.h"
#include "erspan/gre.h"
#include "erspan/vxlan.h"

// Every layer, and the result's constructor, inlined into each entry point.
#define OVSE_INLINE [[gnu::always_inline]] inline
#define OVSE_FLATTEN [[gnu::flatten]]

namespace ovse::erspan {
namespace {

using Bytes = std::span<const std::uint8_t>;
using Result = Expected<DecapView, DecapError>;

inline constexpr int kMaxVlanTags = 4;
inline constexpr int kMaxIpv6ExtensionHeaders = 8;

// What the outer IP header says. Defaults are what decapsulateGre reports (no IP header seen).
// The addresses stay in the (length-checked) header until the view is built: copying them into
// a local first would make the view's 16-byte copy wait on narrower stores.
struct OuterIp {
  IpVersion version = IpVersion::kV4;
  const std::uint8_t* src = nullptr;  ///< 4 or 16 bytes inside the checked header; null: none
  const std::uint8_t* dst = nullptr;
  std::uint8_t ttl = 0;
  std::uint8_t dscp = 0;
};

// What the GRE header says (presence flags kept apart from the values for the same reason).
struct GreFields {
  bool has_key = false;
  bool has_sequence = false;
  std::uint32_t key = 0;
  std::uint32_t sequence = 0;
};

// The ERSPAN header's words as read (zero where a type has none). The view's fields are cut from
// them with the masks and shifts of erspan_header.h only as the view is written: few values stay
// live between the reads and the stores, and a type without a word reports 0 for its fields.
struct ErspanWords {
  ErspanType type = ErspanType::kTypeI;
  std::uint16_t w0 = 0;     ///< @E+0: Ver, VLAN
  std::uint16_t w2 = 0;     ///< @E+2: COS, En (II) / BSO (III), T, Session ID
  std::uint32_t w4 = 0;     ///< @E+4: II reserved + index, III timestamp
  std::uint16_t sgt = 0;    ///< III @E+8
  std::uint16_t flags = 0;  ///< III @E+10: P, FT, HW ID, D, Gra, O
  std::uint32_t sub1 = 0;   ///< III platform sub-header word 1 (O=1)
  std::uint32_t sub2 = 0;   ///< III platform sub-header word 2 (O=1)
  Bytes frame;              ///< what follows the headers
};

// An outer address as the view holds it: IPv4 in the first 4 bytes, the rest zero.
OVSE_INLINE std::array<std::uint8_t, 16> address(IpVersion version,
                                                 const std::uint8_t* at) noexcept {
  std::array<std::uint8_t, 16> a{};
  if (at == nullptr) return a;
  if (version == IpVersion::kV6) {
    std::memcpy(a.data(), at, 16);
  } else {
    std::memcpy(a.data(), at, 4);
  }
  return a;
}

OVSE_INLINE std::optional<std::uint32_t> optionalWord(bool present, std::uint32_t word) noexcept {
  return present ? std::optional<std::uint32_t>(word) : std::nullopt;
}

template <class T>
OVSE_INLINE constexpr T field(std::uint32_t word, std::uint32_t mask, unsigned shift) noexcept {
  return static_cast<T>((word & mask) >> shift);
}

// What a view of a GRE packet reports for the UDP overlay fields.
inline constexpr UdpTunnel kNoUdpTunnel{};

// Builds the view from the four records, every DecapView field named once. Used as the
// argument of Result's in-place constructor, the conversion writes straight into the caller's
// result: no temporary view, and (every initializer being a run-time value) no block clear.
struct ViewBuilder {
  const OuterIp& ip;
  const GreFields& g;
  const ErspanWords& x;
  const UdpTunnel& u;

  OVSE_INLINE operator DecapView() const noexcept {  // NOLINT(google-explicit-constructor)
    const bool ii = x.type == ErspanType::kTypeII;
    const bool iii = x.type == ErspanType::kTypeIII;
    const auto en_or_bso = field<std::uint8_t>(x.w2, kErspanEnMask, kErspanEnShift);
    return DecapView{.ip_version = ip.version,
                     .src_ip = address(ip.version, ip.src),
                     .dst_ip = address(ip.version, ip.dst),
                     .ttl = ip.ttl,
                     .dscp = ip.dscp,
                     .tunnel = u.tunnel,
                     .type = x.type,
                     .gre_key = optionalWord(g.has_key, g.key),
                     .gre_sequence = optionalWord(g.has_sequence, g.sequence),
                     .session_id = field<std::uint16_t>(x.w2, kErspanSessionIdMask, 0),
                     .index = ii ? x.w4 & kErspanIndexMask : 0,
                     .vlan = field<std::uint16_t>(x.w0, kErspanVlanMask, 0),
                     .cos = field<std::uint8_t>(x.w2, 0xFFFF, kErspanCosShift),
                     .en = ii ? en_or_bso : std::uint8_t{0},
                     .bso = iii ? en_or_bso : std::uint8_t{0},
                     .truncated = (x.w2 & kErspanTruncated) != 0,
                     .timestamp = iii ? x.w4 : 0,
                     .sgt = x.sgt,
                     .p = (x.flags & kErspanP) != 0,
                     .ft = field<std::uint8_t>(x.flags, kErspanFtMask, kErspanFtShift),
                     .hw_id = field<std::uint8_t>(x.flags, kErspanHwIdMask, kErspanHwIdShift),
                     .direction = static_cast<std::uint8_t>((x.flags & kErspanD) != 0 ? 1 : 0),
                     .gra = field<std::uint8_t>(x.flags, kErspanGraMask, kErspanGraShift),
                     .has_platform_subheader = (x.flags & kErspanO) != 0,
                     .platform_id = field<std::uint8_t>(x.sub1, 0xFFFFFFFF, kPlatformIdShift),
                     .platform_info1 = x.sub1 & kPlatformInfo1Mask,
                     .platform_info2 = x.sub2,
                     .vni = u.vni,
                     .udp_src_port = u.src_port,
                     .udp_dst_port = u.dst_port,
                     .geneve_options_bytes = u.options_bytes,
                     .geneve_critical = u.critical,
                     .frame = x.frame,
                     .cut_bytes = u.cut_bytes};
  }
};

// The view once every header has been checked: built in place in the caller's result.
OVSE_INLINE Result finish(const OuterIp& ip, const GreFields& g, const ErspanWords& x,
                          const UdpTunnel& u = kNoUdpTunnel) noexcept {
  return Result(std::in_place, ViewBuilder{ip, g, x, u});
}

// Each layer below checks its header's length once, reads it, then hands the rest to the next
// layer (inlined, so every packet kind is one straight path) or returns the error.

OVSE_INLINE Result decodeErspanII(Bytes e, const OuterIp& ip, const GreFields& g) noexcept {
  if (e.size() < kErspanIIHeaderBytes) return makeUnexpected(DecapError::kTruncatedErspanHeader);
  const ErspanWords x{.type = ErspanType::kTypeII,
                      .w0 = loadBe16(e.data()),
                      .w2 = loadBe16(e.data() + 2),
                      .w4 = loadBe32(e.data() + 4),
                      .frame = e.subspan(kErspanIIHeaderBytes)};
  return finish(ip, g, x);
}

OVSE_INLINE Result decodeErspanIII(Bytes e, const OuterIp& ip, const GreFields& g) noexcept {
  if (e.size() < kErspanIIIHeaderBytes) return makeUnexpected(DecapError::kTruncatedErspanHeader);
  const std::uint16_t flags = loadBe16(e.data() + kErspanFlagsOffset);
  const bool o = (flags & kErspanO) != 0;
  const std::size_t header_bytes = kErspanIIIHeaderBytes + (o ? kPlatformSubheaderBytes : 0);
  if (e.size() < header_bytes) return makeUnexpected(DecapError::kTruncatedPlatformSubheader);
  ErspanWords x{.type = ErspanType::kTypeIII,
                .w0 = loadBe16(e.data()),
                .w2 = loadBe16(e.data() + 2),
                .w4 = loadBe32(e.data() + kErspanTimestampOffset),
                .sgt = loadBe16(e.data() + kErspanSgtOffset),
                .flags = flags,
                .frame = e.subspan(header_bytes)};
  if (o) {
    x.sub1 = loadBe32(e.data() + kErspanIIIHeaderBytes);
    x.sub2 = loadBe32(e.data() + kErspanIIIHeaderBytes + 4);
  }
  return finish(ip, g, x);
}

// After the GRE header: the Ver nibble, not the GRE protocol, picks II or III (Type III headers
// are seen under 0x88BE); 0x22EB only ever carries Ver 2.
OVSE_INLINE Result decodeErspan(Bytes e, const OuterIp& ip, const GreFields& g,
                                bool allow_ii) noexcept {
  if (e.empty()) return makeUnexpected(DecapError::kTruncatedErspanHeader);
  const unsigned ver = e[0] >> 4;
  if (ver == kErspanVersionII && allow_ii) return decodeErspanII(e, ip, g);
  if (ver == kErspanVersionIII) return decodeErspanIII(e, ip, g);
  return makeUnexpected(DecapError::kBadErspanVersion);
}

// Type I and GRE-TEB: no ERSPAN header, the frame follows GRE.
OVSE_INLINE Result decodeBare(ErspanType type, Bytes frame, const OuterIp& ip,
                              const GreFields& g) noexcept {
  return finish(ip, g, ErspanWords{.type = type, .frame = frame});
}

// Which flag is wrong, once the combined test has found one (off the fast path).
[[gnu::noinline, gnu::cold]] DecapError badGreFlags(std::uint16_t flags) noexcept {
  if ((flags & kGreFlagRouting) != 0) return DecapError::kGreRoutingPresent;
  if ((flags & kGreReservedMask) != 0) return DecapError::kGreReservedBits;
  return DecapError::kGreVersion;
}

OVSE_INLINE Result decodeGre(Bytes g, const OuterIp& ip) noexcept {
  if (g.size() < kGreBaseBytes) return makeUnexpected(DecapError::kTruncatedGre);
  const std::uint16_t flags = loadBe16(g.data());
  if ((flags & (kGreFlagRouting | kGreReservedMask | kGreVersionMask)) != 0) {
    return makeUnexpected(badGreFlags(flags));
  }
  const bool c = (flags & kGreFlagChecksum) != 0;
  const bool k = (flags & kGreFlagKey) != 0;
  const bool s = (flags & kGreFlagSequence) != 0;
  const std::size_t header_bytes = kGreBaseBytes + kGreOptionBytes * (c + k + s);
  if (g.size() < header_bytes) return makeUnexpected(DecapError::kTruncatedGre);
  // The checksum (if any) is not verified: mirrored traffic is often captured before offload.
  GreFields gre;
  std::size_t at = kGreBaseBytes + (c ? kGreOptionBytes : 0);
  gre.has_key = k;
  gre.has_sequence = s;
  if (k) {
    gre.key = loadBe32(g.data() + at);
    at += kGreOptionBytes;
  }
  if (s) gre.sequence = loadBe32(g.data() + at);
  const Bytes rest = g.subspan(header_bytes);
  switch (loadBe16(g.data() + kGreProtocolOffset)) {
    case kGreProtoTeb:
      return decodeBare(ErspanType::kGreTeb, rest, ip, gre);
    case kGreProtoErspanI_II:
      if (s) return decodeErspan(rest, ip, gre, /*allow_ii=*/true);
      // S is the only thing telling Type I from Type II.
      return decodeBare(ErspanType::kTypeI, rest, ip, gre);
    case kGreProtoErspanIII:
      return decodeErspan(rest, ip, gre, /*allow_ii=*/false);  // with or without S
    default:
      return makeUnexpected(DecapError::kUnsupportedGreProtocol);
  }
}

// UDP: VXLAN or Geneve by destination port (`claimed` = the datagram length the IP header gives).
OVSE_INLINE Result decodeUdp(Bytes udp, std::size_t claimed, const OuterIp& ip,
                             const UdpTunnelPorts& ports) noexcept {
  const auto tunnel = decodeUdpTunnel(udp, claimed, ports);
  if (!tunnel) return makeUnexpected(tunnel.error());
  return finish(ip, GreFields{}, ErspanWords{.frame = tunnel->frame}, *tunnel);
}

// Notes on a decoded view that its packet was cut `cut` bytes short after encapsulation.
OVSE_INLINE Result withCut(Result r, std::size_t cut) noexcept {
  if (r) r->cut_bytes = static_cast<std::uint32_t>(cut);
  return r;
}

OVSE_INLINE Result decodeIpv4(Bytes p, const UdpTunnelPorts& ports) noexcept {
  if (p.size() < kIpv4HeaderBytes) return makeUnexpected(DecapError::kTruncatedIpv4);
  if ((p[0] >> 4) != 4) return makeUnexpected(DecapError::kBadIpVersion);
  const std::size_t ihl_bytes = std::size_t{p[0] & 0x0Fu} * 4;
  if (ihl_bytes < kIpv4HeaderBytes) return makeUnexpected(DecapError::kBadIpv4Ihl);
  if (p.size() < ihl_bytes) return makeUnexpected(DecapError::kTruncatedIpv4);
  const std::size_t total = loadBe16(p.data() + kIpv4TotalLengthOffset);
  if (total < ihl_bytes) return makeUnexpected(DecapError::kBadIpTotalLength);
  const std::uint16_t frag = loadBe16(p.data() + kIpv4FlagsOffset);
  if ((frag & (kIpv4FlagMf | kIpv4FragOffsetMask)) != 0) {
    return makeUnexpected(DecapError::kFragment);
  }
  const std::uint8_t protocol = p[kIpv4ProtocolOffset];
  if (protocol != kIpProtoGre && protocol != kIpProtoUdp) {
    return makeUnexpected(DecapError::kNotGreOrUdp);
  }
  const OuterIp ip{.version = IpVersion::kV4,
                   .src = p.data() + kIpv4SrcOffset,
                   .dst = p.data() + kIpv4DstOffset,
                   .ttl = p[kIpv4TtlOffset],
                   .dscp = static_cast<std::uint8_t>(p[1] >> 2)};
  // Trailing bytes past the total length (Ethernet padding, OVS test vectors) are dropped; a
  // total length past the bytes present is a packet cut after encapsulation.
  if (protocol == kIpProtoUdp) {
    const std::size_t present = std::min(total, p.size());
    return decodeUdp(p.subspan(ihl_bytes, present - ihl_bytes), total - ihl_bytes, ip, ports);
  }
  if (total > p.size()) return withCut(decodeGre(p.subspan(ihl_bytes), ip), total - p.size());
  return decodeGre(p.subspan(ihl_bytes, total - ihl_bytes), ip);
}

OVSE_INLINE Result decodeIpv6(Bytes p, const UdpTunnelPorts& ports) noexcept {
  if (p.size() < kIpv6HeaderBytes) return makeUnexpected(DecapError::kTruncatedIpv6);
  if ((p[0] >> 4) != 6) return makeUnexpected(DecapError::kBadIpVersion);
  const std::size_t claimed = loadBe16(p.data() + kIpv6PayloadLengthOffset);
  const std::size_t payload = std::min(claimed, p.size() - kIpv6HeaderBytes);
  const OuterIp ip{.version = IpVersion::kV6,
                   .src = p.data() + kIpv6SrcOffset,
                   .dst = p.data() + kIpv6DstOffset,
                   .ttl = p[kIpv6HopLimitOffset],
                   .dscp = static_cast<std::uint8_t>((loadBe16(p.data()) >> 6) & 0x3F)};
  Bytes rest = p.subspan(kIpv6HeaderBytes, payload);
  std::uint8_t next = p[kIpv6NextHeaderOffset];
  for (int seen = 0;; ++seen) {
    if (next == kIpProtoGre) return withCut(decodeGre(rest, ip), claimed - payload);
    if (next == kIpProtoUdp) return decodeUdp(rest, rest.size() + (claimed - payload), ip, ports);
    if (next == kIpv6Fragment) return makeUnexpected(DecapError::kFragment);
    if (next != kIpv6HopByHop && next != kIpv6Routing && next != kIpv6DestOptions) {
      return makeUnexpected(DecapError::kNotGreOrUdp);
    }
    if (seen == kMaxIpv6ExtensionHeaders) {
      return makeUnexpected(DecapError::kTooManyIpv6ExtensionHeaders);
    }
    // Hdr Ext Len counts 8-octet units after the first 8.
    if (rest.size() < 8) return makeUnexpected(DecapError::kTruncatedIpv6ExtensionHeader);
    const std::size_t ext_bytes = (std::size_t{rest[1]} + 1) * 8;
    if (rest.size() < ext_bytes) return makeUnexpected(DecapError::kTruncatedIpv6ExtensionHeader);
    next = rest[0];
    rest = rest.subspan(ext_bytes);
  }
}

constexpr bool isVlanTpid(std::uint16_t type) noexcept {
  return type == kEtherTypeVlan || type == kEtherTypeQinQ || type == kEtherTypeQinQOld;
}

}  // namespace

OVSE_FLATTEN Result decapsulateFrame(std::span<const std::uint8_t> frame,
                                     const UdpTunnelPorts& ports) noexcept {
  if (frame.size() < kEthernetHeaderBytes) return makeUnexpected(DecapError::kTruncatedEthernet);
  std::size_t type_at = kEtherTypeOffset;
  std::uint16_t type = loadBe16(frame.data() + type_at);
  for (int tags = 0; isVlanTpid(type); ++tags) {
    if (tags == kMaxVlanTags) return makeUnexpected(DecapError::kTooManyVlanTags);
    if (frame.size() < type_at + kVlanTagBytes + 2) {
      return makeUnexpected(DecapError::kTruncatedVlanTag);
    }
    type_at += kVlanTagBytes;
    type = loadBe16(frame.data() + type_at);
  }
  const Bytes packet = frame.subspan(type_at + 2);
  if (type == kEtherTypeIpv4) return decodeIpv4(packet, ports);
  if (type == kEtherTypeIpv6) return decodeIpv6(packet, ports);
  return makeUnexpected(DecapError::kNotIp);
}

OVSE_FLATTEN Result decapsulateIp(std::span<const std::uint8_t> packet,
                                  const UdpTunnelPorts& ports) noexcept {
  if (packet.empty()) return makeUnexpected(DecapError::kTruncatedIpv4);
  switch (packet[0] >> 4) {
    case 4:
      return decodeIpv4(packet, ports);
    case 6:
      return decodeIpv6(packet, ports);
    default:
      return makeUnexpected(DecapError::kBadIpVersion);
  }
}

OVSE_FLATTEN Result decapsulateGre(std::span<const std::uint8_t> gre) noexcept {
  return decodeGre(gre, OuterIp{});
}

bool operator==(const DecapView& a, const DecapView& b) noexcept {
  const auto fields = [](const DecapView& x) {
    return std::tie(x.ip_version, x.src_ip, x.dst_ip, x.ttl, x.dscp, x.type, x.gre_key,
                    x.gre_sequence, x.session_id, x.index, x.vlan, x.cos, x.en, x.bso, x.truncated,
                    x.timestamp, x.sgt, x.p, x.ft, x.hw_id, x.direction, x.gra,
                    x.has_platform_subheader, x.platform_id, x.platform_info1, x.platform_info2,
                    x.tunnel, x.vni, x.udp_src_port, x.udp_dst_port, x.geneve_options_bytes,
                    x.geneve_critical, x.cut_bytes);
  };
  return fields(a) == fields(b) && std::ranges::equal(a.frame, b.frame);
}

}  // namespace ovse::erspan

#undef OVSE_INLINE
#undef OVSE_FLATTEN
