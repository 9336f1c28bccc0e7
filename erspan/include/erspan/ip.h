// Outer IPv4 / IPv6 / Ethernet header layouts the ERSPAN codec writes and reads, plus the RFC 1071
// ones' complement sum used for the IPv4 header checksum.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace ovse::erspan {

/// Outer IP version of an encapsulated packet.
enum class IpVersion : std::uint8_t { kV4 = 4, kV6 = 6 };

// Ethernet II (IEEE 802.3, no FCS), optionally followed by 802.1Q / 802.1ad tags:
//   0                   6                   12      14
//  | Destination MAC   | Source MAC        | Type  |
//  802.1Q/802.1ad tag in place of Type: | TPID (0x8100/0x88A8/0x9100) | PCP(3) DEI(1) VID(12) |
inline constexpr std::size_t kEthernetHeaderBytes = 14;
inline constexpr std::size_t kVlanTagBytes = 4;
inline constexpr std::size_t kEtherTypeOffset = 12;
inline constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
inline constexpr std::uint16_t kEtherTypeIpv6 = 0x86DD;
inline constexpr std::uint16_t kEtherTypeVlan = 0x8100;     ///< 802.1Q C-tag
inline constexpr std::uint16_t kEtherTypeQinQ = 0x88A8;     ///< 802.1ad S-tag
inline constexpr std::uint16_t kEtherTypeQinQOld = 0x9100;  ///< pre-standard QinQ
inline constexpr std::uint16_t kTciPcpShift = 13;
inline constexpr std::uint16_t kTciVidMask = 0x0FFF;

// IPv4 (RFC 791):
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  |Version|  IHL  |  DSCP     |ECN|          Total Length         |
//  |         Identification        |Flags|      Fragment Offset    |
//  |  Time to Live |    Protocol   |         Header Checksum       |
//  |                       Source Address                          |
//  |                    Destination Address                        |
inline constexpr std::size_t kIpv4HeaderBytes = 20;
inline constexpr std::size_t kIpv4TotalLengthOffset = 2;
inline constexpr std::size_t kIpv4IdOffset = 4;
inline constexpr std::size_t kIpv4FlagsOffset = 6;
inline constexpr std::size_t kIpv4TtlOffset = 8;
inline constexpr std::size_t kIpv4ProtocolOffset = 9;
inline constexpr std::size_t kIpv4ChecksumOffset = 10;
inline constexpr std::size_t kIpv4SrcOffset = 12;
inline constexpr std::size_t kIpv4DstOffset = 16;
inline constexpr std::uint16_t kIpv4FlagDf = 0x4000;
inline constexpr std::uint16_t kIpv4FlagMf = 0x2000;
inline constexpr std::uint16_t kIpv4FragOffsetMask = 0x1FFF;
inline constexpr std::size_t kIpv4MaxTotalBytes = 0xFFFF;

// IPv6 (RFC 8200):
//  |Version| Traffic Class |           Flow Label                  |
//  |         Payload Length        |  Next Header  |   Hop Limit   |
//  |                Source Address (128)  |  Destination Address (128) |
// Extension headers followed here: Hop-by-Hop (0), Routing (43), Destination Options (60):
//  | Next Header | Hdr Ext Len (8-octet units, not counting the first 8) | ...
// Fragment (44) is reported as a fragment.
inline constexpr std::size_t kIpv6HeaderBytes = 40;
inline constexpr std::size_t kIpv6PayloadLengthOffset = 4;
inline constexpr std::size_t kIpv6NextHeaderOffset = 6;
inline constexpr std::size_t kIpv6HopLimitOffset = 7;
inline constexpr std::size_t kIpv6SrcOffset = 8;
inline constexpr std::size_t kIpv6DstOffset = 24;
inline constexpr std::size_t kIpv6MaxPayloadBytes = 0xFFFF;
inline constexpr std::uint8_t kIpv6HopByHop = 0;
inline constexpr std::uint8_t kIpv6Routing = 43;
inline constexpr std::uint8_t kIpv6Fragment = 44;
inline constexpr std::uint8_t kIpv6DestOptions = 60;
inline constexpr std::uint32_t kIpv6FlowLabelMask = 0x000FFFFF;

/// IP protocol number of GRE (both IPv4 protocol and IPv6 next header).
inline constexpr std::uint8_t kIpProtoGre = 47;

/// Adds the big-endian 16-bit words of `bytes` (odd length padded with zero) to `sum` without
/// folding (RFC 1071). Fold and complement with `finishChecksum`.
[[nodiscard]] std::uint32_t onesComplementSum(std::span<const std::uint8_t> bytes,
                                              std::uint32_t sum = 0) noexcept;

/// Folds a 32-bit ones' complement accumulator to 16 bits and complements it.
[[nodiscard]] constexpr std::uint16_t finishChecksum(std::uint32_t sum) noexcept {
  sum = (sum & 0xFFFF) + (sum >> 16);
  sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

}  // namespace ovse::erspan
