// Truncation to a snap length and to a path MTU: never more than the MTU, T set exactly when the
// frame was cut (here or before), BSO from the original length (Linux semantics).
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "erspan/bytes.h"
#include "erspan/decap.h"
#include "erspan/encap.h"

namespace ovse::erspan {
namespace {

struct Encoded {
  std::vector<std::uint8_t> packet;
  DecapView view;
};

Encoded encodeAndDecode(const EncapConfig& c, std::size_t frame_bytes,
                        const PacketMeta& meta = {}) {
  Encoded e;
  auto t = makeEncapTemplate(c);
  EXPECT_TRUE(t.has_value());
  std::vector<std::uint8_t> frame(frame_bytes, 0xab);
  e.packet.resize(t->headerBytes() + frame_bytes);
  auto n = encapsulate(*t, frame, meta, e.packet);
  EXPECT_TRUE(n.has_value());
  e.packet.resize(*n);
  auto v = c.outer_ethernet ? decapsulateFrame(e.packet) : decapsulateIp(e.packet);
  EXPECT_TRUE(v.has_value()) << errorName(v.error());
  if (v) e.view = *v;
  return e;
}

EncapConfig config(ErspanType type, IpVersion ip) {
  EncapConfig c;
  c.type = type;
  c.ip_version = ip;
  c.gre_seq_present = type != ErspanType::kTypeI;
  return c;
}

TEST(ErspanTruncation, SnapLenCutsAndSetsT) {
  EncapConfig c = config(ErspanType::kTypeII, IpVersion::kV4);
  c.snap_len_bytes = 100;
  const Encoded e = encodeAndDecode(c, 200);
  EXPECT_EQ(e.packet.size(), 20u + 16 + 100);
  EXPECT_TRUE(e.view.truncated);
  EXPECT_EQ(e.view.frame.size(), 100u);
  const Encoded whole = encodeAndDecode(c, 100);
  EXPECT_FALSE(whole.view.truncated);
}

TEST(ErspanTruncation, MtuBoundsOuterIpLength) {
  // ERSPAN-NOTES §3: at PMTU 1500 Type II/IPv4 carries 1464 bytes, Type III/IPv6 1440.
  EncapConfig c = config(ErspanType::kTypeII, IpVersion::kV4);
  c.path_mtu_bytes = 1500;
  Encoded e = encodeAndDecode(c, 1514);
  EXPECT_EQ(loadBe16(e.packet.data() + 2), 1500);
  EXPECT_EQ(e.view.frame.size(), 1464u);
  EXPECT_TRUE(e.view.truncated);
  EXPECT_FALSE(encodeAndDecode(c, 1464).view.truncated);
  c = config(ErspanType::kTypeIII, IpVersion::kV6);
  c.path_mtu_bytes = 1500;
  c.outer_ethernet = true;  // outer L2 does not count against the IP MTU
  e = encodeAndDecode(c, 1514);
  EXPECT_EQ(e.packet.size(), 14u + 1500);
  EXPECT_EQ(e.view.frame.size(), 1440u);
  EXPECT_TRUE(e.view.truncated);
}

TEST(ErspanTruncation, OriginalLengthSetsTAndOversizedBso) {
  EncapConfig c = config(ErspanType::kTypeIII, IpVersion::kV4);
  const Encoded cut_before = encodeAndDecode(c, 128, PacketMeta{.original_length_bytes = 9000});
  EXPECT_TRUE(cut_before.view.truncated);
  EXPECT_EQ(cut_before.view.bso, static_cast<std::uint8_t>(Bso::kOversized));
  const Encoded same = encodeAndDecode(c, 128, PacketMeta{.original_length_bytes = 128});
  EXPECT_FALSE(same.view.truncated);
}

TEST(ErspanTruncation, BsoFollowsLinuxThresholds) {
  EncapConfig c = config(ErspanType::kTypeIII, IpVersion::kV4);
  EXPECT_EQ(encodeAndDecode(c, 59).view.bso, static_cast<std::uint8_t>(Bso::kShort));
  EXPECT_EQ(encodeAndDecode(c, 60).view.bso, static_cast<std::uint8_t>(Bso::kGood));
  EXPECT_EQ(encodeAndDecode(c, 1514).view.bso, static_cast<std::uint8_t>(Bso::kGood));
  EXPECT_EQ(encodeAndDecode(c, 1515).view.bso, static_cast<std::uint8_t>(Bso::kOversized));
  c.tag_source = TagSource::kExplicit;
  c.bso = 3;
  EXPECT_EQ(encodeAndDecode(c, 1515).view.bso, static_cast<std::uint8_t>(Bso::kBad));
}

TEST(ErspanTruncation, TypeIAndTebCutSilently) {
  for (ErspanType type : {ErspanType::kTypeI, ErspanType::kGreTeb}) {
    EncapConfig c = config(type, IpVersion::kV4);
    c.snap_len_bytes = 64;
    const Encoded e = encodeAndDecode(c, 1000);
    EXPECT_EQ(e.view.frame.size(), 64u);
    EXPECT_FALSE(e.view.truncated);  // no T bit exists in these formats
  }
}

TEST(ErspanTruncation, FrameBeyondIpLengthIsCut) {
  const Encoded e = encodeAndDecode(config(ErspanType::kTypeII, IpVersion::kV4), 70000);
  EXPECT_EQ(e.packet.size(), 0xFFFFu);
  EXPECT_TRUE(e.view.truncated);
  const Encoded v6 = encodeAndDecode(config(ErspanType::kTypeII, IpVersion::kV6), 70000);
  EXPECT_EQ(v6.packet.size(), 40u + 0xFFFF);
}

TEST(ErspanTruncation, NoPacketExceedsMtu) {
  std::mt19937 rng(1234);
  const ErspanType types[] = {ErspanType::kTypeI, ErspanType::kTypeII, ErspanType::kTypeIII,
                              ErspanType::kGreTeb};
  for (int i = 0; i < 500; ++i) {
    EncapConfig c = config(types[rng() % 4], rng() % 2 ? IpVersion::kV4 : IpVersion::kV6);
    c.platform_subheader = c.type == ErspanType::kTypeIII && rng() % 2;
    c.path_mtu_bytes = 200 + rng() % 9000;
    if (rng() % 2) c.snap_len_bytes = 14 + rng() % 2000;
    const std::size_t frame_bytes = rng() % 10000;
    const Encoded e = encodeAndDecode(c, frame_bytes);
    const std::size_t ip_bytes = e.packet.size();
    ASSERT_LE(ip_bytes, c.path_mtu_bytes) << i;
    const bool cut = e.view.frame.size() < frame_bytes;
    if (c.type == ErspanType::kTypeII || c.type == ErspanType::kTypeIII) {
      EXPECT_EQ(e.view.truncated, cut) << i;
    }
  }
}

}  // namespace
}  // namespace ovse::erspan
