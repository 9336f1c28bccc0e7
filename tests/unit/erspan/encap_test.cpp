// Known-answer and validation tests of the ERSPAN/GRE encapsulator: bytes from ERSPAN-NOTES §1.6,
// whole frames from Open vSwitch's system-traffic.at, every config error, truncation and BSO.
#include "erspan/encap.h"

#include <gtest/gtest.h>

#include <vector>

#include "erspan/bytes.h"
#include "erspan/decap.h"
#include "erspan/gre.h"
#include "unit/erspan/hex.h"

namespace ovse::erspan {
namespace {

using test::fromHex;
using test::toHex;

EncapConfig ipv4Config(ErspanType type) {
  EncapConfig c;
  c.type = type;
  c.src_ip = {1, 1, 2, 88};
  c.dst_ip = {1, 1, 2, 92};
  if (type == ErspanType::kTypeI) c.gre_seq_present = false;
  return c;
}

// An untagged Ethernet frame of `size` bytes with a recognisable pattern.
std::vector<std::uint8_t> untaggedFrame(std::size_t size) {
  std::vector<std::uint8_t> f(size);
  for (std::size_t i = 0; i < size; ++i) f[i] = static_cast<std::uint8_t>(i * 7 + 1);
  if (size >= 14) storeBe16(f.data() + 12, kEtherTypeIpv4);
  return f;
}

std::vector<std::uint8_t> taggedFrame(std::size_t size, std::uint16_t tci) {
  std::vector<std::uint8_t> f = untaggedFrame(size);
  storeBe16(f.data() + 12, kEtherTypeVlan);
  storeBe16(f.data() + 14, tci);
  storeBe16(f.data() + 16, kEtherTypeIpv4);
  return f;
}

std::vector<std::uint8_t> encode(const EncapConfig& c, std::span<const std::uint8_t> frame,
                                 const PacketMeta& meta = {}) {
  auto tmpl = makeEncapTemplate(c);
  EXPECT_TRUE(tmpl.has_value());
  if (!tmpl) return {};
  std::vector<std::uint8_t> out(tmpl->headerBytes() + frame.size());
  auto n = encapsulate(*tmpl, frame, meta, out);
  EXPECT_TRUE(n.has_value());
  if (!n) return {};
  out.resize(*n);
  return out;
}

// Bytes between the outer IPv4 header (no outer Ethernet) and the mirrored frame.
std::string greAndErspanHex(const std::vector<std::uint8_t>& packet, std::size_t frame_bytes) {
  const std::span<const std::uint8_t> all(packet);
  return toHex(all.subspan(kIpv4HeaderBytes, packet.size() - kIpv4HeaderBytes - frame_bytes));
}

bool ipv4ChecksumValid(std::span<const std::uint8_t> ip) {
  return finishChecksum(onesComplementSum(ip.first(kIpv4HeaderBytes))) == 0;
}

TEST(ErspanEncap, TypeIIMatchesNotesExample) {
  EncapConfig c = ipv4Config(ErspanType::kTypeII);
  c.session_id = 123;
  c.index = 3;
  const auto frame = untaggedFrame(64);
  const auto packet = encode(c, frame);
  EXPECT_EQ(greAndErspanHex(packet, 64), "100088be000000001000007b00000003");
  EXPECT_EQ(packet.size(), 20u + 16 + 64);
  EXPECT_EQ(toHex(std::span(packet).first(10)), "4500006400004000402f");
  EXPECT_TRUE(ipv4ChecksumValid(packet));
  EXPECT_EQ(toHex(std::span(packet).subspan(12, 8)), "010102580101025c");
}

TEST(ErspanEncap, TypeIITaggedFrameUsesKernelEn3) {
  EncapConfig c = ipv4Config(ErspanType::kTypeII);
  c.session_id = 123;
  c.index = 3;
  const auto frame = taggedFrame(68, (5 << 13) | 100);
  const auto packet = encode(c, frame, PacketMeta{.sequence = 1});
  EXPECT_EQ(greAndErspanHex(packet, 68), "100088be000000011064b87b00000003");
}

TEST(ErspanEncap, TypeIIIMatchesNotesExample) {
  EncapConfig c = ipv4Config(ErspanType::kTypeIII);
  c.session_id = 567;
  c.hw_id = 7;
  c.direction = 1;
  const auto frame = untaggedFrame(64);
  const auto packet = encode(c, frame, PacketMeta{.timestamp = 0x10abcd01});
  EXPECT_EQ(greAndErspanHex(packet, 64), "100022eb000000002000023710abcd0100008078");
}

TEST(ErspanEncap, TypeIIIPlatformSubheaderCarriesUpperTimestamp) {
  EncapConfig c = ipv4Config(ErspanType::kTypeIII);
  c.session_id = 567;
  c.hw_id = 7;
  c.gra = static_cast<std::uint8_t>(Granularity::kIeee1588);
  c.p = false;
  c.platform_subheader = true;
  c.platform_id = 3;
  c.platform_info1 = 0x1234;
  const auto frame = untaggedFrame(64);
  const auto packet = encode(c, frame, PacketMeta{.timestamp = 0x5f5e10003b9aca00});
  EXPECT_EQ(greAndErspanHex(packet, 64),
            "100022eb00000000200002373b9aca00000000750c0012345f5e1000");
}

TEST(ErspanEncap, TypeIAndGreTebHeaders) {
  const auto frame = untaggedFrame(64);
  EXPECT_EQ(greAndErspanHex(encode(ipv4Config(ErspanType::kTypeI), frame), 64), "000088be");
  EncapConfig teb = ipv4Config(ErspanType::kGreTeb);
  teb.gre_key_present = true;
  teb.gre_key = 0xdeadbeef;
  EXPECT_EQ(greAndErspanHex(encode(teb, frame, PacketMeta{.sequence = 9}), 64),
            "30006558deadbeef00000009");
  teb.gre_key_present = false;
  teb.gre_seq_present = false;
  EXPECT_EQ(greAndErspanHex(encode(teb, frame), 64), "00006558");
}

// system-traffic.at "ping over erspan v1 tunnel by simulated packets", IPv4 ICMP frame: OVS's own
// bytes, with valid outer length and checksum. We re-create them whole, outer Ethernet included.
TEST(ErspanEncap, ReproducesOvsSystemTrafficTypeIIFrame) {
  const auto expected = fromHex(
      "f2ff00000002f2ff0000000308004500008e70cb4000402f6ed2ac1f0101ac1f0164100088be00000005"
      "1000000100000007f2ff00000001f2ff0000000408004500005c4a3340004001da070a0101010a010164"
      "080084f238fb0001f36a6b5b0000000021870e0000000000101112131415161718191a1b1c1d1e1f2021"
      "22232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f");
  EncapConfig c = ipv4Config(ErspanType::kTypeII);
  c.outer_ethernet = true;
  c.dst_mac = {0xf2, 0xff, 0, 0, 0, 2};
  c.src_mac = {0xf2, 0xff, 0, 0, 0, 3};
  c.src_ip = {172, 31, 1, 1};
  c.dst_ip = {172, 31, 1, 100};
  c.ip_id = 0x70cb;
  c.session_id = 1;
  c.index = 7;
  const std::span<const std::uint8_t> frame = std::span(expected).subspan(14 + 20 + 16);
  EXPECT_EQ(toHex(encode(c, frame, PacketMeta{.sequence = 5})), toHex(expected));
}

// system-traffic.at "ping over ip6erspan v1 tunnel", ARP frame, flow label 0x08531.
TEST(ErspanEncap, ReproducesOvsSystemTrafficIpv6TypeIIFrame) {
  const auto expected = fromHex(
      "f2ff00000002f2ff0000000386dd60008531003a2f40fc000100000000000000000000000001fc0001"
      "00000000000000000000000100100088be000000051000007b00000007fffffffffffff2ff0000000408"
      "060001080006040001f2ff000000040a0101010000000000000a010164");
  EncapConfig c;
  c.type = ErspanType::kTypeII;
  c.ip_version = IpVersion::kV6;
  c.outer_ethernet = true;
  c.dst_mac = {0xf2, 0xff, 0, 0, 0, 2};
  c.src_mac = {0xf2, 0xff, 0, 0, 0, 3};
  c.src_ip = {0xfc, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};  // fc00:100::1
  c.dst_ip = {0xfc, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0};  // fc00:100::100
  c.flow_label = 0x08531;
  c.session_id = 123;
  c.index = 7;
  const std::span<const std::uint8_t> frame = std::span(expected).subspan(14 + 40 + 16);
  EXPECT_EQ(toHex(encode(c, frame, PacketMeta{.sequence = 5})), toHex(expected));
}

// OVS tnl_push header sizes: 50/54 (IPv4) and 70/74 (IPv6) including the outer Ethernet header.
TEST(ErspanEncap, HeaderSizesMatchOvs) {
  for (auto [type, v, size] : {std::tuple{ErspanType::kTypeII, IpVersion::kV4, 50u},
                               std::tuple{ErspanType::kTypeIII, IpVersion::kV4, 54u},
                               std::tuple{ErspanType::kTypeII, IpVersion::kV6, 70u},
                               std::tuple{ErspanType::kTypeIII, IpVersion::kV6, 74u},
                               std::tuple{ErspanType::kTypeI, IpVersion::kV4, 38u}}) {
    EncapConfig c = ipv4Config(type);
    c.ip_version = v;
    c.outer_ethernet = true;
    auto t = makeEncapTemplate(c);
    ASSERT_TRUE(t.has_value());
    EXPECT_EQ(t->headerBytes(), size);
  }
}

TEST(ErspanEncap, InPlaceMatchesCopy) {
  EncapConfig c = ipv4Config(ErspanType::kTypeIII);
  c.session_id = 5;
  c.snap_len_bytes = 80;
  auto t = makeEncapTemplate(c);
  ASSERT_TRUE(t.has_value());
  const auto frame = taggedFrame(128, 0x2005);
  const PacketMeta meta{.sequence = 77, .timestamp = 0x123456789};
  const auto copied = encode(c, frame, meta);
  std::vector<std::uint8_t> packet(t->headerBytes() + frame.size());
  std::copy(frame.begin(), frame.end(), packet.begin() + static_cast<long>(t->headerBytes()));
  auto n = encapsulateInPlace(*t, packet, frame.size(), meta);
  ASSERT_TRUE(n.has_value());
  packet.resize(*n);
  EXPECT_EQ(toHex(packet), toHex(copied));
}

TEST(ErspanEncap, RejectsSmallOutput) {
  auto t = makeEncapTemplate(ipv4Config(ErspanType::kTypeII));
  ASSERT_TRUE(t.has_value());
  const auto frame = untaggedFrame(64);
  std::vector<std::uint8_t> out(t->headerBytes() + 63);
  auto n = encapsulate(*t, frame, {}, out);
  ASSERT_FALSE(n.has_value());
  EXPECT_EQ(n.error(), EncodeError::kOutputTooSmall);
  EXPECT_FALSE(encapsulateInPlace(*t, out, 64, {}).has_value());
  EXPECT_FALSE(encapsulateInPlace(*t, std::span(out).first(10), 0, {}).has_value());
}

}  // namespace
}  // namespace ovse::erspan
