// One path for every change: the same invalid session gets the same error JSON (errors and
// warnings apart, each with its severity) from REST and from `mirrorctl session` without a
// daemon, and a store hand edit picked up on SIGHUP is held to the same rules, with the same
// texts in its status.
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

// Session ID 1500 is an error (above 1023), a 40-byte mirrored length a warning (below 60).
constexpr char kInvalid[] =
    R"({"name":"bad","type":"erspan","sources":[{"iface_id":"vm-a","direction":"ingress"}],)"
    R"("mirrored_packet_length":40,)"
    R"("destination":{"remote_ip":"10.99.0.2","version":2,"session_id":1500}})";

class OnePathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    OVSE_REQUIRE_SANDBOX();
    sandbox_ = std::make_unique<Sandbox>();
    sandbox_->addVm("vm1", "10.0.0.1/24", "02:00:00:00:00:01", "vm-a");
  }

  std::unique_ptr<DaemonProcess> start() {
    return std::make_unique<DaemonProcess>(sandbox_->dbRemote(), tmp_.path() / "served.json",
                                           tmp_.path() / "serve.log");
  }

  // `mirrorctl session create --from-json` in-process on a store no daemon serves.
  CommandResult localCreate(const std::string& session) {
    const auto file = tmp_.path() / "input.json";
    std::ofstream(file) << session;
    return run({OVSE_MIRRORCTL, "session", "create", "--from-json", file.string(), "--json",
                "--server", "none", "--db", sandbox_->dbRemote(), "--store",
                (tmp_.path() / "local.json").string()});
  }

  // The issue texts ("path: message") of an error reply with `severity`.
  static std::vector<std::string> issueTexts(const json& error, const std::string& severity) {
    std::vector<std::string> out;
    for (const auto& issue : error.value("issues", json::array())) {
      if (issue["severity"] != severity) continue;
      const std::string path = issue["path"];
      out.push_back((path.empty() ? "" : path + ": ") + issue["message"].get<std::string>());
    }
    return out;
  }

  TempDir tmp_;
  std::unique_ptr<Sandbox> sandbox_;
};

TEST_F(OnePathTest, CliWithoutADaemonAndRestGiveTheSameErrorJson) {
  auto d = start();
  auto rest = d->http("POST", "/api/v1/sessions", kInvalid);
  EXPECT_EQ(rest.status, 400) << rest.body;
  auto cli = localCreate(kInvalid);
  EXPECT_EQ(cli.exit_code, 1) << cli.out << cli.err;

  const json from_rest = json::parse(rest.body, nullptr, false);
  const json from_cli = json::parse(cli.out, nullptr, false);
  EXPECT_EQ(from_cli, from_rest) << "CLI: " << cli.out << "\nREST: " << rest.body;
  EXPECT_EQ(from_rest["path"], "destination.session_id") << rest.body;
  // Errors and warnings each keep their severity.
  EXPECT_EQ(issueTexts(from_rest, "error").size(), 1u) << rest.body;
  const auto warnings = issueTexts(from_rest, "warning");
  ASSERT_EQ(warnings.size(), 1u) << rest.body;
  EXPECT_NE(warnings[0].find("mirrored_packet_length: 40 is below 60"), std::string::npos);
  // Nothing was stored on either side.
  EXPECT_EQ(d->http("GET", "/api/v1/sessions/bad").status, 404);
  auto listed = run({OVSE_MIRRORCTL, "session", "list", "--json", "--server", "none", "--db",
                     sandbox_->dbRemote(), "--store", (tmp_.path() / "local.json").string()});
  EXPECT_EQ(listed.out, "[]\n") << listed.err;
}

TEST_F(OnePathTest, StoreHandEditOnSighupIsHeldToTheSameRules) {
  const json refused = json::parse(localCreate(kInvalid).out, nullptr, false);
  ASSERT_TRUE(refused.contains("issues")) << refused.dump();

  // The same session written into the daemon's store by hand, then SIGHUP.
  auto d = start();
  const json file{{"schema_version", 1}, {"sessions", json::array({json::parse(kInvalid)})}};
  std::ofstream(tmp_.path() / "edit.json") << file.dump(2);
  std::filesystem::rename(tmp_.path() / "edit.json", tmp_.path() / "served.json");
  ASSERT_EQ(::kill(d->process().pid(), SIGHUP), 0);

  json status;
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < end) {
    status = json::parse(d->http("GET", "/api/v1/sessions/bad").body, nullptr, false)["status"];
    if (status.is_object() && status.value("state", "") == "error") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(status.value("state", ""), "error") << status.dump() << d->logText();
  EXPECT_EQ(status["problems"].get<std::vector<std::string>>(), issueTexts(refused, "error"));
  EXPECT_EQ(status["warnings"].get<std::vector<std::string>>(), issueTexts(refused, "warning"));
  EXPECT_EQ(sandbox_->vsctl({"--bare", "--columns=name", "list", "Mirror"}).out, "")
      << "the hand-edited session is not applied";
}

}  // namespace
}  // namespace ovse::test
