// Fields that do not apply to the session's type or ERSPAN version are errors naming the field,
// the value and what it needs; the same fields under the version they belong to are valid.
#include <gtest/gtest.h>

#include "validation_helpers.h"

namespace ovse::manager {
namespace {

using test::check;
using test::erspanSession;
using test::localSession;
using test::Texts;

ErspanDestination collector(ErspanVersion v) {
  return {.remote_ip = "192.0.2.1", .version = v, .backend = ErspanBackend::kExporter};
}

TEST(ValidateApplicable, HwidNeedsVersion3) {
  ErspanDestination d = collector(ErspanVersion::kTypeII);
  d.hwid = 5;
  EXPECT_EQ(check(erspanSession(d)),
            Texts{"destination.hwid: 5 needs version 3: only ERSPAN Type III carries a hardware "
                  "ID; this session's version is 2 (ERSPAN Type II) (remove it or set it to 0)"});
  d.version = ErspanVersion::kTypeIII;
  EXPECT_EQ(check(erspanSession(d)), Texts{});
}

TEST(ValidateApplicable, IndexNeedsVersion2) {
  for (ErspanVersion v : {ErspanVersion::kTypeI, ErspanVersion::kTypeIII, ErspanVersion::kGre}) {
    ErspanDestination d = collector(v);
    d.index = 7;
    auto issues = check(erspanSession(d));
    ASSERT_EQ(issues.size(), 1u) << toString(v);
    EXPECT_TRUE(issues[0].starts_with("destination.index: 7 needs version 2")) << issues[0];
  }
  ErspanDestination d = collector(ErspanVersion::kTypeII);
  d.index = 7;
  EXPECT_EQ(check(erspanSession(d)), Texts{});
}

TEST(ValidateApplicable, SessionIdDoesNotApplyToTypeI) {
  ErspanDestination d = collector(ErspanVersion::kTypeI);
  d.session_id = 9;
  auto issues = check(erspanSession(d));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_TRUE(issues[0].starts_with("destination.session_id: 9 does not apply to version 1"));
  d.version = ErspanVersion::kGre;  // the GRE key
  EXPECT_EQ(check(erspanSession(d)), Texts{});
}

TEST(ValidateApplicable, OutOfRangeValuesGetOnlyTheirRangeError) {
  ErspanDestination d = collector(ErspanVersion::kTypeII);
  d.hwid = 64;
  EXPECT_EQ(check(erspanSession(d)), Texts{"destination.hwid: 64 is above 63"});
}

TEST(ValidateApplicable, TypeIIIndexBit19OnlyWithoutEgress) {
  ErspanDestination d = collector(ErspanVersion::kTypeII);
  d.index = 0x80001;
  Session s = erspanSession(d);
  auto issues = check(s);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_TRUE(issues[0].starts_with("destination.index: 524289 has bit 19 (0x80000) set"));
  s.sources[0].direction = Direction::kIngress;
  EXPECT_EQ(check(s), Texts{});
}

TEST(ValidateApplicable, BridgeDoesNotApplyWhereThePortPlacesTheSession) {
  Session s = localSession();
  s.bridge = "br0";
  EXPECT_EQ(check(s), Texts{"bridge: \"br0\" does not apply to type local: the session lives on "
                            "the bridge of its destination port (remove it)"});
  Session remote = erspanSession();
  remote.bridge = "br0";
  EXPECT_EQ(check(remote), Texts{});
}

}  // namespace
}  // namespace ovse::manager
