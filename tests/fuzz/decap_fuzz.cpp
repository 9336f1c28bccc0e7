// libFuzzer target for the decapsulator: arbitrary bytes through every entry point (must never
// crash or overread), and every ERSPAN/GRE packet that decodes must survive a re-encode → decode
// round trip with an identical view (a packet cut after encapsulation is re-encoded, then cut
// alike). VXLAN/Geneve views are checked against their invariants (frame inside the input, VNI in
// 24 bits, Geneve options in 4-byte units), also with UDP ports taken from the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "erspan/decap.h"
#include "erspan/encap.h"

namespace {

using ovse::erspan::DecapView;
using ovse::erspan::EncapConfig;
using ovse::erspan::ErspanType;

// The encap configuration that reproduces `v` (tags and BSO written as decoded).
EncapConfig configFor(const DecapView& v, bool outer_ethernet) {
  EncapConfig c;
  c.type = v.type;
  c.ip_version = v.ip_version;
  c.src_ip = v.src_ip;
  c.dst_ip = v.dst_ip;
  c.ttl = v.ttl;
  c.dscp = v.dscp;
  c.outer_ethernet = outer_ethernet;
  c.gre_key_present = v.gre_key.has_value();
  c.gre_key = v.gre_key.value_or(0);
  c.gre_seq_present = v.gre_sequence.has_value();
  c.session_id = v.session_id;
  c.index = v.index;
  c.tag_source = ovse::erspan::TagSource::kExplicit;
  c.vlan = v.vlan;
  c.cos = v.cos;
  c.en = v.en;
  c.bso = v.bso;
  c.hw_id = v.hw_id;
  c.direction = v.direction;
  c.gra = v.gra;
  c.sgt = v.sgt;
  c.p = v.p;
  c.ft = v.ft;
  c.platform_subheader = v.has_platform_subheader;
  c.platform_id = v.platform_id;
  c.platform_info1 = v.platform_info1;
  c.platform_info2 = v.platform_info2;
  return c;
}

// What any VXLAN/Geneve view must satisfy.
void checkOverlay(const DecapView& v, std::span<const std::uint8_t> input) {
  const bool inside = v.frame.empty() || (v.frame.data() >= input.data() &&
                                          v.frame.data() + v.frame.size() <= input.data() + input.size());
  if (!inside || v.vni > 0xFFFFFF || v.gre_sequence || v.gre_key) std::abort();
  if (v.tunnel == ovse::erspan::Tunnel::kVxlan && (v.geneve_options_bytes || v.geneve_critical)) {
    std::abort();
  }
  if (v.geneve_options_bytes % 4 != 0 || v.geneve_options_bytes > 63 * 4) std::abort();
}

// The UDP ports of a run: the defaults, or two taken from the input's last bytes.
ovse::erspan::UdpTunnelPorts portsFrom(std::span<const std::uint8_t> input) {
  ovse::erspan::UdpTunnelPorts ports;
  if (input.size() < 4) return ports;
  const auto* tail = input.data() + input.size() - 4;
  ports.vxlan[1] = static_cast<std::uint16_t>(tail[0] << 8 | tail[1]);
  ports.geneve[1] = static_cast<std::uint16_t>(tail[2] << 8 | tail[3]);
  ports.vxlan_count = ports.tunnelOf(ports.vxlan[1]) ? 1 : 2;
  ports.geneve_count = ports.tunnelOf(ports.geneve[1]) ? 1 : 2;
  return ports;
}

void roundTrip(const DecapView& v, bool outer_ethernet) {
  // Two inputs have no encoding of ours: TTL 0 and a GRE key on Type I are refused by design.
  if (v.ttl == 0 || (v.type == ErspanType::kTypeI && v.gre_key)) return;
  auto tmpl = ovse::erspan::makeEncapTemplate(configFor(v, outer_ethernet));
  if (!tmpl) std::abort();
  ovse::erspan::PacketMeta meta;
  meta.sequence = v.gre_sequence.value_or(0);
  meta.timestamp = v.timestamp;
  if (ovse::erspan::upperTimestamp(v)) meta.timestamp |= std::uint64_t{v.platform_info2} << 32;
  // A decoded T bit is reproduced by saying the frame was cut before it reached the encoder.
  meta.original_length_bytes = static_cast<std::uint32_t>(v.frame.size() + (v.truncated ? 1 : 0));
  // A cut after encapsulation is reproduced by encoding the longer frame and cutting the result.
  std::vector<std::uint8_t> frame(v.frame.begin(), v.frame.end());
  frame.resize(frame.size() + v.cut_bytes);
  meta.original_length_bytes += v.cut_bytes;
  std::vector<std::uint8_t> out(tmpl->headerBytes() + frame.size());
  auto n = ovse::erspan::encapsulate(*tmpl, frame, meta, out);
  if (!n || *n != out.size()) std::abort();
  out.resize(out.size() - v.cut_bytes);
  auto again =
      outer_ethernet ? ovse::erspan::decapsulateFrame(out) : ovse::erspan::decapsulateIp(out);
  if (!again || !(*again == v)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  const auto check = [input](const DecapView& v, bool outer_ethernet) {
    if (v.tunnel == ovse::erspan::Tunnel::kGre) {
      roundTrip(v, outer_ethernet);
    } else {
      checkOverlay(v, input);
    }
  };
  if (auto v = ovse::erspan::decapsulateFrame(input)) check(*v, true);
  if (auto v = ovse::erspan::decapsulateIp(input)) check(*v, false);
  const auto ports = portsFrom(input);
  if (auto v = ovse::erspan::decapsulateFrame(input, ports)) check(*v, true);
  if (auto v = ovse::erspan::decapsulateIp(input, ports)) check(*v, false);
  (void)ovse::erspan::decapsulateGre(input);
  // The UDP layer alone, with a claimed length from the input (as an IP header would give it).
  if (size >= 2) {
    const std::size_t claimed = static_cast<std::size_t>(data[0] << 8 | data[1]);
    (void)ovse::erspan::decodeUdpTunnel(input.subspan(2), claimed, ports);
  }
  return 0;
}
