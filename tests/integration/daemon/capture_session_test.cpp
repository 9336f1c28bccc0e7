// A capture-type session created through the REST API: `mirrorctl serve` writes its file itself,
// one file across an ovs-vswitchd restart, both directions marked, cut to the mirrored packet
// length, an earlier file kept aside. The file is read back with tshark. Files live only in the
// daemon's --capture-dir: paths outside are refused (400), planted symbolic links never followed.
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

  json stats(const std::string& name = "cap") {
    return json::parse(daemon_->http("GET", "/api/v1/sessions/" + name + "/stats").body, nullptr,
                       false);
  }

  // Waits until the writer's figures satisfy `done` (they are published once a second).
  bool waitForCapture(const std::function<bool(const json&)>& done,
                      const std::string& name = "cap") {
    for (int i = 0; i < 60; ++i) {
      auto s = stats(name);
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
  // Given as an absolute path inside the capture directory: stored and shown relative.
  const auto file = daemon_->captureDir() / "cap.pcapng";
  std::filesystem::create_directories(daemon_->captureDir());
  std::ofstream(file) << "an earlier capture";
  auto created = daemon_->http(
      "POST", "/api/v1/sessions",
      R"({"name":"cap","type":"capture","sources":[{"iface_id":"vm-a","direction":"both"}],)"
      R"("mirrored_packet_length":128,"destination":{"file":")" +
          file.string() + R"("}})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(json::parse(created.body)["session"]["destination"]["file"], "cap.pcapng");
  ASSERT_TRUE(waitForCapture([](const json& c) {
    return c["running"] && !c.contains("error") && c["ports"].size() == 2;
  })) << stats().dump()
      << daemon_->logText();
  EXPECT_EQ(stats()["capture"]["file"], "cap.pcapng");
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
  for (const auto& entry : std::filesystem::directory_iterator(daemon_->captureDir())) {
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

std::string captureBody(const std::string& name, const std::string& iface,
                        const std::string& file) {
  return json{{"name", name},
              {"type", "capture"},
              {"sources", json::array({{{"iface_id", iface}, {"direction", "both"}}})},
              {"destination", {{"file", file}}}}
      .dump();
}

TEST_F(CaptureSessionTest, FilesOutsideTheCaptureDirectoryAreRefused) {
  const std::string elsewhere = (tmp_.path() / "x.pcapng").string();
  for (const std::string& file : {std::string("/etc/ovse-x.pcapng"), elsewhere,
                                 std::string("../x.pcapng"), std::string("a/../../x.pcapng")}) {
    auto r = daemon_->http("POST", "/api/v1/sessions", captureBody("out", "vm-a", file));
    ASSERT_EQ(r.status, 400) << file << ": " << r.body;
    auto body = json::parse(r.body);
    EXPECT_EQ(body["path"], "destination.file") << r.body;
    const std::string error = body["error"];
    EXPECT_TRUE(error.starts_with("destination.file: " + json(file).dump())) << error;
    EXPECT_NE(error.find("capture directory"), std::string::npos) << error;
  }
  // Moving a stored session's file out is refused the same way.
  ASSERT_EQ(
      daemon_->http("POST", "/api/v1/sessions", captureBody("in", "vm-a", "in.pcapng")).status,
      201);
  auto patched = daemon_->http("PATCH", "/api/v1/sessions/in",
                               R"({"destination":{"file":")" + elsewhere + R"("}})");
  EXPECT_EQ(patched.status, 400) << patched.body;
  EXPECT_FALSE(std::filesystem::exists(elsewhere));
  EXPECT_FALSE(std::filesystem::exists("/etc/ovse-x.pcapng"));
  EXPECT_FALSE(std::filesystem::exists(tmp_.path().parent_path() / "x.pcapng"));
}

TEST_F(CaptureSessionTest, PlantedSymlinksAreNeverWrittenThrough) {
  namespace fs = std::filesystem;
  const fs::path dir = daemon_->captureDir();
  const fs::path outside = tmp_.path() / "outside";
  fs::create_directories(dir);
  fs::create_directories(outside);
  std::ofstream(outside / "victim") << "precious";
  fs::permissions(outside / "victim", fs::perms(0644));
  fs::create_symlink(outside / "created.pcapng", dir / "dangling.pcapng");
  fs::create_symlink(outside / "victim", dir / "victim.pcapng");
  fs::create_symlink(outside, dir / "sub");
  const std::vector<std::pair<std::string, std::string>> sessions{
      {"dangling", "dangling.pcapng"}, {"victim", "victim.pcapng"}, {"sub", "sub/x.pcapng"}};
  for (const auto& [name, file] : sessions) {
    auto r = daemon_->http("POST", "/api/v1/sessions", captureBody(name, "vm-b", file));
    ASSERT_EQ(r.status, 201) << r.body;
  }
  for (const auto& [name, file] : sessions) {
    const std::string shown = name == "sub" ? "'sub'" : "'" + file + "'";
    EXPECT_TRUE(waitForCapture(
        [&](const json& c) {
          const std::string error = c.value("error", "");
          return !c["running"] && error.find(shown) != std::string::npos &&
                 error.find("symbolic link") != std::string::npos;
        },
        name))
        << stats(name).dump() << daemon_->logText();
  }
  EXPECT_FALSE(fs::exists(outside / "created.pcapng"));
  EXPECT_FALSE(fs::exists(outside / "x.pcapng"));
  EXPECT_EQ(fs::file_size(outside / "victim"), 8u);
  EXPECT_EQ(fs::status(outside / "victim").permissions(), fs::perms(0644));
  EXPECT_TRUE(fs::is_symlink(dir / "dangling.pcapng"));
  EXPECT_TRUE(fs::is_symlink(dir / "victim.pcapng"));
}

}  // namespace
}  // namespace ovse::test
