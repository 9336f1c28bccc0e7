// VXLAN and Geneve decapsulation: UDP length check, port → tunnel, one length check per header
// (Geneve's with its options), then masks and shifts.
#include "erspan/udp_tunnel.h"

#include <algorithm>

#include "erspan/bytes.h"
#include "erspan/vxlan.h"

namespace ovse::erspan {
namespace {

using Bytes = std::span<const std::uint8_t>;
using Result = Expected<UdpTunnel, DecapError>;

static_assert(kDefaultUdpTunnelPorts.tunnelOf(kVxlanUdpPort) == Tunnel::kVxlan);
static_assert(kDefaultUdpTunnelPorts.tunnelOf(kGeneveUdpPort) == Tunnel::kGeneve);

std::uint32_t vniOf(Bytes header) noexcept {
  return loadBe32(header.data() + kVniOffset) >> kVniShift;
}

// RFC 7348 §5: I must be set; the reserved bits are ignored on receipt (VXLAN-GBP puts a policy
// ID there).
Result decodeVxlan(Bytes payload, UdpTunnel t) noexcept {
  if (payload.size() < kVxlanHeaderBytes) return makeUnexpected(DecapError::kTruncatedVxlan);
  if ((payload[0] & kVxlanFlagI) == 0) return makeUnexpected(DecapError::kVxlanNoVni);
  t.tunnel = Tunnel::kVxlan;
  t.vni = vniOf(payload);
  t.frame = payload.subspan(kVxlanHeaderBytes);
  return t;
}

// RFC 8926 §3.4: version 0; options (Opt Len words) skipped; only Transparent Ethernet Bridging
// is an Ethernet frame; a control (O) packet carries a control message, not mirrored traffic.
Result decodeGeneve(Bytes payload, UdpTunnel t) noexcept {
  if (payload.size() < kGeneveHeaderBytes) return makeUnexpected(DecapError::kTruncatedGeneve);
  // Another version may lay its header out differently: its Opt Len means nothing yet.
  if ((payload[0] >> kGeneveVersionShift) != kGeneveVersion) {
    return makeUnexpected(DecapError::kGeneveVersion);
  }
  const std::size_t options_bytes =
      static_cast<std::size_t>(payload[0] & kGeneveOptLenMask) * kGeneveOptionUnitBytes;
  const std::size_t header_bytes = kGeneveHeaderBytes + options_bytes;
  if (payload.size() < header_bytes) return makeUnexpected(DecapError::kTruncatedGeneveOptions);
  if ((payload[1] & kGeneveFlagO) != 0) return makeUnexpected(DecapError::kGeneveControl);
  if (loadBe16(payload.data() + kGeneveProtocolOffset) != kGeneveProtoEthernet) {
    return makeUnexpected(DecapError::kGeneveNotEthernet);
  }
  t.tunnel = Tunnel::kGeneve;
  t.vni = vniOf(payload);
  t.options_bytes = static_cast<std::uint16_t>(options_bytes);
  t.critical = (payload[1] & kGeneveFlagC) != 0;
  t.frame = payload.subspan(header_bytes);
  return t;
}

}  // namespace

Result decodeUdpTunnel(Bytes udp, std::size_t claimed_bytes, const UdpTunnelPorts& ports) noexcept {
  if (udp.size() < kUdpHeaderBytes) return makeUnexpected(DecapError::kTruncatedUdp);
  const std::size_t length = loadBe16(udp.data() + kUdpLengthOffset);
  if (length < kUdpHeaderBytes || length > claimed_bytes) {
    return makeUnexpected(DecapError::kBadUdpLength);
  }
  UdpTunnel t;
  t.src_port = loadBe16(udp.data() + kUdpSrcPortOffset);
  t.dst_port = loadBe16(udp.data() + kUdpDstPortOffset);
  const std::size_t present = std::min(length, udp.size());
  t.cut_bytes = static_cast<std::uint32_t>(length - present);
  const Bytes payload = udp.subspan(kUdpHeaderBytes, present - kUdpHeaderBytes);
  const std::optional<Tunnel> tunnel = ports.tunnelOf(t.dst_port);
  if (tunnel == Tunnel::kVxlan) return decodeVxlan(payload, t);
  if (tunnel == Tunnel::kGeneve) return decodeGeneve(payload, t);
  return makeUnexpected(DecapError::kNotTunnelPort);
}

}  // namespace ovse::erspan
