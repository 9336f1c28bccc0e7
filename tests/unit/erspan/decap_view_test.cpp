// Whole-view known answers: every DecapView field compared at once, so a decap path that forgets a
// field (or leaves another type's value in it) fails. Guards the single-pass view construction.
#include <gtest/gtest.h>

#include <vector>

#include "erspan/decap.h"
#include "unit/erspan/hex.h"

namespace ovse::erspan {
namespace {

using test::fromHex;

// IPv4 (TTL 64, DSCP 46, 1.1.2.88 → 1.1.2.92, proto 47) + `gre_hex` + 4 inner bytes.
std::vector<std::uint8_t> packet(std::string_view gre_hex) {
  auto p = fromHex("45b80000 00004000 402f0000 01010258 0101025c");
  const auto body = fromHex(gre_hex);
  p.insert(p.end(), body.begin(), body.end());
  for (std::uint8_t b : {0xa1, 0xa2, 0xa3, 0xa4}) p.push_back(b);
  p[3] = static_cast<std::uint8_t>(p.size());
  return p;
}

// The outer fields every IPv4 case below shares; everything else 0 / nullopt.
DecapView outer(ErspanType type) {
  return DecapView{.ip_version = IpVersion::kV4,
                   .src_ip = {1, 1, 2, 88},
                   .dst_ip = {1, 1, 2, 92},
                   .ttl = 64,
                   .dscp = 46,
                   .type = type};
}

const std::vector<std::uint8_t> kInner = {0xa1, 0xa2, 0xa3, 0xa4};

TEST(ErspanDecapView, TypeICarriesOnlyOuterFields) {
  const auto p = packet("000088be");
  DecapView want = outer(ErspanType::kTypeI);
  want.frame = kInner;
  const auto got = decapsulateIp(p);
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(*got == want);
}

TEST(ErspanDecapView, TypeIILeavesTypeIIIFieldsZero) {
  // Seq 7; Ver 1, VLAN 0x123, COS 5, En 3, T, session 0x3ff; index 0xabcde under reserved bits.
  const auto p = packet("100088be 00000007 1123bfff fffabcde");
  DecapView want = outer(ErspanType::kTypeII);
  want.gre_sequence = 7;
  want.vlan = 0x123;
  want.cos = 5;
  want.en = 3;
  want.truncated = true;
  want.session_id = 0x3ff;
  want.index = 0xabcde;
  want.frame = kInner;
  const auto got = decapsulateIp(p);
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(*got == want);
}

TEST(ErspanDecapView, TypeIIIWithSubheaderFillsEveryField) {
  // Key 0xdeadbeef; Ver 2, VLAN 0x0ab, COS 1, BSO 2, session 9; timestamp; SGT 0x1234;
  // P, FT 0, HW ID 0x2a, D, Gra 3, O; sub-header id 3, info1 0x0000105, info2 0x11223344.
  const auto p = packet("200022eb deadbeef 20ab3009 01020304 1234 82af 0c000105 11223344");
  DecapView want = outer(ErspanType::kTypeIII);
  want.gre_key = 0xdeadbeef;
  want.vlan = 0x0ab;
  want.cos = 1;
  want.bso = 2;
  want.session_id = 9;
  want.timestamp = 0x01020304;
  want.sgt = 0x1234;
  want.p = true;
  want.hw_id = 0x2a;
  want.direction = 1;
  want.gra = 3;
  want.has_platform_subheader = true;
  want.platform_id = 3;
  want.platform_info1 = 0x105;
  want.platform_info2 = 0x11223344;
  want.frame = kInner;
  const auto got = decapsulateIp(p);
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(*got == want);
}

TEST(ErspanDecapView, GreEntryPointLeavesOuterFieldsDefault) {
  const auto gre = fromHex("30006558 00000005 00000006 a1a2a3a4");
  DecapView want{.type = ErspanType::kGreTeb, .gre_key = 5, .gre_sequence = 6};
  want.frame = kInner;
  const auto got = decapsulateGre(gre);
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(*got == want);
}

}  // namespace
}  // namespace ovse::erspan
