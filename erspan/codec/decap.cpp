// Decapsulation: outer Ethernet (with tags) → IPv4/IPv6 (with extension headers) → GRE → ERSPAN
// I/II/III or GRE-TEB. Each layer does one length check before reading, then masks and shifts.
#include "erspan/decap.h"

#include <algorithm>
#include <cstring>
#include <tuple>

#include "erspan/bytes.h"
#include "erspan/gre.h"

namespace ovse::erspan {
namespace {

using Bytes = std::span<const std::uint8_t>;
using Status = std::optional<DecapError>;  // nullopt: parsed

inline constexpr int kMaxVlanTags = 4;
inline constexpr int kMaxIpv6ExtensionHeaders = 8;

// Word @E+0 and word @E+2, shared by Type II and Type III.
void readCommonErspan(const std::uint8_t* e, DecapView& v) noexcept {
  const std::uint16_t w0 = loadBe16(e);
  const std::uint16_t w2 = loadBe16(e + 2);
  v.vlan = w0 & kErspanVlanMask;
  v.cos = static_cast<std::uint8_t>(w2 >> kErspanCosShift);
  v.truncated = (w2 & kErspanTruncated) != 0;
  v.session_id = w2 & kErspanSessionIdMask;
  const auto en_or_bso = static_cast<std::uint8_t>((w2 & kErspanEnMask) >> kErspanEnShift);
  if (v.type == ErspanType::kTypeII) {
    v.en = en_or_bso;
  } else {
    v.bso = en_or_bso;
  }
}

Status parseErspanII(Bytes e, DecapView& v) noexcept {
  if (e.size() < kErspanIIHeaderBytes) return DecapError::kTruncatedErspanHeader;
  v.type = ErspanType::kTypeII;
  readCommonErspan(e.data(), v);
  v.index = loadBe32(e.data() + 4) & kErspanIndexMask;
  v.frame = e.subspan(kErspanIIHeaderBytes);
  return std::nullopt;
}

Status parseErspanIII(Bytes e, DecapView& v) noexcept {
  if (e.size() < kErspanIIIHeaderBytes) return DecapError::kTruncatedErspanHeader;
  const std::uint16_t flags = loadBe16(e.data() + kErspanFlagsOffset);
  const bool o = (flags & kErspanO) != 0;
  const std::size_t header_bytes = kErspanIIIHeaderBytes + (o ? kPlatformSubheaderBytes : 0);
  if (e.size() < header_bytes) return DecapError::kTruncatedPlatformSubheader;
  v.type = ErspanType::kTypeIII;
  readCommonErspan(e.data(), v);
  v.timestamp = loadBe32(e.data() + kErspanTimestampOffset);
  v.sgt = loadBe16(e.data() + kErspanSgtOffset);
  v.p = (flags & kErspanP) != 0;
  v.ft = static_cast<std::uint8_t>((flags & kErspanFtMask) >> kErspanFtShift);
  v.hw_id = static_cast<std::uint8_t>((flags & kErspanHwIdMask) >> kErspanHwIdShift);
  v.direction = (flags & kErspanD) != 0 ? 1 : 0;
  v.gra = static_cast<std::uint8_t>((flags & kErspanGraMask) >> kErspanGraShift);
  v.has_platform_subheader = o;
  if (o) {
    const std::uint8_t* sub = e.data() + kErspanIIIHeaderBytes;
    const std::uint32_t word1 = loadBe32(sub);
    v.platform_id = static_cast<std::uint8_t>(word1 >> kPlatformIdShift);
    v.platform_info1 = word1 & kPlatformInfo1Mask;
    v.platform_info2 = loadBe32(sub + 4);
  }
  v.frame = e.subspan(header_bytes);
  return std::nullopt;
}

// After the GRE header: the Ver nibble, not the GRE protocol, picks II or III (Type III headers
// are seen under 0x88BE); 0x22EB only ever carries Ver 2.
Status parseErspan(Bytes e, DecapView& v, bool allow_ii) noexcept {
  if (e.empty()) return DecapError::kTruncatedErspanHeader;
  const unsigned ver = e[0] >> 4;
  if (ver == kErspanVersionII && allow_ii) return parseErspanII(e, v);
  if (ver == kErspanVersionIII) return parseErspanIII(e, v);
  return DecapError::kBadErspanVersion;
}

Status parseGre(Bytes g, DecapView& v) noexcept {
  if (g.size() < kGreBaseBytes) return DecapError::kTruncatedGre;
  const std::uint16_t flags = loadBe16(g.data());
  if ((flags & kGreFlagRouting) != 0) return DecapError::kGreRoutingPresent;
  if ((flags & kGreReservedMask) != 0) return DecapError::kGreReservedBits;
  if ((flags & kGreVersionMask) != 0) return DecapError::kGreVersion;
  const bool c = (flags & kGreFlagChecksum) != 0;
  const bool k = (flags & kGreFlagKey) != 0;
  const bool s = (flags & kGreFlagSequence) != 0;
  const std::size_t header_bytes = kGreBaseBytes + kGreOptionBytes * (c + k + s);
  if (g.size() < header_bytes) return DecapError::kTruncatedGre;
  // The checksum (if any) is not verified: mirrored traffic is often captured before offload.
  std::size_t at = kGreBaseBytes + (c ? kGreOptionBytes : 0);
  if (k) {
    v.gre_key = loadBe32(g.data() + at);
    at += kGreOptionBytes;
  }
  if (s) v.gre_sequence = loadBe32(g.data() + at);
  const Bytes rest = g.subspan(header_bytes);
  switch (loadBe16(g.data() + kGreProtocolOffset)) {
    case kGreProtoTeb:
      v.type = ErspanType::kGreTeb;
      v.frame = rest;
      return std::nullopt;
    case kGreProtoErspanI_II:
      if (s) return parseErspan(rest, v, /*allow_ii=*/true);
      v.type = ErspanType::kTypeI;  // S is the only thing telling Type I from Type II
      v.frame = rest;
      return std::nullopt;
    case kGreProtoErspanIII:
      return parseErspan(rest, v, /*allow_ii=*/false);  // with or without S
    default:
      return DecapError::kUnsupportedGreProtocol;
  }
}

Status parseIpv4(Bytes p, DecapView& v) noexcept {
  if (p.size() < kIpv4HeaderBytes) return DecapError::kTruncatedIpv4;
  if ((p[0] >> 4) != 4) return DecapError::kBadIpVersion;
  const std::size_t ihl_bytes = std::size_t{p[0] & 0x0Fu} * 4;
  if (ihl_bytes < kIpv4HeaderBytes) return DecapError::kBadIpv4Ihl;
  if (p.size() < ihl_bytes) return DecapError::kTruncatedIpv4;
  const std::size_t total = loadBe16(p.data() + kIpv4TotalLengthOffset);
  if (total < ihl_bytes) return DecapError::kBadIpTotalLength;
  if (total > p.size()) return DecapError::kIpLengthExceedsBuffer;
  const std::uint16_t frag = loadBe16(p.data() + kIpv4FlagsOffset);
  if ((frag & (kIpv4FlagMf | kIpv4FragOffsetMask)) != 0) return DecapError::kFragment;
  if (p[kIpv4ProtocolOffset] != kIpProtoGre) return DecapError::kNotGre;
  v.ip_version = IpVersion::kV4;
  std::memcpy(v.src_ip.data(), p.data() + kIpv4SrcOffset, 4);
  std::memcpy(v.dst_ip.data(), p.data() + kIpv4DstOffset, 4);
  v.ttl = p[kIpv4TtlOffset];
  v.dscp = p[1] >> 2;
  // Trailing bytes past the total length (Ethernet padding, OVS test vectors) are dropped.
  return parseGre(p.subspan(ihl_bytes, total - ihl_bytes), v);
}

Status parseIpv6(Bytes p, DecapView& v) noexcept {
  if (p.size() < kIpv6HeaderBytes) return DecapError::kTruncatedIpv6;
  if ((p[0] >> 4) != 6) return DecapError::kBadIpVersion;
  const std::size_t payload = loadBe16(p.data() + kIpv6PayloadLengthOffset);
  if (payload > p.size() - kIpv6HeaderBytes) return DecapError::kIpLengthExceedsBuffer;
  v.ip_version = IpVersion::kV6;
  std::memcpy(v.src_ip.data(), p.data() + kIpv6SrcOffset, 16);
  std::memcpy(v.dst_ip.data(), p.data() + kIpv6DstOffset, 16);
  v.ttl = p[kIpv6HopLimitOffset];
  v.dscp = static_cast<std::uint8_t>((loadBe16(p.data()) >> 6) & 0x3F);
  Bytes rest = p.subspan(kIpv6HeaderBytes, payload);
  std::uint8_t next = p[kIpv6NextHeaderOffset];
  for (int seen = 0;; ++seen) {
    if (next == kIpProtoGre) return parseGre(rest, v);
    if (next == kIpv6Fragment) return DecapError::kFragment;
    if (next != kIpv6HopByHop && next != kIpv6Routing && next != kIpv6DestOptions) {
      return DecapError::kNotGre;
    }
    if (seen == kMaxIpv6ExtensionHeaders) return DecapError::kTooManyIpv6ExtensionHeaders;
    // Hdr Ext Len counts 8-octet units after the first 8.
    if (rest.size() < 8) return DecapError::kTruncatedIpv6ExtensionHeader;
    const std::size_t ext_bytes = (std::size_t{rest[1]} + 1) * 8;
    if (rest.size() < ext_bytes) return DecapError::kTruncatedIpv6ExtensionHeader;
    next = rest[0];
    rest = rest.subspan(ext_bytes);
  }
}

Status parseIp(Bytes p, DecapView& v) noexcept {
  if (p.empty()) return DecapError::kTruncatedIpv4;
  switch (p[0] >> 4) {
    case 4:
      return parseIpv4(p, v);
    case 6:
      return parseIpv6(p, v);
    default:
      return DecapError::kBadIpVersion;
  }
}

constexpr bool isVlanTpid(std::uint16_t type) noexcept {
  return type == kEtherTypeVlan || type == kEtherTypeQinQ || type == kEtherTypeQinQOld;
}

// Runs `parse` straight into the result's storage (no second copy of the view on return).
template <class Parse>
Expected<DecapView, DecapError> decode(Bytes input, Parse parse) noexcept {
  Expected<DecapView, DecapError> result{DecapView{}};
  if (const Status status = parse(input, *result)) result = makeUnexpected(*status);
  return result;
}

Status parseFrame(Bytes frame, DecapView& v) noexcept {
  if (frame.size() < kEthernetHeaderBytes) return DecapError::kTruncatedEthernet;
  std::size_t type_at = kEtherTypeOffset;
  std::uint16_t type = loadBe16(frame.data() + type_at);
  for (int tags = 0; isVlanTpid(type); ++tags) {
    if (tags == kMaxVlanTags) return DecapError::kTooManyVlanTags;
    if (frame.size() < type_at + kVlanTagBytes + 2) return DecapError::kTruncatedVlanTag;
    type_at += kVlanTagBytes;
    type = loadBe16(frame.data() + type_at);
  }
  const Bytes ip = frame.subspan(type_at + 2);
  if (type == kEtherTypeIpv4) return parseIpv4(ip, v);
  if (type == kEtherTypeIpv6) return parseIpv6(ip, v);
  return DecapError::kNotIp;
}

}  // namespace

Expected<DecapView, DecapError> decapsulateFrame(std::span<const std::uint8_t> frame) noexcept {
  return decode(frame, parseFrame);
}

Expected<DecapView, DecapError> decapsulateIp(std::span<const std::uint8_t> packet) noexcept {
  return decode(packet, parseIp);
}

Expected<DecapView, DecapError> decapsulateGre(std::span<const std::uint8_t> gre) noexcept {
  return decode(gre, parseGre);
}

bool operator==(const DecapView& a, const DecapView& b) noexcept {
  const auto fields = [](const DecapView& x) {
    return std::tie(x.ip_version, x.src_ip, x.dst_ip, x.ttl, x.dscp, x.type, x.gre_key,
                    x.gre_sequence, x.session_id, x.index, x.vlan, x.cos, x.en, x.bso, x.truncated,
                    x.timestamp, x.sgt, x.p, x.ft, x.hw_id, x.direction, x.gra,
                    x.has_platform_subheader, x.platform_id, x.platform_info1, x.platform_info2);
  };
  return fields(a) == fields(b) && std::ranges::equal(a.frame, b.frame);
}

}  // namespace ovse::erspan
