// Several analyzer ports on a local session: JSON reads both forms (a stored `port` still loads)
// and writes one port as before; the rules name each port by its path; the rows are one Mirror
// per port, each selecting the same; a port that is elsewhere is missing, not programmed.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fake_switch.h"
#include "mirror_manager/reconciler.h"
#include "mirror_manager/session_json.h"
#include "validation_helpers.h"

namespace ovse::manager {
namespace {

using nlohmann::json;
using ovse::test::FakeSwitch;

Session twoPorts() {
  Session s = test::localSession();
  s.destination = LocalDestination{.port = "tap", .more_ports = {"tap2"}};
  return s;
}

TEST(DestinationPorts, JsonReadsBothFormsAndWritesOnePortAsBefore) {
  auto old = sessionFromJson(json::parse(R"({"name": "s", "type": "local",
      "sources": [{"port": "vm1"}], "destination": {"port": "tap"}})"));
  ASSERT_TRUE(old);
  EXPECT_EQ(sessionToJson(*old)["destination"], json::parse(R"({"port": "tap"})"));
  auto many = sessionFromJson(json::parse(R"({"name": "s", "type": "local",
      "sources": [{"port": "vm1"}], "destination": {"ports": ["tap", "tap2"]}})"));
  ASSERT_TRUE(many) << many.error().text();
  EXPECT_EQ(destinationPorts(std::get<LocalDestination>(many->destination)),
            (std::vector<std::string>{"tap", "tap2"}));
  EXPECT_EQ(sessionToJson(*many)["destination"], json::parse(R"({"ports": ["tap", "tap2"]})"));
}

TEST(DestinationPorts, JsonRefusesBothFormsAndBadLists) {
  auto error = [](const char* destination) {
    auto s = sessionFromJson(json::parse(std::string(R"({"name": "s", "type": "local",
        "sources": [{"port": "vm1"}], "destination": )") + destination + "}"));
    return s ? std::string("ok") : s.error().text();
  };
  EXPECT_EQ(error(R"({"port": "a", "ports": ["b"]})"),
            "destination.ports: give port (one) or ports (a list), not both");
  EXPECT_EQ(error(R"({"ports": []})"), "destination.ports: [] is empty; give at least one port");
  EXPECT_EQ(error(R"({"ports": ["a", 5]})"), "destination.ports[1]: expected a string, got 5");
  EXPECT_EQ(error(R"({"ports": "a"})").substr(0, 19), "destination.ports: ");
  Session first_empty = twoPorts();
  std::get<LocalDestination>(first_empty.destination).port = "";
  EXPECT_EQ(test::check(first_empty), test::Texts{"destination.ports[0]: required for type local"});
}

TEST(DestinationPorts, RulesNameEachPort) {
  Session s = twoPorts();
  std::get<LocalDestination>(s.destination).more_ports = {"tap", ""};
  EXPECT_EQ(test::check(s), (test::Texts{"destination.ports[2]: must not be empty",
                                         "destination.ports[1]: \"tap\" is listed twice"}));
  Session taken = twoPorts();
  Session other = test::localSession("other");
  other.destination = LocalDestination{"tap2"};
  std::vector<Session> others{other};
  EXPECT_EQ(test::check(taken, others),
            test::Texts{"destination.ports[1]: \"tap2\" is already the destination of session "
                        "\"other\""});
  // ...and the other way round: a single port taken by one of several.
  std::vector<Session> many{twoPorts()};
  EXPECT_EQ(test::check(other, many),
            test::Texts{"destination.port: \"tap2\" is already the destination of session "
                        "\"web\""});
}

TEST(DestinationPorts, MoreThan32PortsAreRefusedUpFront) {
  Session s = test::localSession();
  LocalDestination d{.port = "p0"};
  for (int i = 1; i < 33; ++i) d.more_ports.push_back("p" + std::to_string(i));
  s.destination = d;
  EXPECT_EQ(test::check(s), test::Texts{"destination.ports: 33 ports need 33 mirrors; OVS allows "
                                        "at most 32 on a bridge"});
}

class DestinationPortRows : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_.addPort("br0", "vm1", {{"iface-id", "vm-a"}});
    fake_.addPort("br0", "tap");
    fake_.addPort("br0", "tap2");
    fake_.addPort("br1", "tap3");
  }
  FakeSwitch fake_;
};

TEST_F(DestinationPortRows, OneMirrorPerPortEachSelectingTheSame) {
  std::vector<Session> sessions{twoPorts()};
  auto plan = reconcile(sessions, *fake_.state());
  ASSERT_EQ(plan.statuses.at(0).state, SessionState::kActive);
  EXPECT_EQ(plan.statuses[0].mirrors, (std::vector<std::string>{"web@tap", "web@tap2"}));
  ASSERT_TRUE(fake_.apply(plan.actions).has_value());
  const auto state = fake_.state();
  ASSERT_EQ(state->mirrors.size(), 2u);
  for (const auto& m : state->mirrors) {
    EXPECT_EQ(m.select_src_port, state->mirrors[0].select_src_port);
    EXPECT_EQ(m.select_dst_port, state->mirrors[0].select_dst_port);
    EXPECT_EQ(m.select_src_port.size(), 1u);
  }
  EXPECT_NE(state->mirrors[0].output_port, state->mirrors[1].output_port);
  EXPECT_TRUE(reconcile(sessions, *fake_.state()).actions.empty()) << "converged";
}

TEST_F(DestinationPortRows, PortOnAnotherBridgeIsMissingAndNotProgrammed) {
  Session s = twoPorts();
  std::get<LocalDestination>(s.destination).more_ports = {"tap3"};
  std::vector<Session> sessions{s};
  auto status = reconcile(sessions, *fake_.state()).statuses.at(0);
  EXPECT_EQ(status.state, SessionState::kDegraded);
  EXPECT_EQ(status.missing, std::vector<std::string>{"destination port tap3 (on br1, not br0)"});
  EXPECT_EQ(status.mirrors, std::vector<std::string>{"web"});
}

TEST_F(DestinationPortRows, TheLimitCountsEveryMirrorTheSessionNeeds) {
  // 31 mirrors of someone else leave room for one: a two-port session is refused whole.
  for (int i = 0; i < 31; ++i) fake_.addForeignMirror("br0", "theirs" + std::to_string(i), "tap3");
  std::vector<Session> sessions{twoPorts()};
  auto plan = reconcile(sessions, *fake_.state());
  ASSERT_EQ(plan.statuses.at(0).state, SessionState::kError);
  EXPECT_EQ(plan.statuses[0].problems,
            std::vector<std::string>{"bridge br0 would have 33 mirrors; OVS allows at most 32"});
  EXPECT_TRUE(plan.actions.empty());
}

}  // namespace
}  // namespace ovse::manager
