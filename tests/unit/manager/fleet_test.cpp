// Fleet logic without sockets: the fleet-mode reconcile rule (no rows where no source is), the
// inventory's JSON and flag forms, and fleet-wide session status.
#include <gtest/gtest.h>

#include "converge.h"
#include "fake_switch.h"
#include "mirror_manager/fleet/fleet_status.h"
#include "mirror_manager/fleet/inventory.h"
#include "mirror_manager/reconciler.h"

namespace ovse::manager {
namespace {

using test::FakeSwitch;

Session erspanSession(const std::string& name, const std::string& iface_id) {
  Session s;
  s.name = name;
  s.type = SessionType::kErspan;
  s.sources = {{.iface_id = iface_id, .direction = Direction::kBoth}};
  s.destination = ErspanDestination{.remote_ip = "10.99.0.2", .session_id = 7};
  return s;
}

// Two hosts, each with br0 and an underlay bridge (so no single-bridge fallback applies).
class FleetReconcileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (FakeSwitch* host : {&a, &b}) {
      host->addPort("br0", "peer", {{"iface-id", "vm-peer"}});
      host->addPort("br-ul", "uplink");
    }
    a.addPort("br0", "web", {{"iface-id", "vm-web"}});
  }
  FakeSwitch a, b;
  std::vector<Session> sessions{erspanSession("s", "vm-web")};
  ReconcileScope fleet{.fleet = true};
};

TEST_F(FleetReconcileTest, SessionIsProgrammedOnlyWhereItsSourceIs) {
  auto on_a = converge(a, sessions, fleet);
  auto on_b = converge(b, sessions, fleet);
  EXPECT_EQ(on_a[0].state, SessionState::kActive);
  EXPECT_EQ(on_b[0].state, SessionState::kWaiting);
  EXPECT_TRUE(on_b[0].problems.empty()) << on_b[0].problems[0];
  EXPECT_EQ(a.state()->mirrors.size(), 2u);  // ingress + egress (ERSPAN II)
  EXPECT_TRUE(b.state()->mirrors.empty());
  EXPECT_EQ(b.state()->ports.size(), 2u);  // no tunnel port either
}

TEST_F(FleetReconcileTest, FleetModeRemovesRowsEvenWithANamedBridge) {
  sessions[0].bridge = "br0";
  converge(a, sessions, fleet);
  a.deletePort("web");
  auto statuses = converge(a, sessions, fleet);
  EXPECT_EQ(statuses[0].state, SessionState::kWaiting);
  EXPECT_TRUE(a.state()->mirrors.empty());
}

TEST_F(FleetReconcileTest, MirrorFollowsTheVmToAnotherHost) {
  converge(a, sessions, fleet);
  converge(b, sessions, fleet);
  a.deletePort("web");
  b.addPort("br0", "web-new", {{"iface-id", "vm-web"}});
  auto on_a = converge(a, sessions, fleet);
  auto on_b = converge(b, sessions, fleet);
  EXPECT_TRUE(a.state()->mirrors.empty()) << "rows left behind on the old host";
  EXPECT_EQ(a.state()->ports.size(), 2u) << "tunnel ports left behind on the old host";
  EXPECT_EQ(on_b[0].state, SessionState::kActive);
  ASSERT_EQ(b.state()->mirrors.size(), 2u);
}

TEST_F(FleetReconcileTest, SingleHostModeStillKeepsRowsForAReturningSource) {
  sessions[0].bridge = "br0";
  converge(a, sessions, {});
  a.deletePort("web");
  auto plan = reconcile(sessions, *a.state(), {});
  EXPECT_TRUE(plan.actions.empty());
  EXPECT_EQ(plan.statuses[0].state, SessionState::kWaiting);
}

TEST(FleetInventory, ParsesEntriesAndOptionalFields) {
  auto hosts = parseInventory(R"([{"name": "hv1", "db": "tcp:127.0.0.1:6640"},
      {"name": "hv2", "db": "unix:/run/db.sock", "vswitchd_ctl": "/run/vs.ctl"}])");
  ASSERT_TRUE(hosts.has_value()) << hosts.error();
  ASSERT_EQ(hosts->size(), 2u);
  EXPECT_EQ((*hosts)[0], (HostEntry{.name = "hv1", .db = "tcp:127.0.0.1:6640"}));
  EXPECT_EQ((*hosts)[1].vswitchd_ctl, "/run/vs.ctl");
  EXPECT_TRUE(checkInventory(*hosts).has_value());
}

TEST(FleetInventory, ErrorsNameTheEntryAndField) {
  EXPECT_EQ(parseInventory(R"([{"name": "hv1"}])").error(), "hosts[0].db: missing");
  EXPECT_EQ(parseInventory(R"([{"name": "a", "db": "tcp:x:1", "colour": 1}])").error(),
            "hosts[0].colour: unknown field");
  EXPECT_EQ(parseInventory(R"([{"name": 3, "db": "tcp:x:1"}])").error(),
            "hosts[0].name: not a string");
  EXPECT_EQ(parseInventory("{").error(),
            "hosts: malformed JSON at byte 2: syntax error while parsing object key - unexpected "
            "end of input; expected string literal");
  EXPECT_EQ(parseInventory(std::string(100'000, '[')).error(),
            "hosts: JSON nested deeper than 64 levels at byte 65");
  EXPECT_EQ(parseInventory("{}").error(), "hosts: not a JSON array");
}

TEST(FleetInventory, HostFlagIsNameEqualsRemote) {
  auto h = parseHostFlag("hv1=tcp:127.0.0.1:6640");
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->name, "hv1");
  EXPECT_EQ(h->db, "tcp:127.0.0.1:6640");
  EXPECT_EQ(parseHostFlag("hv1").error(), "--host hv1: expected NAME=REMOTE");
  EXPECT_FALSE(parseHostFlag("=tcp:1.2.3.4:1").has_value());
}

TEST(FleetInventory, RejectsDuplicatesBadNamesRemotesAndMixedSslIdentities) {
  HostEntry a{.name = "hv1", .db = "tcp:127.0.0.1:1"};
  EXPECT_EQ(checkInventory({a, a}).error(), "host hv1: listed twice");
  EXPECT_FALSE(checkInventory({}).has_value());
  EXPECT_FALSE(checkInventory({{.name = "hv 1", .db = "tcp:1.2.3.4:1"}}).has_value());
  EXPECT_EQ(checkInventory({{.name = "hv1", .db = "http://x"}}).error(),
            "host hv1: db http://x: expected tcp:IP:PORT, ssl:IP:PORT or unix:PATH");
  HostEntry s1{.name = "s1",
               .db = "ssl:1.2.3.4:6640",
               .private_key = "k",
               .certificate = "c",
               .ca_cert = "ca"};
  HostEntry s2 = s1;
  s2.name = "s2";
  EXPECT_TRUE(checkInventory({s1, s2}).has_value());
  s2.private_key = "other";
  EXPECT_FALSE(checkInventory({s1, s2}).has_value());
  s2.private_key.clear();
  EXPECT_FALSE(checkInventory({s2}).has_value());
}

// Fleet-wide status from hosts a (source and rows) and b (nothing), connected or not.
class FleetStatusTest : public FleetReconcileTest {
 protected:
  std::vector<FleetSessionStatus> statuses(bool a_connected) {
    std::vector<HostObservation> hosts{
        {"a", a_connected, a.state(), reconcile(sessions, *a.state(), fleet).statuses},
        {"b", true, b.state(), reconcile(sessions, *b.state(), fleet).statuses}};
    return fleetStatuses(sessions, hosts);
  }
};

TEST_F(FleetStatusTest, ActiveWhereTheSourceIsAndWaitingWhenItIsNowhere) {
  converge(a, sessions, fleet);
  auto s = statuses(true);
  EXPECT_EQ(s[0].state, SessionState::kActive);
  EXPECT_EQ(s[0].hosts, std::vector<std::string>{"a"});
  a.deletePort("web");
  converge(a, sessions, fleet);
  s = statuses(true);
  EXPECT_EQ(s[0].state, SessionState::kWaiting);
  EXPECT_EQ(s[0].missing, std::vector<std::string>{"iface_id vm-web (not present on any host)"});
}

TEST_F(FleetStatusTest, UnreachableHostLeavesItsSessionsDegraded) {
  converge(a, sessions, fleet);
  auto s = statuses(false);
  EXPECT_EQ(s[0].state, SessionState::kDegraded);
  ASSERT_EQ(s[0].problems.size(), 1u);
  EXPECT_EQ(s[0].problems[0], "iface_id vm-web is on unreachable host a");
}

TEST_F(FleetStatusTest, ErrorOnAReachableHostIsTheSessionsError) {
  converge(a, sessions, fleet);
  b.addPort("br0", "web2", {{"iface-id", "vm-web"}});
  auto taken = ownedPortName("s", "ingress");
  b.addPort("br0", taken);  // a port of the same name that is not ours
  auto s = statuses(true);
  EXPECT_EQ(s[0].state, SessionState::kError);
  ASSERT_FALSE(s[0].problems.empty());
  EXPECT_EQ(s[0].problems[0].rfind("b: port name", 0), 0u) << s[0].problems[0];
}

TEST(FleetStatus, DisabledSessionsAndHostsNeverReached) {
  Session s = erspanSession("off", "vm-x");
  s.enabled = false;
  std::vector<Session> sessions{s};
  std::vector<HostObservation> hosts{{"never", false, nullptr, {}}};
  auto out = fleetStatuses(sessions, hosts);
  EXPECT_EQ(out[0].state, SessionState::kDisabled);
}

}  // namespace
}  // namespace ovse::manager
