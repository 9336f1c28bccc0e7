// The per-packet encapsulation step: copy the session's header template, patch the outer length,
// IPv4 checksum, GRE sequence and ERSPAN T/VLAN/COS/En/BSO/timestamp fields or the UDP source
// port, length and checksum, and copy the frame.
#include "erspan/encap.h"

#include <algorithm>
#include <cstring>

#include "erspan/bytes.h"
#include "erspan/flow_hash.h"

namespace ovse::erspan {
namespace {

// Type III BSO from the original frame length, as Linux `erspan_detect_bso` does.
constexpr std::uint16_t bsoFromLength(std::size_t length) noexcept {
  if (length < kBsoShortBelowBytes) return static_cast<std::uint16_t>(Bso::kShort);
  if (length > kBsoOversizedAboveBytes) return static_cast<std::uint16_t>(Bso::kOversized);
  return static_cast<std::uint16_t>(Bso::kGood);
}

// Copies the 24..88 template bytes with a few fixed-size, possibly overlapping moves: GCC turns
// a variable-length memcpy of this size into `rep movs`, which costs more than the rest of the
// per-packet work together.
inline void copyHeader(std::uint8_t* dst, const std::uint8_t* src, std::size_t n) noexcept {
  if (n <= 32) {
    std::memcpy(dst, src, 16);
    std::memcpy(dst + n - 16, src + n - 16, 16);
    return;
  }
  std::memcpy(dst, src, 32);
  if (n > 64) std::memcpy(dst + 32, src + 32, 32);
  std::memcpy(dst + n - 32, src + n - 32, 32);
}

}  // namespace

// Inlined into writeHeader: one call per packet is all the header step can afford.
[[gnu::always_inline]] inline void EncapTemplate::patchErspan(
    std::uint8_t* e, std::span<const std::uint8_t> frame, bool truncated,
    const PacketMeta& meta) const noexcept {
  std::uint16_t w0 = loadBe16(e);
  std::uint16_t w2 = loadBe16(e + 2);
  const bool iii = type_ == ErspanType::kTypeIII;
  if (tag_from_frame_ && frame.size() >= kEthernetHeaderBytes + 2 &&
      loadBe16(frame.data() + kEtherTypeOffset) == kEtherTypeVlan) {
    // The 802.1Q tag stays in the mirrored frame: copy its VID and PCP, and for Type II say so
    // with En=3 (Linux semantics; QinQ outer tags are not 802.1Q and leave En=0).
    const std::uint16_t tci = loadBe16(frame.data() + kEthernetHeaderBytes);
    w0 |= tci & kTciVidMask;
    w2 |= static_cast<std::uint16_t>((tci >> kTciPcpShift) << kErspanCosShift);
    if (!iii) w2 |= static_cast<std::uint16_t>(En::kTagPreserved) << kErspanEnShift;
  }
  if (iii && bso_from_length_) {
    const std::size_t original = std::max<std::size_t>(frame.size(), meta.original_length_bytes);
    w2 |= static_cast<std::uint16_t>(bsoFromLength(original) << kErspanEnShift);
  }
  if (truncated) w2 |= kErspanTruncated;
  storeBe16(e, w0);
  storeBe16(e + 2, w2);
  if (iii) {
    storeBe32(e + kErspanTimestampOffset, static_cast<std::uint32_t>(meta.timestamp));
  }
}

std::uint16_t udpSourcePort(std::span<const std::uint8_t> frame) noexcept {
  return static_cast<std::uint16_t>(kUdpSourcePortMin + flowHash(frame) % kUdpSourcePortCount);
}

void EncapTemplate::patchUdp(std::uint8_t* udp, std::span<const std::uint8_t> kept) const noexcept {
  const std::uint16_t source_port = udpSourcePort(kept);
  const auto udp_bytes = static_cast<std::uint16_t>(header_bytes_ - udp_offset_ + kept.size());
  storeBe16(udp, source_port);
  storeBe16(udp + kUdpLengthOffset, udp_bytes);
  if (!udp_checksum_) return;
  // The pseudo-header's length and the header's own are the same number: added twice. The
  // frame starts 16 bytes after UDP, so its words line up with the checksum's.
  std::uint32_t sum = udp_sum_base_ + source_port + 2u * udp_bytes;
  sum = onesComplementSum(kept, sum);
  const std::uint16_t checksum = finishChecksum(sum);
  storeBe16(udp + kUdpChecksumOffset, checksum == 0 ? 0xFFFF : checksum);  // 0 means "none"
}

std::size_t EncapTemplate::writeHeader(std::uint8_t* packet, std::span<const std::uint8_t> frame,
                                       const PacketMeta& meta) const noexcept {
  const std::size_t keep = std::min<std::size_t>(frame.size(), max_frame_bytes_);
  // T: cut here, or already cut before it reached us.
  const bool truncated = keep < frame.size() || meta.original_length_bytes > frame.size();
  copyHeader(packet, bytes_.data(), header_bytes_);
  std::uint8_t* ip = packet + ip_offset_;
  const auto ip_bytes = static_cast<std::uint32_t>(header_bytes_ - ip_offset_ + keep);
  if (ip_version_ == IpVersion::kV4) {
    storeBe16(ip + kIpv4TotalLengthOffset, static_cast<std::uint16_t>(ip_bytes));
    // The template's sum covers every other header word, so only the length is added.
    storeBe16(ip + kIpv4ChecksumOffset, finishChecksum(ip_sum_base_ + ip_bytes));
  } else {
    storeBe16(ip + kIpv6PayloadLengthOffset,
              static_cast<std::uint16_t>(ip_bytes - kIpv6HeaderBytes));
  }
  if (udp_offset_ != 0) patchUdp(packet + udp_offset_, frame.first(keep));
  if (seq_offset_ != 0) storeBe32(packet + seq_offset_, meta.sequence);
  if (erspan_offset_ != 0) patchErspan(packet + erspan_offset_, frame, truncated, meta);
  if (subheader_offset_ != 0) {
    storeBe32(packet + subheader_offset_, static_cast<std::uint32_t>(meta.timestamp >> 32));
  }
  return header_bytes_ + keep;
}

Expected<std::size_t, EncodeError> encapsulate(const EncapTemplate& tmpl,
                                               std::span<const std::uint8_t> frame,
                                               const PacketMeta& meta,
                                               std::span<std::uint8_t> out) noexcept {
  const std::size_t keep = std::min<std::size_t>(frame.size(), tmpl.max_frame_bytes_);
  if (out.size() < tmpl.header_bytes_ + keep) return makeUnexpected(EncodeError::kOutputTooSmall);
  const std::size_t written = tmpl.writeHeader(out.data(), frame, meta);
  if (keep != 0) std::memcpy(out.data() + tmpl.header_bytes_, frame.data(), keep);
  return written;
}

Expected<std::size_t, EncodeError> encapsulateInPlace(const EncapTemplate& tmpl,
                                                      std::span<std::uint8_t> packet,
                                                      std::size_t frame_bytes,
                                                      const PacketMeta& meta) noexcept {
  if (packet.size() < tmpl.header_bytes_ || packet.size() - tmpl.header_bytes_ < frame_bytes) {
    return makeUnexpected(EncodeError::kOutputTooSmall);
  }
  const std::span<const std::uint8_t> frame = packet.subspan(tmpl.header_bytes_, frame_bytes);
  return tmpl.writeHeader(packet.data(), frame, meta);
}

}  // namespace ovse::erspan
