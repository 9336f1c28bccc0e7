// Static session validation: one test per rule, each checking the exact message (path and value).
#include "mirror_manager/validation.h"

#include <gtest/gtest.h>

#include "unit/manager/validation_helpers.h"

namespace ovse::manager {
namespace {

using test::check;
using test::erspanSession;
using test::localSession;
using test::Texts;
using Severity = Issue::Severity;

TEST(ValidateSession, AcceptsAValidSessionOfEachType) {
  EXPECT_EQ(check(localSession()), Texts{});
  EXPECT_EQ(check(erspanSession()), Texts{});
  Session rspan = localSession();
  rspan.type = SessionType::kRspan;
  rspan.destination = RspanDestination{.vlan = 999, .uplink = "eth1"};
  EXPECT_EQ(check(rspan), Texts{});
  Session capture = localSession();
  capture.type = SessionType::kCapture;
  capture.destination = CaptureDestination{"web.pcapng"};
  capture.sampling_rate = 4;
  capture.filter = "tcp";
  EXPECT_EQ(check(capture), Texts{});
}

TEST(ValidateSession, NameMustNotBeEmpty) {
  EXPECT_EQ(check(localSession("")), Texts{"name: must not be empty"});
}

TEST(ValidateSession, NameLengthLimit) {
  EXPECT_EQ(check(localSession(std::string(64, 'a'))), Texts{});
  EXPECT_EQ(check(localSession(std::string(65, 'a'))),
            Texts{"name: \"" + std::string(65, 'a') + "\" is 65 characters long; the limit is 64"});
}

TEST(ValidateSession, NameCharset) {
  EXPECT_EQ(check(localSession("web 1")),
            Texts{R"(name: "web 1" has ' ' at position 4; use letters, digits, '.', '_' and '-')"});
  EXPECT_EQ(check(localSession("a/b")),
            Texts{R"(name: "a/b" has '/' at position 2; use letters, digits, '.', '_' and '-')"});
  EXPECT_EQ(
      check(localSession("a\tb")),
      Texts{R"(name: "a\tb" has byte 0x09 at position 2; use letters, digits, '.', '_' and '-')"});
  EXPECT_EQ(check(localSession("v1.2_x-y")), Texts{});
}

TEST(ValidateSession, NameMustStartWithALetterOrDigit) {
  EXPECT_EQ(check(localSession(".hidden")),
            Texts{R"(name: ".hidden" must start with a letter or digit)"});
  EXPECT_EQ(check(localSession("-x")), Texts{R"(name: "-x" must start with a letter or digit)"});
}

TEST(ValidateSession, NameMustBeUniqueUnlessReplacingItself) {
  std::vector<Session> others{localSession("web")};
  std::get<LocalDestination>(others[0].destination).port = "tap-other";
  EXPECT_EQ(check(localSession("web"), others),
            Texts{R"(name: "web" is already the name of another session)"});
  EXPECT_EQ(check(localSession("web"), others, "web"), Texts{});
  // Renaming "old" to "web" while "web" exists still collides.
  EXPECT_EQ(check(localSession("web"), others, "old"),
            Texts{R"(name: "web" is already the name of another session)"});
}

TEST(ValidateSession, SourceNeedsExactlyOneIdentity) {
  Session s = localSession();
  s.sources = {{.port = "p1", .mac = "aa:bb:cc:dd:ee:ff"}, {}};
  EXPECT_EQ(check(s), (Texts{"sources[0]: has port and mac; give exactly one of port, iface_id, "
                             "mac, vm",
                             "sources[1]: no identity; give one of port, iface_id, mac, vm"}));
}

TEST(ValidateSession, SourceMacSyntax) {
  Session s = localSession();
  s.sources = {
      {.mac = "AA:bb:cc:dd:ee:ff"}, {.mac = "aa:bb:cc:dd:ee"}, {.mac = "aa-bb-cc-dd-ee-ff"}};
  EXPECT_EQ(
      check(s),
      (Texts{R"(sources[1].mac: "aa:bb:cc:dd:ee" is not a MAC address (xx:xx:xx:xx:xx:xx))",
             R"(sources[2].mac: "aa-bb-cc-dd-ee-ff" is not a MAC address (xx:xx:xx:xx:xx:xx))"}));
}

TEST(NormalizeMac, LowerCasesAndRejectsBadSyntax) {
  EXPECT_EQ(normalizeMac("AA:bB:0c:DD:ee:FF"), "aa:bb:0c:dd:ee:ff");
  EXPECT_EQ(normalizeMac("aa:bb:cc:dd:ee:fg"), std::nullopt);
  EXPECT_EQ(normalizeMac("aabb.ccdd.eeff"), std::nullopt);
  EXPECT_EQ(normalizeMac(""), std::nullopt);
}

TEST(ValidateSession, SourceDirectionMustBeValid) {
  Session s = localSession();
  s.sources[0].direction = static_cast<Direction>(7);
  EXPECT_EQ(check(s), Texts{"sources[0].direction: 7 is not one of ingress, egress, both"});
}

TEST(ValidateSession, NeedsSomethingToMirror) {
  Session s = localSession();
  s.sources.clear();
  EXPECT_EQ(check(s),
            Texts{"sources: none given; a session needs sources, select_vlans or select_all"});
  s.select_all = true;
  EXPECT_EQ(check(s), Texts{});
  s.select_all = false;
  s.select_vlans = {10};
  EXPECT_EQ(check(s), Texts{});
}

TEST(ValidateSession, SelectVlansRange) {
  Session s = localSession();
  s.select_vlans = {1, 0, 4095, 4096};
  EXPECT_EQ(check(s),
            (Texts{"select_vlans[1]: 0 is below 1", "select_vlans[3]: 4096 is above 4095"}));
}

TEST(ValidateSession, SnaplenRangeAndVsphereMinimum) {
  Session s = localSession();
  s.mirrored_packet_length = 13;
  EXPECT_EQ(check(s), Texts{"mirrored_packet_length: 13 is below 14"});
  s.mirrored_packet_length = 65536;
  EXPECT_EQ(check(s), Texts{"mirrored_packet_length: 65536 is above 65535"});
  s.mirrored_packet_length = 14;
  EXPECT_EQ(check(s), Texts{"warning: mirrored_packet_length: 14 is below 60, vSphere's minimum"});
  s.mirrored_packet_length = 60;
  EXPECT_EQ(check(s), Texts{});
  s.mirrored_packet_length = 65535;
  EXPECT_EQ(check(s), Texts{});
}

TEST(ValidateSession, WarningsAloneAreNotErrors) {
  Session s = localSession();
  s.mirrored_packet_length = 40;
  auto issues = validateSession(s, {});
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].severity, Severity::kWarning);
  EXPECT_FALSE(hasErrors(issues));
  s.mirrored_packet_length = 10;
  EXPECT_TRUE(hasErrors(validateSession(s, {})));
  EXPECT_STREQ(toString(Severity::kError), "error");
  EXPECT_STREQ(toString(Severity::kWarning), "warning");
}

TEST(ValidateSession, DestinationKindMustMatchType) {
  Session s = localSession();
  s.destination = CaptureDestination{"x.pcap"};
  EXPECT_EQ(check(s), Texts{"destination: a capture destination ({file}) does not fit type local, "
                            "which needs a local destination ({port})"});
  s.type = SessionType::kRspan;
  s.destination = ErspanDestination{};
  EXPECT_EQ(check(s), Texts{"destination: an erspan destination ({remote_ip, ...}) does not fit "
                            "type rspan, which needs an rspan destination ({vlan, uplink})"});
}

TEST(ValidateSession, TypeMustBeValid) {
  Session s = localSession();
  s.type = static_cast<SessionType>(9);
  EXPECT_EQ(check(s), Texts{"type: 9 is not one of local, rspan, erspan, capture, "
                                 "rspan-destination"});
}

}  // namespace
}  // namespace ovse::manager
