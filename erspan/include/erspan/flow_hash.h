// A flow hash of a mirrored Ethernet frame, for the VXLAN / Geneve UDP source port (RFC 7348 §5,
// RFC 8926 §3.3): frames of one flow get one port, different flows spread over ECMP paths.
#pragma once

#include <cstdint>
#include <span>

namespace ovse::erspan {

/// Hashes the frame's flow: MAC addresses and EtherType (after up to two 802.1Q/802.1ad tags),
/// and for IPv4/IPv6 the addresses, the protocol and, for TCP/UDP/SCTP of unfragmented packets,
/// the ports. Fields a short frame lacks are left out; never reads past `frame`.
[[nodiscard]] std::uint32_t flowHash(std::span<const std::uint8_t> frame) noexcept;

}  // namespace ovse::erspan
