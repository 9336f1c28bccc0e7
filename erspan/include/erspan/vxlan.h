// UDP overlay header layouts: UDP (RFC 768), VXLAN (RFC 7348) and Geneve (RFC 8926), with their
// IANA ports. Offsets, masks and shifts over big-endian words, shared by encapsulation and
// decapsulation, and the Tunnel kind both name.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ovse::erspan {

/// The outer tunnel of a mirrored frame, on both sides: GRE (carrying ERSPAN I/II/III or
/// GRE-TEB, see ErspanType) or UDP with VXLAN or Geneve.
enum class Tunnel : std::uint8_t { kGre, kVxlan, kGeneve };

// UDP (RFC 768):
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  |          Source Port          |       Destination Port        |
//  |            Length             |           Checksum            |
inline constexpr std::size_t kUdpHeaderBytes = 8;
inline constexpr std::size_t kUdpSrcPortOffset = 0;
inline constexpr std::size_t kUdpDstPortOffset = 2;
inline constexpr std::size_t kUdpLengthOffset = 4;
inline constexpr std::size_t kUdpChecksumOffset = 6;
/// IP protocol number of UDP (IPv4 protocol and IPv6 next header).
inline constexpr std::uint8_t kIpProtoUdp = 17;

// VXLAN (RFC 7348 §5), after UDP. I = the VNI is valid; the R bits are reserved: set to 0 on
// transmission and ignored on receipt.
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  |R|R|R|R|I|R|R|R|                   Reserved                    |
//  |                VXLAN Network Identifier (VNI) |   Reserved    |
inline constexpr std::size_t kVxlanHeaderBytes = 8;
inline constexpr std::uint8_t kVxlanFlagI = 0x08;  ///< in the first byte
/// IANA port of VXLAN (AWS VPC Traffic Mirroring and Azure virtual network TAP use it).
inline constexpr std::uint16_t kVxlanUdpPort = 4789;

// Geneve (RFC 8926 §3.4), after UDP; Opt Len counts 4-byte words of options after the 8 bytes.
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  |Ver|  Opt Len  |O|C|    Rsvd.  |          Protocol Type        |
//  |        Virtual Network Identifier (VNI)       |    Reserved   |
//  |                    Variable-Length Options                    |
inline constexpr std::size_t kGeneveHeaderBytes = 8;
inline constexpr std::size_t kGeneveProtocolOffset = 2;
inline constexpr std::uint8_t kGeneveVersionShift = 6;    ///< first byte: Ver (2 bits)
inline constexpr std::uint8_t kGeneveOptLenMask = 0x3F;   ///< first byte: Opt Len (6 bits)
inline constexpr std::size_t kGeneveOptionUnitBytes = 4;  ///< Opt Len unit
inline constexpr std::uint8_t kGeneveFlagO = 0x80;        ///< second byte: control (OAM) packet
inline constexpr std::uint8_t kGeneveFlagC = 0x40;        ///< second byte: critical options
inline constexpr std::uint8_t kGeneveVersion = 0;
/// Protocol type of an Ethernet payload (Transparent Ethernet Bridging).
inline constexpr std::uint16_t kGeneveProtoEthernet = 0x6558;
/// IANA port of Geneve.
inline constexpr std::uint16_t kGeneveUdpPort = 6081;

/// VXLAN / Geneve VNI: 24 bits, in the upper three bytes of the second word.
inline constexpr std::uint32_t kVniMax = 0xFFFFFF;
inline constexpr std::size_t kVniOffset = 4;
inline constexpr std::uint32_t kVniShift = 8;

}  // namespace ovse::erspan
