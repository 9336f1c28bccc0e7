// Every EncapConfig rule: each invalid field is reported with its own error code and the value
// seen, and every error code has a readable name.
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>

#include "erspan/encap.h"

namespace ovse::erspan {
namespace {

struct BadConfigCase {
  const char* label;
  std::function<void(EncapConfig&)> mutate;
  EncodeError code;
  std::uint64_t value;
};

class EncapConfigValidation : public ::testing::TestWithParam<BadConfigCase> {};

TEST_P(EncapConfigValidation, RejectsWithFieldAndValue) {
  EncapConfig c;
  c.type = ErspanType::kTypeIII;
  GetParam().mutate(c);
  auto t = makeEncapTemplate(c);
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().code, GetParam().code) << errorName(t.error().code);
  EXPECT_EQ(t.error().value, GetParam().value);
}

const BadConfigCase kBadConfigs[] = {
    {"type", [](EncapConfig& c) { c.type = static_cast<ErspanType>(9); }, EncodeError::kUnknownType,
     9},
    {"ip_version", [](EncapConfig& c) { c.ip_version = static_cast<IpVersion>(5); },
     EncodeError::kUnknownIpVersion, 5},
    {"session_id", [](EncapConfig& c) { c.session_id = 1024; }, EncodeError::kSessionIdOutOfRange,
     1024},
    {"index",
     [](EncapConfig& c) {
       c.type = ErspanType::kTypeII;
       c.index = 0x100000;
     },
     EncodeError::kIndexOutOfRange, 0x100000},
    {"hw_id", [](EncapConfig& c) { c.hw_id = 64; }, EncodeError::kHwIdOutOfRange, 64},
    {"vlan",
     [](EncapConfig& c) {
       c.tag_source = TagSource::kExplicit;
       c.vlan = 4096;
     },
     EncodeError::kVlanOutOfRange, 4096},
    {"cos",
     [](EncapConfig& c) {
       c.tag_source = TagSource::kExplicit;
       c.cos = 8;
     },
     EncodeError::kCosOutOfRange, 8},
    {"en",
     [](EncapConfig& c) {
       c.type = ErspanType::kTypeII;
       c.tag_source = TagSource::kExplicit;
       c.en = 4;
     },
     EncodeError::kEnOutOfRange, 4},
    {"bso",
     [](EncapConfig& c) {
       c.tag_source = TagSource::kExplicit;
       c.bso = 4;
     },
     EncodeError::kBsoOutOfRange, 4},
    {"gra", [](EncapConfig& c) { c.gra = 4; }, EncodeError::kGraOutOfRange, 4},
    {"ft", [](EncapConfig& c) { c.ft = 32; }, EncodeError::kFtOutOfRange, 32},
    {"direction", [](EncapConfig& c) { c.direction = 2; }, EncodeError::kDirectionOutOfRange, 2},
    {"platform_id",
     [](EncapConfig& c) {
       c.platform_subheader = true;
       c.platform_id = 64;
     },
     EncodeError::kPlatformIdOutOfRange, 64},
    {"platform_info1",
     [](EncapConfig& c) {
       c.platform_subheader = true;
       c.platform_info1 = 0x4000000;
     },
     EncodeError::kPlatformInfoOutOfRange, 0x4000000},
    {"subheader_type",
     [](EncapConfig& c) {
       c.type = ErspanType::kTypeII;
       c.platform_subheader = true;
     },
     EncodeError::kPlatformSubheaderNeedsTypeIII, 1},
    {"dscp", [](EncapConfig& c) { c.dscp = 64; }, EncodeError::kDscpOutOfRange, 64},
    {"flow_label",
     [](EncapConfig& c) {
       c.ip_version = IpVersion::kV6;
       c.flow_label = 0x100000;
     },
     EncodeError::kFlowLabelOutOfRange, 0x100000},
    {"ttl", [](EncapConfig& c) { c.ttl = 0; }, EncodeError::kTtlZero, 0},
    {"type2_seq",
     [](EncapConfig& c) {
       c.type = ErspanType::kTypeII;
       c.gre_seq_present = false;
     },
     EncodeError::kTypeIIRequiresSequence, 0},
    {"type1_seq", [](EncapConfig& c) { c.type = ErspanType::kTypeI; },
     EncodeError::kTypeIForbidsGreOptions, 0},
    {"type1_key",
     [](EncapConfig& c) {
       c.type = ErspanType::kTypeI;
       c.gre_seq_present = false;
       c.gre_key_present = true;
     },
     EncodeError::kTypeIForbidsGreOptions, 1},
    {"snap_len", [](EncapConfig& c) { c.snap_len_bytes = 13; }, EncodeError::kSnapLenTooSmall, 13},
    // IPv4 20 + GRE 8 + ERSPAN III 12 = 40: an MTU of 53 cannot carry 14 more bytes.
    {"mtu", [](EncapConfig& c) { c.path_mtu_bytes = 53; }, EncodeError::kMtuTooSmall, 53},
};

INSTANTIATE_TEST_SUITE_P(AllRules, EncapConfigValidation, ::testing::ValuesIn(kBadConfigs),
                         [](const auto& info) { return std::string(info.param.label); });

TEST(EncapConfigValidation, AcceptsBoundaryValues) {
  EncapConfig c;
  c.type = ErspanType::kTypeIII;
  c.session_id = 1023;
  c.hw_id = 63;
  c.gra = 3;
  c.ft = 31;
  c.direction = 1;
  c.dscp = 63;
  c.tag_source = TagSource::kExplicit;
  c.vlan = 4095;
  c.cos = 7;
  c.bso = 3;
  c.platform_subheader = true;
  c.platform_id = 63;
  c.platform_info1 = 0x3FFFFFF;
  c.path_mtu_bytes = 20 + 8 + 20 + 14;
  EXPECT_TRUE(makeEncapTemplate(c).has_value());
  c.type = ErspanType::kTypeII;
  c.platform_subheader = false;
  c.index = 0xFFFFF;
  c.en = 3;
  EXPECT_TRUE(makeEncapTemplate(c).has_value());
  c.ip_version = IpVersion::kV6;
  c.flow_label = 0xFFFFF;
  EXPECT_FALSE(makeEncapTemplate(c).has_value());  // 40 + 8 + 8 + 14 > 62
  c.path_mtu_bytes = 40 + 8 + 8 + 14;
  EXPECT_TRUE(makeEncapTemplate(c).has_value());
}

TEST(ErrorNames, EveryEncodeErrorHasADistinctName) {
  std::set<std::string_view> names;
  for (int i = 0; i <= static_cast<int>(EncodeError::kOutputTooSmall); ++i) {
    const std::string_view name = errorName(static_cast<EncodeError>(i));
    EXPECT_NE(name, "unknown encode error") << i;
    names.insert(name);
  }
  EXPECT_EQ(names.size(), static_cast<std::size_t>(EncodeError::kOutputTooSmall) + 1);
  EXPECT_EQ(errorName(static_cast<EncodeError>(200)), "unknown encode error");
}

TEST(ErrorNames, EveryDecapErrorHasADistinctName) {
  std::set<std::string_view> names;
  for (int i = 0; i <= static_cast<int>(DecapError::kTruncatedPlatformSubheader); ++i) {
    const std::string_view name = errorName(static_cast<DecapError>(i));
    EXPECT_NE(name, "unknown decap error") << i;
    names.insert(name);
  }
  EXPECT_EQ(names.size(), static_cast<std::size_t>(DecapError::kTruncatedPlatformSubheader) + 1);
  EXPECT_EQ(errorName(static_cast<DecapError>(200)), "unknown decap error");
}

}  // namespace
}  // namespace ovse::erspan
