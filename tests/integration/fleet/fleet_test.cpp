// The fleet against three real OVS hosts (each its own ovsdb-server on loopback TCP, its own
// ovs-vswitchd, VMs and an ERSPAN collector): a mirror follows its VM from host 1 to host 2, and
// host 3's sessions come back after its database was down. tcpdump + tshark check the traffic.
#include "mirror_manager/fleet/fleet.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

#include "harness/capture.h"
#include "harness/sandbox.h"

namespace ovse::test {
namespace {

using manager::Fleet;
using manager::SessionState;
using namespace std::chrono_literals;

constexpr char kWebMac[] = "02:00:00:00:00:01";

manager::Session erspanSession(const std::string& name, const std::string& iface_id,
                               std::uint16_t session_id) {
  manager::Session s;
  s.name = name;
  s.type = manager::SessionType::kErspan;
  s.sources = {{.iface_id = iface_id}};
  s.destination = manager::ErspanDestination{.remote_ip = "10.99.0.2", .session_id = session_id};
  return s;
}

// Polls `done` every 20 ms until it holds or `timeout` passes.
bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

double epochSeconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

class FleetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    OVSE_REQUIRE_SANDBOX();
    for (int i = 0; i < 3; ++i) {
      hosts_.push_back(std::make_unique<Sandbox>(SandboxOptions{.tcp = true}));
      Sandbox& h = *hosts_.back();
      h.addCollector("col", "10.99.0.2/24", "10.99.0.1/24");
      h.addVm("peer", "10.0.0.2/24", "02:00:00:00:00:02", "vm-peer-" + std::to_string(i + 1));
      inventory_.push_back({.name = "hv" + std::to_string(i + 1),
                            .db = h.tcpRemote(),
                            .vswitchd_ctl = h.vswitchdCtl().string()});
    }
    hosts_[0]->addVm("web", "10.0.0.1/24", kWebMac, "vm-web");
    hosts_[2]->addVm("db", "10.0.0.3/24", "02:00:00:00:00:03", "vm-db");
    sessions_ = {erspanSession("web", "vm-web", 5), erspanSession("db", "vm-db", 6)};
    auto fleet = Fleet::start(inventory_);
    ASSERT_TRUE(fleet.has_value()) << fleet.error();
    fleet_ = std::move(*fleet);
    fleet_->setSessions(sessions_);
    ASSERT_TRUE(fleet_->waitSettled(10s));
  }

  // Names of ovs-erspan's Mirror rows on host `i` (0-based).
  std::string ourMirrors(int i) {
    auto r = hosts_[i]->vsctl(
        {"--bare", "--columns=name", "find", "mirror", "external_ids:ovs-erspan-session!=\"\""});
    return r.out;
  }
  std::string ourPorts(int i) {
    return hosts_[i]
        ->vsctl(
            {"--bare", "--columns=name", "find", "port", "external_ids:ovs-erspan-session!=\"\""})
        .out;
  }

  manager::FleetSessionStatus status(const std::string& name) {
    for (auto& s : fleet_->sessions()) {
      if (s.name == name) return s;
    }
    return {};
  }

  std::unique_ptr<PacketCapture> capture(int i) {
    return std::make_unique<PacketCapture>(
        *hosts_[i], "col", "eth0",
        tmp_.path() / ("col" + std::to_string(i) + "-" + std::to_string(++n_) + ".pcap"),
        "ip proto 47");
  }

  TempDir tmp_;
  std::vector<std::unique_ptr<Sandbox>> hosts_;
  std::vector<manager::HostEntry> inventory_;
  std::vector<manager::Session> sessions_;
  std::unique_ptr<Fleet> fleet_;
  int n_ = 0;
};

TEST_F(FleetTest, SessionsAreProgrammedOnlyWhereTheirSourcesAre) {
  EXPECT_NE(ourMirrors(0).find("web"), std::string::npos);
  EXPECT_EQ(ourMirrors(1), "");
  EXPECT_NE(ourMirrors(2).find("db"), std::string::npos);
  EXPECT_EQ(ourMirrors(2).find("web"), std::string::npos);
  EXPECT_EQ(status("web").state, SessionState::kActive);
  EXPECT_EQ(status("web").hosts, std::vector<std::string>{"hv1"});
  EXPECT_EQ(status("db").hosts, std::vector<std::string>{"hv3"});
  for (const auto& h : fleet_->hosts()) EXPECT_STREQ(manager::linkName(h), "connected") << h.name;
  auto cap = capture(0);
  auto r = hosts_[0]->exec("web", {"ping", "-c", "3", "-i", "0.1", "-W", "2", "10.0.0.2"});
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_GE(cap->fields({"erspan.spanid"}, "erspan.spanid == 5").size(), 6u);
}

TEST_F(FleetTest, MirrorFollowsTheVmToAnotherHost) {
  auto cap = capture(1);
  // The VM moves: its port goes from host 1 and comes up on host 2 with the same identity.
  ASSERT_EQ(hosts_[0]->vsctl({"del-port", "br0", "web"}).exit_code, 0);
  hosts_[1]->addVm("web", "10.0.0.1/24", kWebMac, "vm-web");
  auto created = std::chrono::system_clock::now();
  Background pinger(
      {"ip", "netns", "exec", hosts_[1]->netns("web"), "ping", "-i", "0.02", "-w", "3", "10.0.0.2"},
      tmp_.path() / "ping.log");
  EXPECT_TRUE(eventually([&] { return ourMirrors(0).empty() && ourPorts(0).empty(); }, 2s))
      << "left on host 1: mirrors [" << ourMirrors(0) << "] ports [" << ourPorts(0) << "]";
  std::this_thread::sleep_for(2500ms);
  auto rows = cap->fields({"frame.time_epoch"}, "erspan.spanid == 5 && icmp");
  ASSERT_FALSE(rows.empty()) << "nothing mirrored from host 2";
  double delay = std::stod(rows.front()[0]) - epochSeconds(created);
  std::cout << "[ MEASURED ] VM port created on host 2 -> first mirrored frame from host 2: "
            << delay * 1000 << " ms\n";
  EXPECT_LT(delay, 2.0);
  EXPECT_EQ(status("web").hosts, std::vector<std::string>{"hv2"});
  EXPECT_EQ(status("web").state, SessionState::kActive);
}

TEST_F(FleetTest, UnreachableHostIsDegradedAndReconciledWhenItReturns) {
  hosts_[2]->stopOvsdb();
  ASSERT_TRUE(eventually([&] { return !fleet_->sessions()[1].problems.empty(); }, 10s));
  auto down = status("db");
  EXPECT_EQ(down.state, SessionState::kDegraded);
  EXPECT_EQ(down.problems.front(), "iface_id vm-db is on unreachable host hv3");
  EXPECT_STRNE(manager::linkName(fleet_->hosts()[2]), "connected");
  // The other hosts do not wait for it: a change reaches host 1 at once.
  sessions_[0].mirrored_packet_length = 100;
  sessions_[1].mirrored_packet_length = 128;
  fleet_->setSessions(sessions_);
  auto changed = std::chrono::steady_clock::now();
  auto snaplen = [&](int i, const std::string& name) {
    return hosts_[i]
        ->vsctl({"--bare", "--columns=snaplen", "find", "mirror", "name=\"" + name + "\""})
        .out;
  };
  // Native ERSPAN II tunnels: OVS cuts after encapsulating, so snaplen = length + 50 bytes.
  ASSERT_TRUE(eventually([&] { return snaplen(0, "web:ingress") == "150\n"; }, 2s));
  std::cout << "[ MEASURED ] session change -> host 1 (host 3 down): "
            << std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - changed)
                   .count()
            << " ms\n";
  hosts_[2]->startOvsdb();
  auto restarted = std::chrono::steady_clock::now();
  ASSERT_TRUE(eventually([&] { return status("db").state == SessionState::kActive; }, 20s))
      << (status("db").problems.empty() ? "" : status("db").problems.front());
  EXPECT_TRUE(eventually([&] { return snaplen(2, "db:ingress") == "178\n"; }, 5s));
  std::cout << "[ MEASURED ] host 3 database restarted -> its session active again: "
            << std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                         restarted)
                   .count()
            << " ms\n";
  auto cap = capture(2);
  auto r = hosts_[2]->exec("db", {"ping", "-c", "3", "-i", "0.1", "-W", "2", "10.0.0.2"});
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_GE(cap->fields({"erspan.spanid"}, "erspan.spanid == 6").size(), 6u);
}

}  // namespace
}  // namespace ovse::test
