// `mirrorctl serve` while ovs-vswitchd does not answer: health and metrics still answer within
// 100 ms, a write answers 202 "pending" after its bound instead of hanging, and the change is
// applied once ovs-vswitchd is back.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "harness/sandbox.h"
#include "integration/daemon/daemon_process.h"

namespace ovse::test {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr char kSession[] =
    R"({"name":"mon","type":"local","sources":[{"iface_id":"vm-a","direction":"both"}],)"
    R"("destination":{"port":"analyzer"}})";

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

int vswitchdPid(const Sandbox& sandbox) {
  std::ifstream in(sandbox.dir() / "ovs-vswitchd.pid");
  int pid = 0;
  in >> pid;
  return pid;
}

class DaemonResponsivenessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    OVSE_REQUIRE_SANDBOX();
    sandbox_ = std::make_unique<Sandbox>();
    sandbox_->addVm("vm1", "10.0.0.1/24", "02:00:00:00:00:01", "vm-a");
    sandbox_->addVm("analyzer", "10.0.0.9/24", "02:00:00:00:00:09", "analyzer");
  }

  TempDir tmp_;
  std::unique_ptr<Sandbox> sandbox_;
};

// ovs-vswitchd frozen (SIGSTOP: its sockets accept, nothing answers) is the worst case: every
// change waits for its confirmation (cur_cfg) until the manager's timeout.
TEST_F(DaemonResponsivenessTest, HealthAndMetricsAnswerWhileOvsVswitchdIsFrozen) {
  DaemonProcess d(sandbox_->dbRemote(), tmp_.path() / "sessions.json", tmp_.path() / "serve.log");
  ASSERT_EQ(d.http("GET", "/metrics").status, 200);
  const int vswitchd = vswitchdPid(*sandbox_);
  ASSERT_GT(vswitchd, 0);
  ASSERT_EQ(::kill(vswitchd, SIGSTOP), 0);
  struct Resume {
    int pid;
    ~Resume() { ::kill(pid, SIGCONT); }
  } resume{vswitchd};

  // The write: answered within its 2 s bound (202 while OVS has not confirmed), never 5 s.
  std::thread writer;
  HttpResult created;
  double created_s = 0;
  writer = std::thread([&] {
    auto start = Clock::now();
    created = d.http("POST", "/api/v1/sessions", kSession);
    created_s = secondsSince(start);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // Meanwhile the probes answer at once, saying why they are degraded.
  auto start = Clock::now();
  auto health = d.http("GET", "/api/v1/health");
  const double health_s = secondsSince(start);
  start = Clock::now();
  auto metrics = d.http("GET", "/metrics");
  const double metrics_s = secondsSince(start);
  writer.join();

  EXPECT_LT(health_s, 0.5) << "curl's own start-up included";
  EXPECT_EQ(health.status, 503) << health.body;
  EXPECT_NE(health.body.find("ovs-vswitchd has not confirmed"), std::string::npos) << health.body;
  EXPECT_LT(metrics_s, 0.5);
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("ovs_erspan_reconcile_runs_total"), std::string::npos);
  EXPECT_LT(created_s, 3.0);
  EXPECT_TRUE(created.status == 202 || created.status == 201) << created.status << created.body;
  if (created.status == 202) {
    EXPECT_EQ(json::parse(created.body)["state"], "pending");
  }

  // ovs-vswitchd back: the session is there and applied.
  ::kill(vswitchd, SIGCONT);
  std::string state;
  for (int i = 0; i < 100 && state != "active"; ++i) {
    auto r = d.http("GET", "/api/v1/sessions/mon");
    if (r.status == 200) state = json::parse(r.body)["status"]["state"];
    if (state != "active") std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(state, "active");
  EXPECT_EQ(sandbox_->vsctl({"--if-exists", "get", "Mirror", "mon", "name"}).out, "mon\n");
  EXPECT_EQ(d.http("GET", "/api/v1/health").status, 200);
}

}  // namespace
}  // namespace ovse::test
