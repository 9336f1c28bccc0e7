// ERSPAN Type II and Type III header layouts (draft-foschiano-erspan-03 §4.2-4.3) and the Type III
// platform-specific sub-header: offsets, masks and shifts over big-endian words.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ovse::erspan {

/// What a GRE packet carries: the three ERSPAN types, or plain GRE transparent Ethernet bridging.
enum class ErspanType : std::uint8_t {
  kTypeI,    ///< GRE 0x88BE with S=0, no ERSPAN header
  kTypeII,   ///< GRE 0x88BE with S=1, 8-byte header, Ver=1
  kTypeIII,  ///< GRE 0x22EB (or 0x88BE with Ver=2), 12-byte header (+8 when O=1)
  kGreTeb,   ///< GRE 0x6558 (Transparent Ethernet Bridging), no ERSPAN header
};

// Type II (8 octets):
//        E+0             E+1             E+2             E+3
//  | Ver(4) |     VLAN (12)       |COS(3)|En(2)|T|  Session ID (10)  |
//        E+4             E+5             E+6             E+7
//  |    Reserved (12)       |               Index (20)                |
inline constexpr std::size_t kErspanIIHeaderBytes = 8;
inline constexpr std::uint8_t kErspanVersionII = 1;

// Type III (12 octets, + 8 when O=1):
//        E+0             E+1             E+2             E+3
//  | Ver(4) |     VLAN (12)       |COS(3)|BSO(2)|T| Session ID (10)  |
//  |                        Timestamp (32)                           |
//        E+8             E+9             E+10            E+11
//  |          SGT (16)            |P| FT(5) | HW ID(6) |D|Gra(2)|O|
inline constexpr std::size_t kErspanIIIHeaderBytes = 12;
inline constexpr std::uint8_t kErspanVersionIII = 2;

// Word @E+0 (both types).
inline constexpr std::uint16_t kErspanVerShift = 12;
inline constexpr std::uint16_t kErspanVlanMask = 0x0FFF;
// Word @E+2 (both types; En in Type II, BSO in Type III).
inline constexpr std::uint16_t kErspanCosShift = 13;
inline constexpr std::uint16_t kErspanEnShift = 11;
inline constexpr std::uint16_t kErspanEnMask = 0x1800;
inline constexpr std::uint16_t kErspanTruncated = 0x0400;
inline constexpr std::uint16_t kErspanSessionIdMask = 0x03FF;
// Type II word @E+4.
inline constexpr std::uint32_t kErspanIndexMask = 0x000FFFFF;
// Type III offsets and word @E+10.
inline constexpr std::size_t kErspanTimestampOffset = 4;
inline constexpr std::size_t kErspanSgtOffset = 8;
inline constexpr std::size_t kErspanFlagsOffset = 10;
inline constexpr std::uint16_t kErspanP = 0x8000;
inline constexpr std::uint16_t kErspanFtShift = 10;
inline constexpr std::uint16_t kErspanFtMask = 0x7C00;
inline constexpr std::uint16_t kErspanHwIdShift = 4;
inline constexpr std::uint16_t kErspanHwIdMask = 0x03F0;
inline constexpr std::uint16_t kErspanD = 0x0008;
inline constexpr std::uint16_t kErspanGraShift = 1;
inline constexpr std::uint16_t kErspanGraMask = 0x0006;
inline constexpr std::uint16_t kErspanO = 0x0001;

// Type III platform-specific sub-header (8 octets, present iff O=1):
//        S+0             S+1             S+2             S+3
//  | Platf ID(6) |            platform specific (26)               |
//  |                    platform specific (32)                     |
// Platf ID 3: bits 0x00003FFF of word 1 = port index, word 2 = upper 32 timestamp bits.
// Platf ID 7: bits 0x000FFFFF of word 1 = source index, word 2 = upper 32 timestamp bits.
inline constexpr std::size_t kPlatformSubheaderBytes = 8;
inline constexpr std::uint32_t kPlatformIdShift = 26;
inline constexpr std::uint32_t kPlatformInfo1Mask = 0x03FFFFFF;

/// Platform id whose second word holds the upper 32 timestamp bits and first word a port index.
inline constexpr std::uint8_t kPlatformIdUpperTimestamp = 3;
/// Platform id with a source index and the upper 32 timestamp bits.
inline constexpr std::uint8_t kPlatformIdSourceIndex = 7;

/// Type III timestamp granularity (Gra).
enum class Granularity : std::uint8_t { k100Us = 0, k100Ns = 1, kIeee1588 = 2, kCustom = 3 };

/// Type III Bad/Short/Oversized values.
enum class Bso : std::uint8_t { kGood = 0, kShort = 1, kOversized = 2, kBad = 3 };

/// Type II En (trunk encapsulation of the source port).
enum class En : std::uint8_t { kUntagged = 0, kIsl = 1, kDot1q = 2, kTagPreserved = 3 };

/// Frames shorter than this are "short" in Type III BSO (Linux `erspan_detect_bso`).
inline constexpr std::size_t kBsoShortBelowBytes = 60;
/// Frames longer than this are "oversized" in Type III BSO (Linux `erspan_detect_bso`).
inline constexpr std::size_t kBsoOversizedAboveBytes = 1514;

/// True when platform id `id` carries the upper 32 timestamp bits in its second word.
[[nodiscard]] constexpr bool platformCarriesUpperTimestamp(std::uint8_t id) noexcept {
  return id == kPlatformIdUpperTimestamp || id == kPlatformIdSourceIndex;
}

}  // namespace ovse::erspan
