// GRE header layout (RFC 2784 with the RFC 2890 key and sequence number extensions) and the
// protocol types that carry ERSPAN and transparent Ethernet bridging.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ovse::erspan {

// GRE (RFC 2784 §2.1, RFC 2890 §2); option order is fixed: checksum, key, sequence.
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  |C|R|K|S|s|Recur|  Flags  | Ver |         Protocol Type         |
//  |      Checksum (optional)      |       Reserved1 (optional)    |
//  |                         Key (optional)                        |
//  |                 Sequence Number (optional)                    |
inline constexpr std::size_t kGreBaseBytes = 4;
inline constexpr std::size_t kGreOptionBytes = 4;
inline constexpr std::size_t kGreProtocolOffset = 2;
inline constexpr std::uint16_t kGreFlagChecksum = 0x8000;
inline constexpr std::uint16_t kGreFlagRouting = 0x4000;
inline constexpr std::uint16_t kGreFlagKey = 0x2000;
inline constexpr std::uint16_t kGreFlagSequence = 0x1000;
inline constexpr std::uint16_t kGreReservedMask = 0x0FF8;  ///< s, Recur, Flags (RFC 1701 legacy)
inline constexpr std::uint16_t kGreVersionMask = 0x0007;

/// GRE protocol type of ERSPAN Type I (S=0) and Type II (S=1).
inline constexpr std::uint16_t kGreProtoErspanI_II = 0x88BE;
/// GRE protocol type of ERSPAN Type III.
inline constexpr std::uint16_t kGreProtoErspanIII = 0x22EB;
/// GRE protocol type of Transparent Ethernet Bridging (plain GRE-TAP).
inline constexpr std::uint16_t kGreProtoTeb = 0x6558;

}  // namespace ovse::erspan
