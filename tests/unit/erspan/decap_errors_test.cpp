// One test per DecapError: each malformation is reported with its own code, and a buffer cut at
// every offset of a valid packet is rejected, never read past.
#include <gtest/gtest.h>

#include <vector>

#include "erspan/bytes.h"
#include "erspan/decap.h"
#include "unit/erspan/hex.h"

namespace ovse::erspan {
namespace {

using test::fromHex;

std::vector<std::uint8_t> ipv4(std::string_view gre_hex, std::size_t inner_bytes = 16) {
  auto body = fromHex(gre_hex);
  body.resize(body.size() + inner_bytes, 0x5a);
  auto p = fromHex("45000000 00004000 402f0000 0a000001 0a000002");
  storeBe16(p.data() + 2, static_cast<std::uint16_t>(20 + body.size()));
  p.insert(p.end(), body.begin(), body.end());
  return p;
}

// IPv6 packet whose next-header chain is `chain_hex` (starting after a header with next header
// `first_next`), then GRE Type I.
std::vector<std::uint8_t> ipv6(std::uint8_t first_next, std::string_view chain_hex) {
  auto body = fromHex(chain_hex);
  const auto gre = fromHex("000088be 00112233");
  body.insert(body.end(), gre.begin(), gre.end());
  auto p = fromHex("60000000 0000 00 40");
  p.resize(40, 0);
  p[6] = first_next;
  storeBe16(p.data() + 4, static_cast<std::uint16_t>(body.size()));
  p.insert(p.end(), body.begin(), body.end());
  return p;
}

DecapError ipError(std::span<const std::uint8_t> p) {
  auto v = decapsulateIp(p);
  EXPECT_FALSE(v.has_value());
  return v ? DecapError{} : v.error();
}

DecapError frameError(std::string_view hex) {
  const auto f = fromHex(hex);
  auto v = decapsulateFrame(f);
  EXPECT_FALSE(v.has_value());
  return v ? DecapError{} : v.error();
}

TEST(ErspanDecapErrors, Ethernet) {
  EXPECT_EQ(frameError("000000000001000000000002 0800 45"), DecapError::kTruncatedIpv4);
  EXPECT_EQ(frameError("00000000000100000000000208"), DecapError::kTruncatedEthernet);
  EXPECT_EQ(frameError("000000000001000000000002 8100 00"), DecapError::kTruncatedVlanTag);
  EXPECT_EQ(frameError("000000000001000000000002 8100 0001 8100 0001 8100 0001 8100 0001 8100 0001"
                       " 0800"),
            DecapError::kTooManyVlanTags);
  EXPECT_EQ(frameError("000000000001000000000002 0806 0000"), DecapError::kNotIp);
  // EtherType IPv4 but an IPv6 header.
  auto f = fromHex("000000000001000000000002 0800");
  const auto v6 = ipv6(47, "");
  f.insert(f.end(), v6.begin(), v6.end());
  auto v = decapsulateFrame(f);
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error(), DecapError::kBadIpVersion);
}

TEST(ErspanDecapErrors, Ipv4) {
  auto p = ipv4("000088be");
  EXPECT_EQ(ipError(std::span(p).first(19)), DecapError::kTruncatedIpv4);
  EXPECT_EQ(ipError({}), DecapError::kTruncatedIpv4);
  auto bad = p;
  bad[0] = 0x75;
  EXPECT_EQ(ipError(bad), DecapError::kBadIpVersion);
  bad = p;
  bad[0] = 0x44;
  EXPECT_EQ(ipError(bad), DecapError::kBadIpv4Ihl);
  bad = p;
  bad[0] = 0x4f;  // 60-byte header, more than present once cut
  EXPECT_EQ(ipError(std::span(bad).first(40)), DecapError::kTruncatedIpv4);
  bad = p;
  storeBe16(bad.data() + 2, 19);
  EXPECT_EQ(ipError(bad), DecapError::kBadIpTotalLength);
  bad = p;
  storeBe16(bad.data() + 6, 0x2000);  // MF
  EXPECT_EQ(ipError(bad), DecapError::kFragment);
  bad = p;
  storeBe16(bad.data() + 6, 0x0001);  // offset 8
  EXPECT_EQ(ipError(bad), DecapError::kFragment);
  bad = p;
  bad[9] = 6;  // TCP
  EXPECT_EQ(ipError(bad), DecapError::kNotGreOrUdp);
}

// OVS applies Mirror.snaplen after tnl_push: the outer length counts the uncut packet.
TEST(ErspanDecapErrors, IpLengthPastTheBytesPresentIsACutAfterEncapsulation) {
  auto p = ipv4("000088be");
  storeBe16(p.data() + 2, static_cast<std::uint16_t>(p.size() + 300));
  auto v = decapsulateIp(p);
  ASSERT_TRUE(v.has_value()) << errorName(v.error());
  EXPECT_EQ(v->frame.size(), 16u);
  EXPECT_EQ(v->cut_bytes, 300u);
  auto six = ipv6(47, "000088be");
  storeBe16(six.data() + 4, static_cast<std::uint16_t>(six.size() - 40 + 7));
  v = decapsulateIp(six);
  ASSERT_TRUE(v.has_value()) << errorName(v.error());
  EXPECT_EQ(v->cut_bytes, 7u);
  // Headers cut short stay errors: there is nothing to decode.
  EXPECT_EQ(ipError(std::span(p).first(22)), DecapError::kTruncatedGre);
}

TEST(ErspanDecapErrors, Ipv4OptionsAreSkipped) {
  auto p = ipv4("000088be");
  p[0] = 0x46;
  const std::uint8_t nops[4] = {1, 1, 1, 1};
  p.insert(p.begin() + 20, nops, nops + 4);
  storeBe16(p.data() + 2, static_cast<std::uint16_t>(p.size()));
  auto v = decapsulateIp(p);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->frame.size(), 16u);
}

TEST(ErspanDecapErrors, Ipv6) {
  auto p = ipv6(47, "");
  EXPECT_TRUE(decapsulateIp(p).has_value());
  EXPECT_EQ(ipError(std::span(p).first(39)), DecapError::kTruncatedIpv6);
  EXPECT_EQ(ipError(ipv6(6, "")), DecapError::kNotGreOrUdp);
  EXPECT_EQ(ipError(ipv6(44, "2f000000 00000000")), DecapError::kFragment);
  EXPECT_EQ(ipError(ipv6(0, "2c000000 00000000 2f000000 00000000")), DecapError::kFragment);
  // Hop-by-hop (16 bytes) → routing → destination options → GRE.
  auto chained = ipv6(0, "2b010000 00000000 00000000 00000000 3c000000 00000000 2f000000 00000000");
  auto v = decapsulateIp(chained);
  ASSERT_TRUE(v.has_value()) << errorName(v.error());
  EXPECT_EQ(v->frame.size(), 4u);
  EXPECT_EQ(ipError(ipv6(0, "2f02000000000000")), DecapError::kTruncatedIpv6ExtensionHeader);
  auto cut = ipv6(60, "");  // claims an extension header, payload holds only 8 GRE bytes
  cut.resize(40 + 4);
  storeBe16(cut.data() + 4, 4);
  EXPECT_EQ(ipError(cut), DecapError::kTruncatedIpv6ExtensionHeader);
  std::string nine;
  for (int i = 0; i < 9; ++i) nine += i < 8 ? "3c00000000000000" : "2f00000000000000";
  EXPECT_EQ(ipError(ipv6(60, nine)), DecapError::kTooManyIpv6ExtensionHeaders);
  std::string eight;
  for (int i = 0; i < 8; ++i) eight += i < 7 ? "3c00000000000000" : "2f00000000000000";
  EXPECT_TRUE(decapsulateIp(ipv6(60, eight)).has_value());
}

TEST(ErspanDecapErrors, Gre) {
  EXPECT_EQ(ipError(ipv4("0000", 0)), DecapError::kTruncatedGre);
  EXPECT_EQ(ipError(ipv4("100088be 0000", 0)), DecapError::kTruncatedGre);
  EXPECT_EQ(ipError(ipv4("400088be")), DecapError::kGreRoutingPresent);
  EXPECT_EQ(ipError(ipv4("080088be")), DecapError::kGreReservedBits);
  EXPECT_EQ(ipError(ipv4("000888be")), DecapError::kGreReservedBits);
  EXPECT_EQ(ipError(ipv4("000188be")), DecapError::kGreVersion);
  EXPECT_EQ(ipError(ipv4("00000800")), DecapError::kUnsupportedGreProtocol);
  EXPECT_EQ(ipError(ipv4("000086dd")), DecapError::kUnsupportedGreProtocol);
}

TEST(ErspanDecapErrors, Erspan) {
  EXPECT_EQ(ipError(ipv4("100088be 00000000 1000007b 0000", 0)),
            DecapError::kTruncatedErspanHeader);
  EXPECT_EQ(ipError(ipv4("100088be 00000000", 0)), DecapError::kTruncatedErspanHeader);
  EXPECT_EQ(ipError(ipv4("100022eb 00000000 20000237 10abcd01 0000", 0)),
            DecapError::kTruncatedErspanHeader);
  EXPECT_EQ(ipError(ipv4("100088be 00000000 0000007b 00000003")), DecapError::kBadErspanVersion);
  EXPECT_EQ(ipError(ipv4("100088be 00000000 3000007b 00000003")), DecapError::kBadErspanVersion);
  // 0x22EB carries only Ver 2.
  EXPECT_EQ(ipError(ipv4("100022eb 00000000 1000007b 00000003 00000000")),
            DecapError::kBadErspanVersion);
  EXPECT_EQ(ipError(ipv4("100022eb 00000000 20000237 10abcd01 00008079 0c001234", 0)),
            DecapError::kTruncatedPlatformSubheader);
}

// A valid packet cut at every length is rejected with an error, never accepted or overread
// (ASan checks the latter).
TEST(ErspanDecapErrors, EveryTruncationIsAnError) {
  auto p = ipv4("100022eb 00000000 20000237 10abcd01 00008079 0c001234 5f5e1000", 0);
  auto ok = decapsulateIp(p);
  ASSERT_TRUE(ok.has_value());
  for (std::size_t n = 0; n < p.size(); ++n) {
    std::vector<std::uint8_t> cut(p.begin(), p.begin() + static_cast<long>(n));
    if (n >= 4) storeBe16(cut.data() + 2, static_cast<std::uint16_t>(n));  // keep length honest
    EXPECT_FALSE(decapsulateIp(cut).has_value()) << n;
  }
}

}  // namespace
}  // namespace ovse::erspan
