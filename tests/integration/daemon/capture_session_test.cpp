// A capture-type session created through the REST API: `mirrorctl serve` writes its file itself,
// one file across an ovs-vswitchd restart, both directions marked, cut to the mirrored packet
// length, an earlier file kept aside. The file is read back with tshark.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "daemon/prometheus_text.h"
#include "harness/capture.h"
#include "harness/sandbox.h"
#include "integration/daemon/daemon_process.h"

namespace ovse::test {
namespace {

using nlohmann::json;

class CaptureSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    OVSE_REQUIRE_SANDBOX();
    sandbox_ = std::make_unique<Sandbox>();
    sandbox_->addVm("vm1", "10.0.0.1/24", "02:00:00:00:00:01", "vm-a");
    sandbox_->addVm("vm2", "10.0.0.2/24", "02:00:00:00:00:02", "vm-b");
    // The capture reads the session's internal ports: the daemon runs where they are.
    daemon_ = std::make_unique<DaemonProcess>(sandbox_->dbRemote(), tmp_.path() / "sessions.json",
                                              tmp_.path() / "serve.log", std::vector<std::string>{},
                                              sandbox_->netns("hv"));
  }

  json stats() {
    return json::parse(daemon_->http("GET", "/api/v1/sessions/cap/stats").body, nullptr, false);
  }

  // Waits until the writer's figures satisfy `done` (they are published once a second).
  bool waitForCapture(const std::function<bool(const json&)>& done) {
    for (int i = 0; i < 60; ++i) {
      auto s = stats();
      if (!s.is_discarded() && s.contains("capture") && done(s["capture"])) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
  }

  void ping(int count) {
    auto r = sandbox_->exec("vm1", {"ping", "-c", std::to_string(count), "-i", "0.1", "-s", "200",
                                    "-W", "2", "10.0.0.2"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }

  TempDir tmp_;
  std::unique_ptr<Sandbox> sandbox_;
  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(CaptureSessionTest, DaemonWritesOneFileAcrossAVswitchdRestart) {
  const auto file = tmp_.path() / "cap.pcapng";
  std::ofstream(file) << "an earlier capture";
  auto created = daemon_->http(
      "POST", "/api/v1/sessions",
      R"({"name":"cap","type":"capture","sources":[{"iface_id":"vm-a","direction":"both"}],)"
      R"("mirrored_packet_length":128,"destination":{"file":")" +
          file.string() + R"("}})");
  ASSERT_EQ(created.status, 201) << created.body;
  ASSERT_TRUE(waitForCapture([](const json& c) {
    return c["running"] && !c.contains("error") && c["ports"].size() == 2;
  })) << stats().dump()
      << daemon_->logText();
  ping(5);
  sandbox_->restartVswitchd();
  std::this_thread::sleep_for(std::chrono::seconds(3));  // vswitchd reconfigures; the 2 s check
  ping(5);
  EXPECT_TRUE(waitForCapture([](const json& c) {
    return c["ingress"]["packets"] >= 10 && c["egress"]["packets"] >= 10;
  })) << stats().dump()
      << daemon_->logText();
  auto metrics = parsePrometheusText(daemon_->http("GET", "/metrics").body);
  ASSERT_EQ(metrics.error, "");
  EXPECT_GE(metrics.value("ovs_erspan_capture_packets_total",
                          {{"session", "cap"}, {"direction", "ingress"}}),
            10);
  EXPECT_EQ(metrics.value("ovs_erspan_capture_running", {{"session", "cap"}}), 1);
  auto list = json::parse(daemon_->http("GET", "/api/v1/sessions").body);
  EXPECT_GE(list["sessions"][0]["capture"]["ingress"]["packets"], 10) << list.dump();

  // Disabling the session closes the file: complete, with its statistics block.
  ASSERT_EQ(daemon_->http("POST", "/api/v1/sessions/cap/disable").status, 200);
  EXPECT_FALSE(stats().contains("capture")) << stats().dump();
  auto rows = run({"tshark", "-r", file.string(), "-Y", "icmp", "-T", "fields", "-e",
                   "frame.packet_flags_direction", "-e", "icmp.type", "-e", "frame.cap_len", "-e",
                   "frame.len", "-e", "icmp.seq", "-e", "frame.time_relative"});
  ASSERT_EQ(rows.exit_code, 0) << rows.err;
  int requests = 0, replies = 0;
  std::istringstream lines(rows.out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream f(line);
    std::string direction, type, cap_len, len;
    f >> direction >> type >> cap_len >> len;
    EXPECT_EQ(cap_len, "128") << line;
    EXPECT_EQ(len, "242") << line;
    const auto flags = std::stoul(direction, nullptr, 16);
    requests += flags == 1 && type == "8";  // inbound: what vm1 sends into the switch
    replies += flags == 2 && type == "0";   // outbound: what the switch delivers to it
  }
  EXPECT_EQ(requests, 10) << rows.out;
  EXPECT_EQ(replies, 10) << rows.out;

  // The earlier file was kept under its modification time, not overwritten.
  int kept = 0;
  for (const auto& entry : std::filesystem::directory_iterator(tmp_.path())) {
    const auto name = entry.path().filename().string();
    if (name.starts_with("cap-") && name.ends_with(".pcapng")) {
      std::ifstream in(entry.path());
      std::string text((std::istreambuf_iterator<char>(in)), {});
      EXPECT_EQ(text, "an earlier capture");
      ++kept;
    }
  }
  EXPECT_EQ(kept, 1);
}

}  // namespace
}  // namespace ovse::test
