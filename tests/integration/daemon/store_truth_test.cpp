// What `mirrorctl serve` says matches what OVS does: a hand-edited store with a value the API
// refuses is not applied on SIGHUP (state error naming the field, no Mirror row), and a missing
// ovs-vswitchd unixctl socket is found by asking each *.ctl, or said as a warning.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "harness/sandbox.h"
#include "integration/daemon/daemon_process.h"

namespace ovse::test {
namespace {

using nlohmann::json;

constexpr char kErspan[] =
    R"({"name":"good","type":"erspan","sources":[{"iface_id":"vm-a","direction":"ingress"}],)"
    R"("destination":{"remote_ip":"10.99.0.2","version":2,"session_id":5}})";

// Polls `done` (a cheap read of the daemon's state) until it holds or `timeout` passes: the
// daemon offers no change feed, so its answer is the event waited on.
bool waitUntil(const std::function<bool()>& done,
               std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

class StoreTruthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    OVSE_REQUIRE_SANDBOX();
    sandbox_ = std::make_unique<Sandbox>();
    sandbox_->addVm("vm1", "10.0.0.1/24", "02:00:00:00:00:01", "vm-a");
    sandbox_->addVm("analyzer", "10.0.0.9/24", "02:00:00:00:00:09", "analyzer");
  }

  std::unique_ptr<DaemonProcess> start(std::vector<std::string> extra = {}) {
    return std::make_unique<DaemonProcess>(sandbox_->dbRemote(), store(),
                                           tmp_.path() / ("serve" + std::to_string(++n_) + ".log"),
                                           std::move(extra));
  }
  std::filesystem::path store() const { return tmp_.path() / "sessions.json"; }
  std::string mirrorColumn(const std::string& name, const std::string& column) {
    return sandbox_->vsctl({"--if-exists", "get", "Mirror", name, column}).out;
  }
  json session(DaemonProcess& d, const std::string& name) {
    return json::parse(d.http("GET", "/api/v1/sessions/" + name).body, nullptr, false);
  }

  // Restarts ovs-vswitchd with its unixctl socket at `ctl` instead of the default name.
  void restartVswitchdWithControlAt(const std::filesystem::path& ctl) {
    const auto dir = sandbox_->dir();
    auto stop = runShell("kill $(cat " + (dir / "ovs-vswitchd.pid").string() + ") && while [ -e " +
                         (dir / "ovs-vswitchd.pid").string() + " ]; do sleep 0.05; done");
    ASSERT_EQ(stop.exit_code, 0) << stop.err;
    std::filesystem::remove(sandbox_->vswitchdCtl());
    auto started = sandbox_->exec(
        "hv",
        {"ovs-vswitchd", sandbox_->dbRemote(), "--pidfile=" + (dir / "ovs-vswitchd.pid").string(),
         "--log-file=" + (dir / "ovs-vswitchd.log").string(), "--unixctl=" + ctl.string(),
         "--detach", "--no-chdir", "-vconsole:off"});
    ASSERT_EQ(started.exit_code, 0) << started.err;
  }

  static bool mentions(const json& list, const std::string& text) {
    for (const auto& item : list) {
      if (item.get<std::string>().find(text) != std::string::npos) return true;
    }
    return false;
  }

  TempDir tmp_;
  std::unique_ptr<Sandbox> sandbox_;
  int n_ = 0;
};

TEST_F(StoreTruthTest, HandEditedInvalidSessionIsNotAppliedAndShowsItsField) {
  sandbox_->addCollector("col", "10.99.0.2/24", "10.99.0.1/24");
  auto d = start();
  auto created = d->http("POST", "/api/v1/sessions", kErspan);
  ASSERT_EQ(created.status, 201) << created.body;
  ASSERT_EQ(mirrorColumn("good", "name"), "good\n");
  // The API refuses the value...
  std::string refused = kErspan;
  refused.replace(refused.find("\"session_id\":5"), 14, "\"session_id\":5000");
  EXPECT_EQ(d->http("PUT", "/api/v1/sessions/good", refused).status, 400);

  // ...so an admin puts it into the file by hand and sends SIGHUP.
  json file;
  std::ifstream(store()) >> file;
  file["sessions"][0]["destination"]["session_id"] = 5000;
  std::ofstream(tmp_.path() / "edit.json") << file.dump(2);
  std::filesystem::rename(tmp_.path() / "edit.json", store());
  ASSERT_EQ(::kill(d->process().pid(), SIGHUP), 0);

  ASSERT_TRUE(waitUntil([&] { return session(*d, "good")["status"]["state"] == "error"; }))
      << d->logText();
  json status = session(*d, "good")["status"];
  EXPECT_TRUE(mentions(status["problems"], "destination.session_id: 5000 is above 1023"))
      << status.dump();
  EXPECT_TRUE(waitUntil([&] { return mirrorColumn("good", "name").empty(); }))
      << "the Mirror row of the invalid session stays in OVSDB";
  EXPECT_EQ(sandbox_->vsctl({"--columns=name", "find", "Interface", "type=erspan"}).out, "");
  // The session stays in the file as the admin wrote it.
  json after;
  std::ifstream(store()) >> after;
  EXPECT_EQ(after["sessions"][0]["destination"]["session_id"], 5000);
  // The list and the CLI through the daemon say the same.
  json list = json::parse(d->http("GET", "/api/v1/sessions").body);
  list = list["sessions"];
  ASSERT_EQ(list.size(), 1u) << list.dump();
  EXPECT_EQ(list[0]["status"]["state"], "error");
  auto show = run({OVSE_MIRRORCTL, "session", "show", "good", "--server", d->server()});
  EXPECT_NE(show.out.find("destination.session_id: 5000 is above 1023"), std::string::npos)
      << show.out << show.err;
  EXPECT_NE(d->logText().find("destination.session_id: 5000 is above 1023"), std::string::npos);
}

TEST_F(StoreTruthTest, VswitchdControlSocketOfAnyNameBesideTheDbIsFound) {
  restartVswitchdWithControlAt(sandbox_->dir() / "vswitchd.ctl");
  auto d = start();
  auto created = d->http(
      "POST", "/api/v1/sessions",
      R"({"name":"mon","type":"local","sources":[{"iface_id":"vm-a"}],"destination":{"port":"analyzer"}})");
  ASSERT_EQ(created.status, 201) << created.body;
  json status = json::parse(created.body)["status"];
  EXPECT_EQ(status["state"], "active");
  EXPECT_FALSE(mentions(status["warnings"], "unixctl")) << status.dump();
  EXPECT_EQ(d->logText().find("mirrors changed, but"), std::string::npos) << d->logText();
}

TEST_F(StoreTruthTest, MissingVswitchdControlSocketIsAWarningNamingTheFlag) {
  const auto elsewhere = tmp_.path() / "elsewhere";
  std::filesystem::create_directories(elsewhere);
  restartVswitchdWithControlAt(elsewhere / "vswitchd.ctl");
  const std::string body =
      R"({"name":"mon","type":"local","sources":[{"iface_id":"vm-a"}],"destination":{"port":"analyzer"}})";
  {
    auto d = start();
    auto created = d->http("POST", "/api/v1/sessions", body);
    ASSERT_EQ(created.status, 201) << created.body;
    json status = json::parse(created.body)["status"];
    EXPECT_EQ(status["state"], "active");
    EXPECT_TRUE(mentions(status["warnings"], "unixctl socket was not found")) << status.dump();
    EXPECT_TRUE(mentions(status["warnings"], "--vswitchd-ctl")) << status.dump();
    EXPECT_TRUE(status["problems"].empty());
  }
  // Told where it is, the daemon purges and the warning is gone.
  auto d = start({"--vswitchd-ctl", (elsewhere / "vswitchd.ctl").string()});
  json status = session(*d, "mon")["status"];
  EXPECT_EQ(status["state"], "active");
  EXPECT_FALSE(mentions(status["warnings"], "unixctl")) << status.dump();
}

}  // namespace
}  // namespace ovse::test
