// Decapsulation known answers (ERSPAN-NOTES §1.6, Open vSwitch test vectors) and one test per
// malformation, each expecting its own DecapError.
#include "erspan/decap.h"

#include <gtest/gtest.h>

#include <deque>
#include <vector>

#include "erspan/bytes.h"
#include "unit/erspan/hex.h"

namespace ovse::erspan {
namespace {

using test::fromHex;
using test::toHex;

// 20-byte IPv4 header (proto 47, DF) whose total length covers `payload_bytes`.
std::vector<std::uint8_t> ipv4Header(std::size_t payload_bytes) {
  auto h = fromHex("45000000 00004000 402f0000 01010258 0101025c");
  storeBe16(h.data() + 2, static_cast<std::uint16_t>(20 + payload_bytes));
  return h;
}

// IPv4 packet = header + GRE/ERSPAN bytes (hex) + an inner frame of `inner_bytes`.
std::vector<std::uint8_t> ipv4Packet(std::string_view gre_hex, std::size_t inner_bytes = 64) {
  auto body = fromHex(gre_hex);
  for (std::size_t i = 0; i < inner_bytes; ++i) body.push_back(static_cast<std::uint8_t>(i));
  auto p = ipv4Header(body.size());
  p.insert(p.end(), body.begin(), body.end());
  return p;
}

// Keeps test packets alive for the whole run so views into them stay valid.
std::span<const std::uint8_t> keep(std::vector<std::uint8_t> packet) {
  static std::deque<std::vector<std::uint8_t>> arena;
  return arena.emplace_back(std::move(packet));
}

DecapView mustDecodeIp(std::span<const std::uint8_t> p) {
  auto v = decapsulateIp(p);
  EXPECT_TRUE(v.has_value()) << errorName(v.error());
  return v.value_or(DecapView{});
}

TEST(ErspanDecap, TypeINotesExample) {
  const DecapView v = mustDecodeIp(keep(ipv4Packet("000088be")));
  EXPECT_EQ(v.type, ErspanType::kTypeI);
  EXPECT_FALSE(v.gre_sequence.has_value());
  EXPECT_EQ(v.frame.size(), 64u);
  EXPECT_EQ(v.frame[1], 1);
  EXPECT_EQ(toHex(std::span(v.src_ip).first(4)), "01010258");
  EXPECT_EQ(toHex(std::span(v.dst_ip).first(4)), "0101025c");
  EXPECT_EQ(v.ttl, 64);
}

TEST(ErspanDecap, TypeIINotesExamples) {
  DecapView v = mustDecodeIp(keep(ipv4Packet("100088be 00000000 1000007b 00000003")));
  EXPECT_EQ(v.type, ErspanType::kTypeII);
  EXPECT_EQ(v.gre_sequence, 0u);
  EXPECT_EQ(v.session_id, 123);
  EXPECT_EQ(v.index, 3u);
  EXPECT_EQ(v.frame.size(), 64u);
  v = mustDecodeIp(keep(ipv4Packet("10 00 88 be 00 00 00 01 | 10 64 b8 7b 00 00 00 03")));
  EXPECT_EQ(v.gre_sequence, 1u);
  EXPECT_EQ(v.vlan, 100);
  EXPECT_EQ(v.cos, 5);
  EXPECT_EQ(v.en, 3);
  EXPECT_FALSE(v.truncated);
  v = mustDecodeIp(keep(ipv4Packet("100088be 00000000 1000047b 00000003")));
  EXPECT_TRUE(v.truncated);
}

TEST(ErspanDecap, TypeIIINotesExamples) {
  DecapView v = mustDecodeIp(keep(ipv4Packet("100022eb 00000000 20000237 10abcd01 00008078")));
  EXPECT_EQ(v.type, ErspanType::kTypeIII);
  EXPECT_EQ(v.session_id, 567);
  EXPECT_EQ(v.timestamp, 0x10abcd01u);
  EXPECT_EQ(v.sgt, 0);
  EXPECT_TRUE(v.p);
  EXPECT_EQ(v.ft, 0);
  EXPECT_EQ(v.hw_id, 7);
  EXPECT_EQ(v.direction, 1);
  EXPECT_EQ(v.gra, 0);
  EXPECT_FALSE(v.has_platform_subheader);
  EXPECT_EQ(v.frame.size(), 64u);
  v = mustDecodeIp(
      keep(ipv4Packet("100022eb 00000000 20000237 3b9aca00 00000075 0c001234 5f5e1000")));
  EXPECT_EQ(v.hw_id, 7);
  EXPECT_EQ(v.direction, 0);
  EXPECT_EQ(v.gra, 2);
  EXPECT_TRUE(v.has_platform_subheader);
  EXPECT_EQ(v.platform_id, 3);
  EXPECT_EQ(platformPortIndex(v), 0x1234u);
  EXPECT_EQ(upperTimestamp(v), 0x5f5e1000u);
  EXPECT_EQ(v.frame.size(), 64u);  // the 8 sub-header bytes are skipped
  EXPECT_EQ(v.frame[0], 0);
}

TEST(ErspanDecap, TypeIIIWithoutGreSequence) {
  const DecapView v = mustDecodeIp(keep(ipv4Packet("000022eb 20000237 10abcd01 00008078")));
  EXPECT_EQ(v.type, ErspanType::kTypeIII);
  EXPECT_FALSE(v.gre_sequence.has_value());
  EXPECT_EQ(v.session_id, 567);
  EXPECT_EQ(v.frame.size(), 64u);
}

TEST(ErspanDecap, FrameTypeNotEthernetIsExposed) {
  // FT=2 (IP): 0x0800 | flags.
  const DecapView v =
      mustDecodeIp(keep(ipv4Packet("100022eb 00000000 20000237 00000000 00000870")));
  EXPECT_EQ(v.ft, 2);
  EXPECT_FALSE(v.p);
  EXPECT_EQ(v.hw_id, 7);
}

TEST(ErspanDecap, GreTebWithKeyAndSequence) {
  const DecapView v = mustDecodeIp(keep(ipv4Packet("30006558 deadbeef 00000009")));
  EXPECT_EQ(v.type, ErspanType::kGreTeb);
  EXPECT_EQ(v.gre_key, 0xdeadbeefu);
  EXPECT_EQ(v.gre_sequence, 9u);
  EXPECT_EQ(v.frame.size(), 64u);
}

TEST(ErspanDecap, GreChecksumFieldIsSkipped) {
  const DecapView v = mustDecodeIp(keep(ipv4Packet("b0006558 12340000 00000001 00000002")));
  EXPECT_EQ(v.gre_key, 1u);
  EXPECT_EQ(v.gre_sequence, 2u);
  EXPECT_EQ(v.frame.size(), 64u);
}

// tunnel-push-pop.at "Check decapsulation of ERSPAN v1": outer total length 126 < bytes present.
TEST(ErspanDecap, OvsTunnelPushPopTypeIITrimsToTotalLength) {
  const auto frame = fromHex(
      "aa55aa550000001b213cab6408004500007e79464000402fba550101025c01010258100088be000000011000"
      "007b00000003fe71d883724fbeb6f4e1494a080045000054ba200000400184861e0000011e0000020000422"
      "7e75400030af3195500000000f265010000000000101112131415161718191a1b1c1d1e1f20212223242526"
      "2728292a2b2c2d2e2f3031323334353637");
  auto v = decapsulateFrame(frame);
  ASSERT_TRUE(v.has_value()) << errorName(v.error());
  EXPECT_EQ(v->type, ErspanType::kTypeII);
  EXPECT_EQ(v->session_id, 0x7b);
  EXPECT_EQ(v->index, 3u);
  EXPECT_EQ(v->gre_sequence, 1u);
  EXPECT_EQ(v->frame.size(), 126u - 20 - 16);
  EXPECT_EQ(toHex(v->frame.first(6)), "fe71d883724f");
}

TEST(ErspanDecap, OvsTunnelPushPopTypeIII) {
  const auto frame = fromHex(
      "aa55aa550000001b213cab6408004500007e79464000402fba550101025c01010258100022eb000000012000"
      "023710abcd0100000078fe71d883724fbeb6f4e1494a080045000054ba200000400184861e0000011e00000"
      "200004227e75400030af3195500000000f265010000000000101112131415161718191a1b1c1d1e1f202122"
      "232425262728292a2b2c2d2e2f3031323334353637");
  auto v = decapsulateFrame(frame);
  ASSERT_TRUE(v.has_value()) << errorName(v.error());
  EXPECT_EQ(v->type, ErspanType::kTypeIII);
  EXPECT_EQ(v->session_id, 0x237);
  EXPECT_EQ(v->hw_id, 7);
  EXPECT_EQ(v->direction, 1);
  EXPECT_FALSE(v->p);
  EXPECT_EQ(v->timestamp, 0x10abcd01u);
}

// system-traffic.at "ping over erspan v2": a Type III header under GRE 0x88BE (dispatch on Ver).
TEST(ErspanDecap, OvsTypeIIIUnder88be) {
  const auto frame = fromHex(
      "f2ff00000002f2ff0000000308004500009287e14000402f57b8ac1f0101ac1f0164100088be0000000520"
      "000001144cd5a400008078f2ff00000001f2ff0000000408004500005c38d640004001eb640a0101010a01"
      "016408005e57585f0001df6c6b5b0000000045bc050000000000101112131415161718191a1b1c1d1e1f20"
      "2122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f");
  auto v = decapsulateFrame(frame);
  ASSERT_TRUE(v.has_value()) << errorName(v.error());
  EXPECT_EQ(v->type, ErspanType::kTypeIII);
  EXPECT_EQ(v->session_id, 1);
  EXPECT_EQ(v->timestamp, 0x144cd5a4u);
  EXPECT_TRUE(v->p);
  EXPECT_EQ(v->hw_id, 7);
  EXPECT_EQ(v->direction, 1);
  EXPECT_EQ(v->gre_sequence, 5u);
  EXPECT_EQ(v->frame.size(), 0x92u - 20 - 8 - 12);
}

// system-traffic.at "ping over ip6erspan v2": IPv6 with a destination-options header (the
// tunnel encapsulation limit) before GRE, Type III under 0x88BE.
TEST(ErspanDecap, OvsIpv6WithDestinationOptions) {
  const auto frame = fromHex(
      "f2ff00000002f2ff0000000386dd60008531007e3c40fc000100000000000000000000000001fc00010000"
      "00000000000000000001002f00040104010100100088be0000000720004079af514f9b00008070f2ff0000"
      "0001f2ff00000004080045000054ffcb4000400124770a0101010a0101640800419e23ac000112d7685b00"
      "0000004caf0c0000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f"
      "3031323334353637");
  auto v = decapsulateFrame(frame);
  ASSERT_TRUE(v.has_value()) << errorName(v.error());
  EXPECT_EQ(v->ip_version, IpVersion::kV6);
  EXPECT_EQ(v->type, ErspanType::kTypeIII);
  EXPECT_EQ(v->session_id, 0x79);
  EXPECT_EQ(v->vlan, 0);
  EXPECT_EQ(v->gre_sequence, 7u);
  EXPECT_EQ(v->timestamp, 0xaf514f9bu);
  EXPECT_EQ(v->hw_id, 7);
  EXPECT_EQ(v->direction, 0);
  EXPECT_EQ(toHex(v->src_ip), "fc000100000000000000000000000001");
  EXPECT_EQ(v->frame.size(), 0x7eu - 8 - 8 - 12);
}

TEST(ErspanDecap, OuterVlanAndQinQTags) {
  const auto ip = ipv4Packet("000088be");
  for (std::string_view tags : {"8100 0064", "88a8 0064 8100 00c8", "9100 0001 8100 0002"}) {
    auto frame = fromHex("020000000001 020000000002");
    const auto tag_bytes = fromHex(tags);
    frame.insert(frame.end(), tag_bytes.begin(), tag_bytes.end());
    frame.push_back(0x08);
    frame.push_back(0x00);
    frame.insert(frame.end(), ip.begin(), ip.end());
    auto v = decapsulateFrame(frame);
    ASSERT_TRUE(v.has_value()) << tags;
    EXPECT_EQ(v->type, ErspanType::kTypeI);
    EXPECT_EQ(v->frame.size(), 64u);
  }
}

TEST(ErspanDecap, DecapsulateGreEntryPoint) {
  const auto gre = fromHex("100088be 00000004 1000007b 00000003 aabbccdd");
  auto v = decapsulateGre(gre);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->session_id, 123);
  EXPECT_EQ(v->gre_sequence, 4u);
  EXPECT_EQ(v->frame.size(), 4u);
}

}  // namespace
}  // namespace ovse::erspan
