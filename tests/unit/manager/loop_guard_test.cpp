// The loop guard: a session whose collector is reached through a port of the bridge it mirrors,
// and that mirrors that port, an uplink there or every packet, is refused (and its rows go);
// VM ports on that bridge, other bridges and unknown routes are fine.
#include <gtest/gtest.h>

#include "fake_switch.h"
#include "mirror_manager/reconciler.h"

namespace ovse::manager {
namespace {

using test::FakeSwitch;

class LoopGuardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // One bridge carrying the VMs, the host's IP (internal port br0) and its uplink eth0.
    fake.addPort("br0", "vm1", {{"iface-id", "vm-a"}});
    fake.addPort("br0", "br0");
    fake.addPort("br0", "eth0");
    fake.addPort("br1", "vm9", {{"iface-id", "vm-z"}});
  }

  static Session session(std::vector<Source> sources, bool select_all = false) {
    Session s;
    s.name = "x";
    s.type = SessionType::kErspan;
    s.sources = std::move(sources);
    s.select_all = select_all;
    if (s.sources.empty()) s.bridge = "br0";
    s.destination = ErspanDestination{.remote_ip = "10.99.0.2", .session_id = 7};
    return s;
  }

  SessionStatus statusOf(const Session& s, const std::string& via = "br0") {
    ReconcileScope scope;
    if (!via.empty()) scope.collector_routes["10.99.0.2"] = via;
    std::vector<Session> sessions{s};
    return reconcile(sessions, *fake.state(), scope).statuses.at(0);
  }

  FakeSwitch fake;
};

TEST_F(LoopGuardTest, VmPortsOnTheRouteBridgeAreFine) {
  auto st = statusOf(session({{.iface_id = "vm-a"}}));
  EXPECT_EQ(st.state, SessionState::kActive) << (st.problems.empty() ? "" : st.problems[0]);
}

TEST_F(LoopGuardTest, MirroringTheUplinkOrTheRoutePortIsRefused) {
  auto uplink = statusOf(session({{.port = "eth0"}}));
  EXPECT_EQ(uplink.state, SessionState::kError);
  ASSERT_EQ(uplink.problems.size(), 1u);
  EXPECT_EQ(uplink.problems[0],
            "destination.remote_ip 10.99.0.2 is reached through br0, a port of bridge br0, and "
            "this session mirrors eth0, a port without a VM identity (an uplink) that carries "
            "them: the session would mirror its own ERSPAN packets without end");
  auto local = statusOf(session({{.port = "br0", .direction = Direction::kIngress}}));
  EXPECT_EQ(local.state, SessionState::kError);
  EXPECT_NE(local.problems.at(0).find("this session mirrors br0:"), std::string::npos);
}

TEST_F(LoopGuardTest, SelectAllOnTheRouteBridgeIsRefusedAndItsRowsGo) {
  auto s = session({}, /*select_all=*/true);
  // Programmed while the route was unknown...
  std::vector<Session> sessions{s};
  auto plan = reconcile(sessions, *fake.state());
  ASSERT_FALSE(plan.actions.empty());
  ASSERT_TRUE(fake.apply(plan.actions).has_value());
  ASSERT_FALSE(fake.state()->mirrors.empty());
  // ...and removed once the route is known to loop.
  ReconcileScope scope;
  scope.collector_routes["10.99.0.2"] = "br0";
  auto looped = reconcile(sessions, *fake.state(), scope);
  EXPECT_EQ(looped.statuses[0].state, SessionState::kError);
  EXPECT_NE(looped.statuses[0].problems.at(0).find("mirrors every packet"), std::string::npos);
  ASSERT_TRUE(fake.apply(looped.actions).has_value());
  EXPECT_TRUE(fake.state()->mirrors.empty());
}

TEST_F(LoopGuardTest, OtherBridgesAndUnknownRoutesAreNotChecked) {
  auto other = session({{.port = "vm9"}}, false);
  EXPECT_EQ(statusOf(other).state, SessionState::kActive);  // br1 is not the route's bridge
  EXPECT_EQ(statusOf(session({{.port = "eth0"}}), "").state, SessionState::kActive);
  EXPECT_EQ(statusOf(session({{.port = "eth0"}}), "wlan0").state, SessionState::kActive);
}

}  // namespace
}  // namespace ovse::manager
