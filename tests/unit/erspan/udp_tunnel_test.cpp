// VXLAN and Geneve decapsulation: hand-written vectors after RFC 7348 §5 and RFC 8926 §3.4 over
// IPv4 and IPv6, one test per malformation's DecapError, configured ports, options skipped.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "erspan/bytes.h"
#include "erspan/decap.h"
#include "unit/erspan/hex.h"

namespace ovse::erspan {
namespace {

using test::fromHex;
using test::toHex;

// An inner Ethernet frame: 02:..:02 → 02:..:01, IPv4, 20 bytes of 0x5a.
std::vector<std::uint8_t> innerFrame(std::size_t body = 20) {
  auto f = fromHex("020000000002 020000000001 0800");
  f.resize(f.size() + body, 0x5a);
  return f;
}

// UDP (src 51234 → `port`) carrying `overlay_hex` then `inner`; lengths are honest.
std::vector<std::uint8_t> udp(std::uint16_t port, std::string_view overlay_hex,
                              const std::vector<std::uint8_t>& inner) {
  auto d = fromHex("c822 0000 0000 0000");
  storeBe16(d.data() + 2, port);
  const auto o = fromHex(overlay_hex);
  d.insert(d.end(), o.begin(), o.end());
  d.insert(d.end(), inner.begin(), inner.end());
  storeBe16(d.data() + 4, static_cast<std::uint16_t>(d.size()));
  return d;
}

std::vector<std::uint8_t> ipv4(const std::vector<std::uint8_t>& datagram) {
  auto p = fromHex("45000000 00004000 40110000 0a000105 0a630002");
  storeBe16(p.data() + 2, static_cast<std::uint16_t>(20 + datagram.size()));
  p.insert(p.end(), datagram.begin(), datagram.end());
  return p;
}

std::vector<std::uint8_t> ipv6(const std::vector<std::uint8_t>& datagram) {
  auto p = fromHex("60000000 0000 11 40 20010db8000000000000000000000005 20010db8000000000000000000000002");
  storeBe16(p.data() + 4, static_cast<std::uint16_t>(datagram.size()));
  p.insert(p.end(), datagram.begin(), datagram.end());
  return p;
}

std::vector<std::uint8_t> ethernet(const std::vector<std::uint8_t>& ip, std::uint16_t type) {
  auto f = fromHex("000000000001 000000000002 0000");
  storeBe16(f.data() + 12, type);
  f.insert(f.end(), ip.begin(), ip.end());
  return f;
}

DecapError ipError(const std::vector<std::uint8_t>& p,
                   const UdpTunnelPorts& ports = kDefaultUdpTunnelPorts) {
  auto v = decapsulateIp(p, ports);
  EXPECT_FALSE(v.has_value());
  return v ? DecapError::kCount : v.error();
}

constexpr std::string_view kVxlanVni123456 = "08000000 01e24000";  // I set, VNI 0x01e240

TEST(VxlanDecap, Ipv4FrameGivesVniPortsAndTheInnerFrame) {
  const auto inner = innerFrame();
  const auto f = ethernet(ipv4(udp(4789, kVxlanVni123456, inner)), 0x0800);
  auto v = decapsulateFrame(f);
  ASSERT_TRUE(v.has_value()) << errorName(v.error());
  EXPECT_EQ(v->tunnel, Tunnel::kVxlan);
  EXPECT_EQ(v->vni, 123456u);
  EXPECT_EQ(v->udp_src_port, 51234);
  EXPECT_EQ(v->udp_dst_port, 4789);
  EXPECT_EQ(v->ip_version, IpVersion::kV4);
  EXPECT_EQ(toHex(std::span(v->src_ip).first(4)), "0a000105");
  EXPECT_EQ(toHex(v->frame), toHex(inner));
  EXPECT_EQ(v->cut_bytes, 0u);
  EXPECT_FALSE(v->gre_sequence.has_value());
}

TEST(VxlanDecap, Ipv6Outer) {
  const auto inner = innerFrame(100);
  // The view points into the packet: it must outlive the view.
  const auto f = ethernet(ipv6(udp(4789, "08000000 ffffff00", inner)), 0x86dd);
  auto v = decapsulateFrame(f);
  ASSERT_TRUE(v.has_value()) << errorName(v.error());
  EXPECT_EQ(v->ip_version, IpVersion::kV6);
  EXPECT_EQ(v->vni, 0xFFFFFFu);
  EXPECT_EQ(toHex(v->src_ip), "20010db8000000000000000000000005");
  EXPECT_EQ(toHex(v->frame), toHex(inner));
}

TEST(VxlanDecap, ReservedBitsAreIgnoredOnReceipt) {
  // RFC 7348: reserved bits are ignored (VXLAN-GBP sets G and a group policy ID there).
  const auto p = ipv4(udp(4789, "88ffffff 00000aff", innerFrame()));
  auto v = decapsulateIp(p);
  ASSERT_TRUE(v.has_value()) << errorName(v.error());
  EXPECT_EQ(v->vni, 10u);
}

TEST(VxlanDecap, ConfiguredPortsReplaceTheDefaults) {
  UdpTunnelPorts ports;
  ports.vxlan = {8472, 4790};
  ports.vxlan_count = 2;
  ports.geneve_count = 0;
  const auto p = ipv4(udp(4790, kVxlanVni123456, innerFrame()));
  auto v = decapsulateIp(p, ports);
  ASSERT_TRUE(v.has_value()) << errorName(v.error());
  EXPECT_EQ(v->udp_dst_port, 4790);
  EXPECT_EQ(ipError(ipv4(udp(4789, kVxlanVni123456, innerFrame())), ports),
            DecapError::kNotTunnelPort);
  EXPECT_EQ(ipError(ipv4(udp(6081, "00006558 00000100", innerFrame())), ports),
            DecapError::kNotTunnelPort);
}

TEST(VxlanDecap, Jumbo9001ByteOuterPacketKeepsTheWholeFrame) {
  const auto inner = innerFrame(9001 - 20 - 8 - 8 - 14);
  const auto p = ipv4(udp(4789, kVxlanVni123456, inner));
  ASSERT_EQ(p.size(), 9001u);
  auto v = decapsulateIp(p);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->frame.size(), inner.size());
  EXPECT_TRUE(std::ranges::equal(v->frame, inner));
}

TEST(VxlanDecap, Malformed) {
  EXPECT_EQ(ipError(ipv4(udp(4789, "080000", {}))), DecapError::kTruncatedVxlan);
  EXPECT_EQ(ipError(ipv4(udp(4789, "00000000 01e24000", innerFrame()))), DecapError::kVxlanNoVni);
  EXPECT_EQ(ipError(ipv4(udp(4789, "f7ffffff 01e240ff", innerFrame()))), DecapError::kVxlanNoVni);
}

TEST(UdpDecap, LengthChecks) {
  auto p = ipv4(udp(4789, kVxlanVni123456, innerFrame()));
  EXPECT_EQ(ipError(std::vector(p.begin(), p.begin() + 27)), DecapError::kTruncatedUdp);
  auto bad = p;
  storeBe16(bad.data() + 20 + 4, 7);
  EXPECT_EQ(ipError(bad), DecapError::kBadUdpLength);
  bad = p;
  storeBe16(bad.data() + 20 + 4, static_cast<std::uint16_t>(p.size() - 20 + 1));
  EXPECT_EQ(ipError(bad), DecapError::kBadUdpLength);
  // A UDP length short of the IP payload: the bytes after it are not the frame.
  bad = p;
  storeBe16(bad.data() + 20 + 4, static_cast<std::uint16_t>(p.size() - 20 - 4));
  auto v = decapsulateIp(bad);
  ASSERT_TRUE(v.has_value()) << errorName(v.error());
  EXPECT_EQ(v->frame.size(), innerFrame().size() - 4);
  EXPECT_EQ(ipError(ipv6({1, 2, 3})), DecapError::kTruncatedUdp);
}

TEST(UdpDecap, CutAfterEncapsulationKeepsTheOriginalLength) {
  // OVS's snaplen on a tunnel port, or a capture's snap length: the lengths count the whole.
  auto p = ipv4(udp(4789, kVxlanVni123456, innerFrame(200)));
  p.resize(p.size() - 150);
  auto v = decapsulateIp(p);
  ASSERT_TRUE(v.has_value()) << errorName(v.error());
  EXPECT_EQ(v->cut_bytes, 150u);
  EXPECT_EQ(v->frame.size() + v->cut_bytes, innerFrame(200).size());
  auto six = ipv6(udp(4789, kVxlanVni123456, innerFrame(200)));
  six.resize(six.size() - 10);
  v = decapsulateIp(six);
  ASSERT_TRUE(v.has_value()) << errorName(v.error());
  EXPECT_EQ(v->cut_bytes, 10u);
}

TEST(GeneveDecap, OptionsAreSkippedAndCounted) {
  // Opt Len 3 (12 bytes): one option class 0x0102 type 0x80 (critical) len 2 words; C set.
  const auto inner = innerFrame();
  const auto f = ethernet(
      ipv4(udp(6081, "03406558 00002a00 01028002 11111111 22222222", inner)), 0x0800);
  auto v = decapsulateFrame(f);
  ASSERT_TRUE(v.has_value()) << errorName(v.error());
  EXPECT_EQ(v->tunnel, Tunnel::kGeneve);
  EXPECT_EQ(v->vni, 42u);
  EXPECT_EQ(v->geneve_options_bytes, 12);
  EXPECT_TRUE(v->geneve_critical);
  EXPECT_EQ(toHex(v->frame), toHex(inner));
}

TEST(GeneveDecap, NoOptionsOverIpv6) {
  const auto inner = innerFrame();
  const auto p = ipv6(udp(6081, "00006558 00000100", inner));
  auto v = decapsulateIp(p);
  ASSERT_TRUE(v.has_value()) << errorName(v.error());
  EXPECT_EQ(v->vni, 1u);
  EXPECT_EQ(v->geneve_options_bytes, 0);
  EXPECT_FALSE(v->geneve_critical);
  EXPECT_EQ(toHex(v->frame), toHex(inner));
}

TEST(GeneveDecap, Malformed) {
  EXPECT_EQ(ipError(ipv4(udp(6081, "00006558 0000", {}))), DecapError::kTruncatedGeneve);
  EXPECT_EQ(ipError(ipv4(udp(6081, "02006558 00000100 00000000", {}))),
            DecapError::kTruncatedGeneveOptions);
  EXPECT_EQ(ipError(ipv4(udp(6081, "40006558 00000100", innerFrame()))),
            DecapError::kGeneveVersion);
  EXPECT_EQ(ipError(ipv4(udp(6081, "00806558 00000100", innerFrame()))),
            DecapError::kGeneveControl);
  // IPv4 payload (0x0800), as OVN's or a router's Geneve may carry: not an Ethernet frame.
  EXPECT_EQ(ipError(ipv4(udp(6081, "00000800 00000100", innerFrame()))),
            DecapError::kGeneveNotEthernet);
}

// Cut at every length: an error each time, never an accepted view or a read past the end.
TEST(UdpTunnelDecap, EveryTruncationIsAnError) {
  for (const auto& overlay : {std::pair<std::uint16_t, std::string_view>{4789, kVxlanVni123456},
                              {6081, "02406558 00000100 01028001 11111111"}}) {
    const auto p = ipv4(udp(overlay.first, overlay.second, {}));
    ASSERT_TRUE(decapsulateIp(p).has_value());
    for (std::size_t n = 0; n < p.size(); ++n) {
      std::vector<std::uint8_t> cut(p.begin(), p.begin() + static_cast<long>(n));
      if (n >= 4) storeBe16(cut.data() + 2, static_cast<std::uint16_t>(n));
      if (n >= 26) storeBe16(cut.data() + 24, static_cast<std::uint16_t>(n - 20));
      EXPECT_FALSE(decapsulateIp(cut).has_value()) << overlay.first << " " << n;
    }
  }
}

TEST(DecapErrorNames, EveryReasonHasItsOwnName) {
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < kDecapErrorCount; ++i) {
    const auto name = errorName(static_cast<DecapError>(i));
    EXPECT_NE(name, "unknown decap error") << i;
    names.insert(name);
  }
  EXPECT_EQ(names.size(), kDecapErrorCount);
}

}  // namespace
}  // namespace ovse::erspan
