// Several collectors on one erspan session: JSON reads both forms (a stored `remote_ip` still
// loads) and writes one collector as before; the rules name each collector by its path; the
// native rows are a tunnel port and a Mirror per collector (and direction), the first keeping
// its port name; one collector without a route degrades the session, all of them make it wait;
// OVN gets a Mirror row per sink.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fake_switch.h"
#include "mirror_manager/ovn_plan.h"
#include "mirror_manager/reconciler.h"
#include "mirror_manager/session_json.h"
#include "validation_helpers.h"

namespace ovse::manager {
namespace {

using nlohmann::json;
using ovse::test::FakeSwitch;

Session twoCollectors(ErspanVersion version = ErspanVersion::kTypeII) {
  Session s = test::erspanSession({.remote_ip = "192.0.2.10",
                                   .more_remote_ips = {"192.0.2.11"},
                                   .version = version,
                                   .session_id = 7});
  s.sources = {{.port = "vm1"}};
  return s;
}

std::string jsonError(const char* destination) {
  auto s = sessionFromJson(json::parse(std::string(R"({"name": "s", "type": "erspan",
      "sources": [{"port": "vm1"}], "destination": )") + destination + "}"));
  return s ? std::string("ok") : s.error().text();
}

TEST(ErspanCollectors, JsonReadsBothFormsAndWritesOneCollectorAsBefore) {
  auto old = sessionFromJson(json::parse(R"({"name": "s", "type": "erspan",
      "sources": [{"port": "vm1"}], "destination": {"remote_ip": "192.0.2.10"}})"));
  ASSERT_TRUE(old);
  EXPECT_EQ(sessionToJson(*old)["destination"]["remote_ip"], "192.0.2.10");
  EXPECT_FALSE(sessionToJson(*old)["destination"].contains("remote_ips"));
  auto many = sessionFromJson(json::parse(R"({"name": "s", "type": "erspan",
      "sources": [{"port": "vm1"}],
      "destination": {"remote_ips": ["192.0.2.10", "2001:db8::5"], "session_id": 3}})"));
  ASSERT_TRUE(many) << many.error().text();
  EXPECT_EQ(collectorIps(std::get<ErspanDestination>(many->destination)),
            (std::vector<std::string>{"192.0.2.10", "2001:db8::5"}));
  const json out = sessionToJson(*many)["destination"];
  EXPECT_EQ(out["remote_ips"], json::parse(R"(["192.0.2.10", "2001:db8::5"])"));
  EXPECT_FALSE(out.contains("remote_ip"));
  // What is printed reads back as the same session.
  EXPECT_EQ(sessionFromJson(sessionToJson(*many)).value(), *many);
}

TEST(ErspanCollectors, JsonRefusesBothFormsAndBadLists) {
  EXPECT_EQ(jsonError(R"({"remote_ip": "192.0.2.1", "remote_ips": ["192.0.2.2"]})"),
            "destination.remote_ips: give remote_ip (one) or remote_ips (a list), not both");
  EXPECT_EQ(jsonError(R"({"remote_ips": []})"),
            "destination.remote_ips: [] is empty; give at least one remote_ip");
  EXPECT_EQ(jsonError(R"({"remote_ips": ["192.0.2.1", {}]})"),
            "destination.remote_ips[1]: expected a string, got {}");
}

TEST(ErspanCollectors, RulesNameEachCollector) {
  Session s = twoCollectors();
  std::get<ErspanDestination>(s.destination).more_remote_ips = {"192.0.2.10", "nope", ""};
  EXPECT_EQ(test::check(s),
            (test::Texts{"destination.remote_ips[1]: \"192.0.2.10\" is listed twice",
                         "destination.remote_ips[2]: \"nope\" is not an IPv4 or IPv6 address",
                         "destination.remote_ips[3]: required for type erspan"}));
}

TEST(ErspanCollectors, OneAddressWrittenTwoWaysIsListedTwice) {
  Session s = test::erspanSession({.remote_ip = "2001:db8::1", .more_remote_ips = {"2001:DB8:0::1"}});
  EXPECT_EQ(test::check(s), test::Texts{"destination.remote_ips[1]: \"2001:DB8:0::1\" is listed "
                                        "twice (as 2001:db8::1)"});
  Session other = test::erspanSession({.remote_ip = "2001:DB8::1"});
  other.name = "other";
  std::vector<Session> others{other};
  s.destination = ErspanDestination{.remote_ip = "2001:db8::1"};
  EXPECT_EQ(test::check(s, others),
            test::Texts{"warning: destination.session_id: 0 is also used by session \"other\" "
                        "to 2001:DB8::1; the collector cannot tell them apart"});
}

TEST(ErspanCollectors, ASharedCollectorAndIdWarnsWhicheverPlaceItHasInTheList) {
  Session other = test::erspanSession({.remote_ip = "192.0.2.11", .session_id = 7});
  other.name = "other";
  std::vector<Session> others{other};
  EXPECT_EQ(test::check(twoCollectors(), others),
            test::Texts{"warning: destination.session_id: 7 is also used by session \"other\" "
                        "to 192.0.2.11; the collector cannot tell them apart"});
}

TEST(ErspanCollectors, TheMirrorLimitCountsCollectorsTimesDirections) {
  Session s = twoCollectors();
  auto& d = std::get<ErspanDestination>(s.destination);
  d.more_remote_ips.clear();
  for (int i = 1; i < 16; ++i) d.more_remote_ips.push_back("192.0.2." + std::to_string(20 + i));
  EXPECT_EQ(test::check(s), test::Texts{}) << "16 collectors x 2 directions = 32";
  d.more_remote_ips.push_back("192.0.2.99");
  EXPECT_EQ(test::check(s), test::Texts{"destination.remote_ips: 17 collectors need 34 mirrors; "
                                        "OVS allows at most 32 on a bridge"});
  s.sources[0].direction = Direction::kIngress;
  EXPECT_EQ(test::check(s), test::Texts{}) << "one direction: 17 mirrors";
  d.backend = ErspanBackend::kExporter;
  for (int i = 0; i < 40; ++i) d.more_remote_ips.push_back("198.51.100." + std::to_string(i));
  EXPECT_EQ(test::check(s), test::Texts{}) << "one exporter sends to every collector";
}

class ErspanCollectorRows : public ::testing::Test {
 protected:
  void SetUp() override { fake_.addPort("br0", "vm1", {{"iface-id", "vm-a"}}); }
  FakeSwitch fake_;
};

TEST_F(ErspanCollectorRows, ATunnelAndAMirrorPerCollectorAndDirection) {
  std::vector<Session> sessions{twoCollectors()};
  auto plan = reconcile(sessions, *fake_.state());
  const SessionStatus& status = plan.statuses.at(0);
  ASSERT_EQ(status.state, SessionState::kActive) << ::testing::PrintToString(status.problems);
  EXPECT_EQ(status.mirrors, (std::vector<std::string>{
                                "remote:ingress@192.0.2.10", "remote:ingress@192.0.2.11",
                                "remote:egress@192.0.2.10", "remote:egress@192.0.2.11"}));
  const std::string in = ownedPortName("remote", "ingress");
  const std::string out = ownedPortName("remote", "egress");
  EXPECT_EQ(status.ports, (std::vector<std::string>{in, in + "1", out, out + "1"}));
  ASSERT_TRUE(fake_.apply(plan.actions).has_value());
  const auto state = fake_.state();
  for (const auto& [port, ip] : std::vector<std::pair<std::string, std::string>>{
           {in, "192.0.2.10"}, {in + "1", "192.0.2.11"}, {out + "1", "192.0.2.11"}}) {
    const ovs::Port* p = state->portByName(port);
    ASSERT_NE(p, nullptr) << port;
    const ovs::Interface* iface = state->interfaceByUuid(p->interface_uuids.at(0));
    EXPECT_EQ(ovs::valueOf(iface->options, "remote_ip"), ip) << port;
    EXPECT_EQ(ovs::valueOf(iface->options, "out_key"), "7") << port;
  }
  EXPECT_TRUE(reconcile(sessions, *fake_.state()).actions.empty()) << "converged";
}

TEST_F(ErspanCollectorRows, OneCollectorWithoutARouteDegradesTheSessionNoneWithARouteMakesItWait) {
  std::vector<Session> sessions{twoCollectors(ErspanVersion::kGre)};
  ASSERT_TRUE(fake_.apply(reconcile(sessions, *fake_.state()).actions).has_value());
  const std::string second = ownedPortName("remote", "all") + "1";
  fake_.reportInterface(second, std::nullopt, {});  // set up, no tunnel_egress_iface
  SessionStatus status = reconcile(sessions, *fake_.state()).statuses.at(0);
  EXPECT_EQ(status.state, SessionState::kDegraded);
  ASSERT_EQ(status.missing.size(), 1u);
  EXPECT_EQ(status.missing[0].rfind("a route to the collector 192.0.2.11: ", 0), 0u)
      << status.missing[0];
  fake_.reportInterface(ownedPortName("remote", "all"), std::nullopt, {});
  status = reconcile(sessions, *fake_.state()).statuses.at(0);
  EXPECT_EQ(status.state, SessionState::kWaiting);
  EXPECT_EQ(status.missing.size(), 2u);
}

TEST_F(ErspanCollectorRows, TheLoopGuardNamesTheCollectorThatLoops) {
  ReconcileScope scope;
  scope.collector_routes["192.0.2.11"] = "vm1";
  std::vector<Session> sessions{twoCollectors()};
  const SessionStatus status = reconcile(sessions, *fake_.state(), scope).statuses.at(0);
  EXPECT_EQ(status.state, SessionState::kError);
  ASSERT_EQ(status.problems.size(), 1u);
  EXPECT_EQ(status.problems[0].rfind("destination.remote_ips[1] 192.0.2.11 is reached through vm1",
                                     0),
            0u)
      << status.problems[0];
}

TEST(ErspanCollectorsOvn, AMirrorRowPerSink) {
  Session s = twoCollectors();
  s.sources = {{.port = "lsp1", .direction = Direction::kIngress}};
  std::vector<Session> sessions{s};
  const OvnPlan plan = planOvnMirrors(sessions);
  ASSERT_EQ(plan.statuses.at(0).state, SessionState::kActive)
      << ::testing::PrintToString(plan.statuses[0].problems);
  ASSERT_EQ(plan.mirrors.size(), 2u);
  EXPECT_EQ(plan.mirrors[0].name, "remote@192.0.2.10");
  EXPECT_EQ(plan.mirrors[0].sink, "192.0.2.10");
  EXPECT_EQ(plan.mirrors[1].name, "remote@192.0.2.11");
  EXPECT_EQ(plan.mirrors[1].sink, "192.0.2.11");
  EXPECT_EQ(plan.mirrors[1].index, 7);
}

}  // namespace
}  // namespace ovse::manager
