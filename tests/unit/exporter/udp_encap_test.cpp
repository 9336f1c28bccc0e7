// VXLAN and Geneve encapsulation: header bytes as RFC 7348 / RFC 8926 draw them, UDP lengths and
// checksums checked by an independent sum, the flow-hash source port (stable per flow, spread
// across flows), the rules a UDP tunnel config is held to, and the pipeline's direction handling.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <vector>

#include "erspan/bytes.h"
#include "erspan/encap.h"
#include "erspan/flow_hash.h"
#include "unit/erspan/hex.h"

namespace ovse::erspan {
namespace {

using test::toHex;

EncapConfig udpConfig(Tunnel tunnel, IpVersion version, std::uint32_t vni) {
  EncapConfig c;
  c.tunnel = tunnel;
  c.gre_seq_present = false;
  c.vni = vni;
  c.ip_version = version;
  if (version == IpVersion::kV4) {
    c.src_ip = {10, 0, 0, 1};
    c.dst_ip = {10, 0, 0, 2};
  } else {
    c.src_ip = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    c.dst_ip = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
  }
  return c;
}

// An Ethernet/IPv4/TCP frame of `size` bytes from port `sport` to 80.
std::vector<std::uint8_t> tcpFrame(std::uint16_t sport, std::size_t size = 100) {
  std::vector<std::uint8_t> f(size);
  for (std::size_t i = 0; i < size; ++i) f[i] = static_cast<std::uint8_t>(i * 13 + 5);
  storeBe16(f.data() + 12, kEtherTypeIpv4);
  f[14] = 0x45;
  storeBe16(f.data() + 14 + 6, 0);  // not a fragment
  f[14 + 9] = 6;
  storeBe16(f.data() + 34, sport);
  storeBe16(f.data() + 36, 80);
  return f;
}

std::vector<std::uint8_t> encode(const EncapConfig& c, std::span<const std::uint8_t> frame) {
  auto tmpl = makeEncapTemplate(c);
  EXPECT_TRUE(tmpl.has_value()) << (tmpl ? "" : errorName(tmpl.error().code));
  if (!tmpl) return {};
  std::vector<std::uint8_t> out(tmpl->headerBytes() + frame.size());
  auto n = encapsulate(*tmpl, frame, {}, out);
  EXPECT_TRUE(n.has_value());
  out.resize(n ? *n : 0);
  return out;
}

// The UDP checksum as RFC 768 / RFC 8200 §8.1 define it, written out word by word, over the
// pseudo-header and the whole UDP datagram (its checksum field included): 0 when it is right.
std::uint16_t udpChecksumResidue(const std::vector<std::uint8_t>& packet, bool v6) {
  const std::size_t ip_bytes = v6 ? 40 : 20;
  std::vector<std::uint8_t> pseudo;
  const std::size_t addr_at = v6 ? 8 : 12;
  const std::size_t addr_bytes = v6 ? 32 : 8;
  pseudo.insert(pseudo.end(), packet.begin() + addr_at, packet.begin() + addr_at + addr_bytes);
  const std::size_t udp_len = packet.size() - ip_bytes;
  pseudo.push_back(0);
  pseudo.push_back(17);
  pseudo.push_back(static_cast<std::uint8_t>(udp_len >> 8));
  pseudo.push_back(static_cast<std::uint8_t>(udp_len));
  pseudo.insert(pseudo.end(), packet.begin() + ip_bytes, packet.end());
  if (pseudo.size() % 2) pseudo.push_back(0);
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < pseudo.size(); i += 2) sum += (pseudo[i] << 8) | pseudo[i + 1];
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xFFFF);
}

TEST(VxlanEncap, WritesIpv4UdpAndVxlanHeaders) {
  const auto frame = tcpFrame(1234);
  const auto p = encode(udpConfig(Tunnel::kVxlan, IpVersion::kV4, 0x123456), frame);
  ASSERT_EQ(p.size(), 20u + 8 + 8 + frame.size());
  EXPECT_EQ(p[9], 17);                                   // IPv4 protocol UDP
  EXPECT_EQ(loadBe16(p.data() + 2), p.size());           // total length
  EXPECT_EQ(loadBe16(p.data() + 6), kIpv4FlagDf);        // DF, never a fragment
  EXPECT_EQ(finishChecksum(onesComplementSum({p.data(), 20})), 0);  // header checksum holds
  const std::uint16_t sport = loadBe16(p.data() + 20);
  EXPECT_GE(sport, 49152);
  EXPECT_EQ(sport, udpSourcePort(frame));
  // Destination 4789, length 8 + 8 + frame, checksum 0 (RFC 7348 §5 over IPv4), then
  // flags I, reserved, VNI 0x123456, reserved.
  EXPECT_EQ(toHex({p.data() + 22, 14}), "12b5" "0074" "0000" "08000000" "12345600");
  EXPECT_EQ(toHex({p.data() + 36, frame.size()}), toHex(frame));
}

TEST(GeneveEncap, WritesIpv6HeadersWithAValidUdpChecksum) {
  const auto frame = tcpFrame(999, 101);  // odd length: the last byte is padded in the sum
  const auto p = encode(udpConfig(Tunnel::kGeneve, IpVersion::kV6, 0xABCDEF), frame);
  ASSERT_EQ(p.size(), 40u + 8 + 8 + frame.size());
  EXPECT_EQ(p[6], 17);                                   // next header UDP
  EXPECT_EQ(loadBe16(p.data() + 4), 8 + 8 + frame.size());  // payload length
  EXPECT_EQ(loadBe16(p.data() + 42), kGeneveUdpPort);
  EXPECT_EQ(loadBe16(p.data() + 44), 8 + 8 + frame.size());
  EXPECT_NE(loadBe16(p.data() + 46), 0);
  EXPECT_EQ(udpChecksumResidue(p, true), 0);
  // Version 0, no options, O=C=0, protocol Transparent Ethernet Bridging, VNI 0xABCDEF.
  EXPECT_EQ(toHex({p.data() + 48, 8}), "00006558" "abcdef00");
}

TEST(VxlanEncap, Ipv6ChecksumHoldsForManyFramesAndPortsInPlace) {
  EncapConfig c = udpConfig(Tunnel::kVxlan, IpVersion::kV6, 7);
  c.udp_dst_port = 8472;
  auto tmpl = makeEncapTemplate(c);
  ASSERT_TRUE(tmpl);
  for (std::uint16_t sport = 1; sport < 400; sport += 7) {
    const auto frame = tcpFrame(sport, 60 + sport % 61);
    std::vector<std::uint8_t> packet(tmpl->headerBytes() + frame.size());
    std::copy(frame.begin(), frame.end(), packet.begin() + tmpl->headerBytes());
    auto n = encapsulateInPlace(*tmpl, packet, frame.size(), {});
    ASSERT_TRUE(n);
    EXPECT_EQ(loadBe16(packet.data() + 42), 8472);
    EXPECT_EQ(udpChecksumResidue(packet, true), 0) << "sport " << sport;
  }
}

TEST(VxlanEncap, CutsToThePathMtuAndCountsTheCutInTheLengths) {
  EncapConfig c = udpConfig(Tunnel::kVxlan, IpVersion::kV6, 1);
  c.path_mtu_bytes = 1500;
  auto tmpl = makeEncapTemplate(c);
  ASSERT_TRUE(tmpl);
  EXPECT_EQ(tmpl->maxFrameBytes(), 1500u - 40 - 8 - 8);
  const auto frame = tcpFrame(5, 1514);
  std::vector<std::uint8_t> out(2000);
  auto n = encapsulate(*tmpl, frame, {}, out);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 1500u);
  out.resize(*n);
  EXPECT_EQ(loadBe16(out.data() + 4), 1460);
  EXPECT_EQ(loadBe16(out.data() + 44), 1460);
  EXPECT_EQ(udpChecksumResidue(out, true), 0);
}

TEST(VxlanEncap, OuterEthernetComesFirst) {
  EncapConfig c = udpConfig(Tunnel::kVxlan, IpVersion::kV4, 1);
  c.outer_ethernet = true;
  const auto p = encode(c, tcpFrame(1));
  ASSERT_GT(p.size(), 14u + 20);
  EXPECT_EQ(loadBe16(p.data() + 12), kEtherTypeIpv4);
  EXPECT_EQ(p[14 + 9], 17);
  EXPECT_EQ(loadBe16(p.data() + 14 + 22), kVxlanUdpPort);
}

TEST(UdpTunnelConfig, RefusesWhatTheTunnelDoesNotCarry) {
  EncapConfig c = udpConfig(Tunnel::kVxlan, IpVersion::kV4, kVniMax + 1);
  EXPECT_EQ(makeEncapTemplate(c).error(), (ConfigError{EncodeError::kVniOutOfRange, kVniMax + 1}));
  c.vni = kVniMax;
  EXPECT_TRUE(makeEncapTemplate(c));
  c.gre_seq_present = true;  // the EncapConfig default, meaningful for GRE only
  EXPECT_EQ(makeEncapTemplate(c).error().code, EncodeError::kGreFieldOnUdpTunnel);
  c.gre_seq_present = false;
  c.session_id = 5;
  EXPECT_EQ(makeEncapTemplate(c).error(),
            (ConfigError{EncodeError::kErspanFieldOnUdpTunnel, 5}));
  c.session_id = 0;
  c.tag_source = TagSource::kExplicit;
  EXPECT_EQ(makeEncapTemplate(c).error().code, EncodeError::kErspanFieldOnUdpTunnel);

  EncapConfig gre;  // ERSPAN II
  gre.vni = 9;
  EXPECT_EQ(makeEncapTemplate(gre).error(), (ConfigError{EncodeError::kUdpFieldOnGre, 9}));
  gre.vni = 0;
  gre.udp_dst_port = 4789;
  EXPECT_EQ(makeEncapTemplate(gre).error(), (ConfigError{EncodeError::kUdpFieldOnGre, 4789}));
}

TEST(UdpTunnelConfig, OuterProtocolFollowsTheTunnel) {
  EXPECT_EQ(outerIpProtocol(EncapConfig{}), kIpProtoGre);
  EXPECT_EQ(outerIpProtocol(udpConfig(Tunnel::kVxlan, IpVersion::kV4, 1)), kIpProtoUdp);
  EXPECT_EQ(outerIpProtocol(udpConfig(Tunnel::kGeneve, IpVersion::kV6, 1)), kIpProtoUdp);
}

TEST(FlowHash, OneFlowKeepsOnePortWhateverItsPayload) {
  auto a = tcpFrame(40000, 100);
  auto b = tcpFrame(40000, 1400);
  b[80] ^= 0xFF;  // other payload bytes, other length: same flow
  EXPECT_EQ(udpSourcePort(a), udpSourcePort(b));
  EXPECT_EQ(flowHash(a), flowHash(b));
  auto c = tcpFrame(40001, 100);
  EXPECT_NE(flowHash(a), flowHash(c));
}

TEST(FlowHash, SpreadsFlowsEvenlyOverThePortRange) {
  // 4096 flows differing only in the TCP source port, counted into 16 port buckets: each should
  // hold 256; a chi-square above 45 (15 degrees of freedom, p < 0.0001) would mean clustering.
  constexpr int kFlows = 4096;
  constexpr int kBuckets = 16;
  std::map<int, int> counts;
  std::set<std::uint16_t> ports;
  for (int i = 0; i < kFlows; ++i) {
    const std::uint16_t port = udpSourcePort(tcpFrame(static_cast<std::uint16_t>(1024 + i)));
    ASSERT_GE(port, kUdpSourcePortMin);
    ports.insert(port);
    ++counts[(port - kUdpSourcePortMin) * kBuckets / static_cast<int>(kUdpSourcePortCount)];
  }
  double chi2 = 0;
  const double expected = double{kFlows} / kBuckets;
  for (int b = 0; b < kBuckets; ++b) chi2 += (counts[b] - expected) * (counts[b] - expected) / expected;
  EXPECT_LT(chi2, 45.0);
  EXPECT_GT(ports.size(), 3500u);  // 4096 flows into 16384 ports: ~3600 distinct expected
}

TEST(FlowHash, ReadsNothingPastShortOrOddFrames) {
  // Every prefix of a tagged IPv6/UDP frame hashes without reading past its end (ASan checks).
  std::vector<std::uint8_t> f(80, 0x11);
  storeBe16(f.data() + 12, kEtherTypeVlan);
  storeBe16(f.data() + 16, kEtherTypeIpv6);
  f[18 + 6] = 17;
  for (std::size_t n = 0; n <= f.size(); ++n) {
    std::vector<std::uint8_t> prefix(f.begin(), f.begin() + static_cast<std::ptrdiff_t>(n));
    (void)flowHash(prefix);
  }
  // The VLAN tag is looked through: the ports count.
  auto g = f;
  g[18 + 40] ^= 1;
  EXPECT_NE(flowHash(f), flowHash(g));
}

}  // namespace
}  // namespace ovse::erspan
