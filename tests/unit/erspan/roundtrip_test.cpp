// Property tests: random configurations of every type over both outer IP versions, random frames
// (tagged or not), encode → decode gives back every field and the frame bytes.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "erspan/bytes.h"
#include "erspan/decap.h"
#include "erspan/encap.h"

namespace ovse::erspan {
namespace {

class Random {
 public:
  explicit Random(std::uint32_t seed) : rng_(seed) {}
  std::uint32_t bits(int n) { return n == 32 ? rng_() : rng_() & ((1u << n) - 1); }
  bool coin() { return (rng_() & 1) != 0; }

 private:
  std::mt19937 rng_;
};

EncapConfig randomConfig(Random& r, ErspanType type, IpVersion ip) {
  EncapConfig c;
  c.type = type;
  c.ip_version = ip;
  for (auto& b : c.src_ip) b = static_cast<std::uint8_t>(r.bits(8));
  for (auto& b : c.dst_ip) b = static_cast<std::uint8_t>(r.bits(8));
  c.ttl = static_cast<std::uint8_t>(1 + r.bits(7));
  c.dscp = static_cast<std::uint8_t>(r.bits(6));
  c.ip_id = static_cast<std::uint16_t>(r.bits(16));
  c.flow_label = r.bits(20);
  c.outer_ethernet = r.coin();
  c.gre_key_present = type != ErspanType::kTypeI && r.coin();
  c.gre_key = r.bits(32);
  c.gre_seq_present = type == ErspanType::kTypeII || (type != ErspanType::kTypeI && r.coin());
  c.session_id = static_cast<std::uint16_t>(r.bits(10));
  c.index = r.bits(20);
  c.tag_source = r.coin() ? TagSource::kExplicit : TagSource::kFromFrame;
  c.vlan = static_cast<std::uint16_t>(r.bits(12));
  c.cos = static_cast<std::uint8_t>(r.bits(3));
  c.en = static_cast<std::uint8_t>(r.bits(2));
  c.bso = static_cast<std::uint8_t>(r.bits(2));
  c.hw_id = static_cast<std::uint8_t>(r.bits(6));
  c.direction = static_cast<std::uint8_t>(r.bits(1));
  c.gra = static_cast<std::uint8_t>(r.bits(2));
  c.sgt = static_cast<std::uint16_t>(r.bits(16));
  c.p = r.coin();
  c.ft = r.coin() ? 0 : static_cast<std::uint8_t>(r.bits(5));
  c.platform_subheader = type == ErspanType::kTypeIII && r.coin();
  c.platform_id = static_cast<std::uint8_t>(r.coin() ? 3 : r.bits(6));
  c.platform_info1 = r.bits(26);
  c.platform_info2 = r.bits(32);
  if (r.coin()) c.snap_len_bytes = 14 + r.bits(11);
  return c;
}

void expectFieldsMatch(const EncapConfig& c, const PacketMeta& m, std::span<const std::uint8_t> f,
                       const DecapView& v) {
  const std::size_t addr = c.ip_version == IpVersion::kV4 ? 4 : 16;
  EXPECT_EQ(v.ip_version, c.ip_version);
  EXPECT_TRUE(std::equal(c.src_ip.begin(), c.src_ip.begin() + addr, v.src_ip.begin()));
  EXPECT_TRUE(std::equal(c.dst_ip.begin(), c.dst_ip.begin() + addr, v.dst_ip.begin()));
  EXPECT_EQ(v.ttl, c.ttl);
  EXPECT_EQ(v.dscp, c.dscp);
  EXPECT_EQ(v.type, c.type);
  EXPECT_EQ(v.gre_key.has_value(), c.gre_key_present);
  EXPECT_EQ(v.gre_key.value_or(0), c.gre_key_present ? c.gre_key : 0);
  EXPECT_EQ(v.gre_sequence.has_value(), c.gre_seq_present);
  EXPECT_EQ(v.gre_sequence.value_or(0), c.gre_seq_present ? m.sequence : 0);
  const std::size_t keep =
      c.snap_len_bytes ? std::min<std::size_t>(f.size(), c.snap_len_bytes) : f.size();
  ASSERT_EQ(v.frame.size(), keep);
  EXPECT_TRUE(std::equal(v.frame.begin(), v.frame.end(), f.begin()));
  if (c.type == ErspanType::kTypeI || c.type == ErspanType::kGreTeb) return;
  EXPECT_EQ(v.session_id, c.session_id);
  EXPECT_EQ(v.truncated, keep < f.size());
  const bool iii = c.type == ErspanType::kTypeIII;
  const bool tagged = f.size() >= 16 && loadBe16(f.data() + 12) == kEtherTypeVlan;
  if (c.tag_source == TagSource::kExplicit) {
    EXPECT_EQ(v.vlan, c.vlan);
    EXPECT_EQ(v.cos, c.cos);
    EXPECT_EQ(iii ? v.bso : v.en, iii ? c.bso : c.en);
  } else if (!iii || c.ft == 0) {
    EXPECT_EQ(v.vlan, tagged ? (loadBe16(f.data() + 14) & 0xFFF) : 0);
    EXPECT_EQ(v.cos, tagged ? (loadBe16(f.data() + 14) >> 13) : 0);
    EXPECT_EQ(v.en, !iii && tagged ? 3 : 0);
  }
  if (!iii) {
    EXPECT_EQ(v.index, c.index);
    return;
  }
  EXPECT_EQ(v.timestamp, static_cast<std::uint32_t>(m.timestamp));
  EXPECT_EQ(v.sgt, c.sgt);
  EXPECT_EQ(v.p, c.p);
  EXPECT_EQ(v.ft, c.ft);
  EXPECT_EQ(v.hw_id, c.hw_id);
  EXPECT_EQ(v.direction, c.direction);
  EXPECT_EQ(v.gra, c.gra);
  EXPECT_EQ(v.has_platform_subheader, c.platform_subheader);
  if (!c.platform_subheader) return;
  EXPECT_EQ(v.platform_id, c.platform_id);
  EXPECT_EQ(v.platform_info1, c.platform_info1);
  const bool upper = platformCarriesUpperTimestamp(c.platform_id);
  EXPECT_EQ(v.platform_info2,
            upper ? static_cast<std::uint32_t>(m.timestamp >> 32) : c.platform_info2);
}

void roundTrip(ErspanType type, IpVersion ip, std::uint32_t seed) {
  Random r(seed);
  for (int i = 0; i < 400; ++i) {
    SCOPED_TRACE(i);
    const EncapConfig c = randomConfig(r, type, ip);
    auto t = makeEncapTemplate(c);
    ASSERT_TRUE(t.has_value()) << errorName(t.error().code);
    std::vector<std::uint8_t> frame(r.bits(11));
    for (auto& b : frame) b = static_cast<std::uint8_t>(r.bits(8));
    if (frame.size() >= 18 && r.coin()) storeBe16(frame.data() + 12, kEtherTypeVlan);
    const PacketMeta meta{.sequence = r.bits(32),
                          .timestamp = (std::uint64_t{r.bits(32)} << 32) | r.bits(32)};
    std::vector<std::uint8_t> out(t->headerBytes() + frame.size());
    auto n = encapsulate(*t, frame, meta, out);
    ASSERT_TRUE(n.has_value());
    out.resize(*n);
    auto v = c.outer_ethernet ? decapsulateFrame(out) : decapsulateIp(out);
    ASSERT_TRUE(v.has_value()) << errorName(v.error());
    expectFieldsMatch(c, meta, frame, *v);
    if (c.ip_version == IpVersion::kV4) {
      const std::size_t ip_at = c.outer_ethernet ? 14 : 0;
      const auto ip_hdr = std::span<const std::uint8_t>(out).subspan(ip_at, 20);
      EXPECT_EQ(finishChecksum(onesComplementSum(ip_hdr)), 0);
    }
  }
}

TEST(ErspanRoundTrip, TypeIIpv4) { roundTrip(ErspanType::kTypeI, IpVersion::kV4, 1); }
TEST(ErspanRoundTrip, TypeIIpv6) { roundTrip(ErspanType::kTypeI, IpVersion::kV6, 2); }
TEST(ErspanRoundTrip, TypeIIIpv4) { roundTrip(ErspanType::kTypeII, IpVersion::kV4, 3); }
TEST(ErspanRoundTrip, TypeIIIpv6) { roundTrip(ErspanType::kTypeII, IpVersion::kV6, 4); }
TEST(ErspanRoundTrip, TypeIIIIpv4) { roundTrip(ErspanType::kTypeIII, IpVersion::kV4, 5); }
TEST(ErspanRoundTrip, TypeIIIIpv6) { roundTrip(ErspanType::kTypeIII, IpVersion::kV6, 6); }
TEST(ErspanRoundTrip, GreTebIpv4) { roundTrip(ErspanType::kGreTeb, IpVersion::kV4, 7); }
TEST(ErspanRoundTrip, GreTebIpv6) { roundTrip(ErspanType::kGreTeb, IpVersion::kV6, 8); }

}  // namespace
}  // namespace ovse::erspan
