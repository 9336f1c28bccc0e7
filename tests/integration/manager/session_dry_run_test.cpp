// `mirrorctl session create|set --dry-run` against a real OVS, in-process and through a running
// `mirrorctl serve`: it reports the session, the state and the OVS rows the change would give,
// warnings apart from errors, and leaves nothing behind (no session in the store, no Mirror or
// Port row in OVS); a refused dry run exits as the refused create does and names the field.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "manager_fixture.h"

namespace ovse::test {
namespace {

using nlohmann::json;

// GetParam(): true = a `mirrorctl serve` owns the store and answers over its socket.
class SessionDryRunTest : public ManagerTest, public ::testing::WithParamInterface<bool> {
 protected:
  void addHosts() override {
    sandbox_->addVm("vm1", "10.0.0.1/24", "02:00:00:00:00:01", "vm-a");
    sandbox_->addVm("vm2", "10.0.0.2/24", "02:00:00:00:00:02", "vm-b");
    sandbox_->addVm("analyzer", "10.0.0.9/24");
    sandbox_->addCollector("col", "10.99.0.2/24", "10.99.0.1/24");
  }
  void SetUp() override {
    ManagerTest::SetUp();
    if (!IsSkipped() && GetParam()) startServe();
  }

  // In the hypervisor's namespace (where its tunnels route), as serve runs.
  void startServe() {
    auto argv = sessionArgv({"serve", "--listen", "unix:" + socket()});
    argv.insert(argv.begin(), {"ip", "netns", "exec", sandbox_->netns("hv")});
    serve_ = std::make_unique<Background>(argv, sandbox_->dir() / "mirrorctl-serve.log");
    for (int i = 0; i < 200 && !std::filesystem::exists(socket()); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_TRUE(std::filesystem::exists(socket())) << "serve did not listen";
  }

  // mirrorctl in the hypervisor's namespace: through serve's socket, or in-process.
  CommandResult ctl(std::vector<std::string> args) const {
    args = sessionArgv(std::move(args));
    args.insert(args.end(), {"--server", GetParam() ? "unix:" + socket() : "none"});
    return sandbox_->exec("hv", args);
  }
  CommandResult createErspan(const std::vector<std::string>& extra) {
    std::vector<std::string> args{"session",   "create",       "tap",      "--type",
                                  "erspan",    "--source",     "port=vm1", "--remote-ip",
                                  "10.99.0.2", "--session-id", "7"};
    args.insert(args.end(), extra.begin(), extra.end());
    return ctl(args);
  }

  std::string socket() const { return (tmp_.path() / "api.sock").string(); }
  json storedSessions() const {
    std::ifstream in(store());
    json file = json::parse(in, nullptr, false);
    return file.is_object() ? file.value("sessions", json::array()) : json::array();
  }
  std::string ovsRows(const std::string& table, const std::string& column = "name") {
    return sandbox_->vsctl({"--bare", "--columns=" + column, "list", table}).out;
  }

  std::unique_ptr<Background> serve_;
};

TEST_P(SessionDryRunTest, CreateNamesTheRowsItWouldMakeAndMakesNone) {
  const std::string ports_before = ovsRows("Port");
  auto r = createErspan({"--dry-run", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json j = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << r.out;
  EXPECT_EQ(j["dry_run"], true);
  EXPECT_EQ(j["session"]["name"], "tap");
  EXPECT_EQ(j["session"]["destination"]["session_id"], 7);
  // Both directions of a Type II session: a tunnel port and a Mirror each.
  const json planned_ports = j["status"]["ports"];
  ASSERT_TRUE(planned_ports.is_array() && planned_ports.size() == 2) << r.out;
  EXPECT_EQ(j["status"]["mirrors"], json::array({"tap:ingress", "tap:egress"})) << r.out;

  EXPECT_EQ(storedSessions(), json::array()) << "nothing saved";
  EXPECT_EQ(ovsRows("Mirror"), "") << "no Mirror row";
  EXPECT_EQ(ovsRows("Port"), ports_before) << "no Port row";
  for (const auto& port : planned_ports) {
    EXPECT_EQ(ovsRows("Interface").find(port.get<std::string>()), std::string::npos) << port;
  }
  auto listed = ctl({"session", "list", "--json"});
  EXPECT_EQ(json::parse(listed.out, nullptr, false), json::array()) << listed.out << listed.err;

  // The human form says so first, then the session and the rows it would own.
  auto text = createErspan({"-n"});
  ASSERT_EQ(text.exit_code, 0) << text.out << text.err;
  EXPECT_EQ(text.out.rfind("dry run: nothing saved, nothing applied\n", 0), 0u) << text.out;
  EXPECT_NE(text.out.find("OVS ports:    " + planned_ports[0].get<std::string>() + ", " +
                          planned_ports[1].get<std::string>()),
            std::string::npos)
      << text.out;
  EXPECT_EQ(ovsRows("Mirror"), "");
  EXPECT_EQ(storedSessions(), json::array());
}

TEST_P(SessionDryRunTest, AWarningIsShownApartAndTheDryRunSucceeds) {
  auto r = ctl({"session", "create", "to-vm2", "--type", "local", "--source", "port=vm1",
                "--dest-port", "vm2", "--dry-run"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("  warning:    destination port vm2 is a VM's port"), std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("problem:"), std::string::npos) << r.out;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(ovsRows("Mirror"), "");
  EXPECT_EQ(storedSessions(), json::array());
}

TEST_P(SessionDryRunTest, ARefusedDryRunExitsAsTheRefusedCreateAndNamesTheField) {
  auto dry = createErspan({"--version", "2", "--hwid", "3", "--dry-run"});
  auto real = createErspan({"--version", "2", "--hwid", "3"});
  EXPECT_NE(real.exit_code, 0) << real.out << real.err;
  EXPECT_EQ(dry.exit_code, real.exit_code) << dry.out << dry.err;
  EXPECT_NE(dry.err.find("destination.hwid: 3 needs version 3"), std::string::npos) << dry.err;
  auto as_json = createErspan({"--version", "2", "--hwid", "3", "--dry-run", "--json"});
  EXPECT_EQ(as_json.exit_code, real.exit_code);
  EXPECT_EQ(json::parse(as_json.out, nullptr, false).value("path", ""), "destination.hwid")
      << as_json.out;
  EXPECT_EQ(storedSessions(), json::array());
  EXPECT_EQ(ovsRows("Mirror"), "");
}

TEST_P(SessionDryRunTest, SetShowsTheChangeAndKeepsTheStoredSessionAndItsRows) {
  auto created = ctl({"session", "create", "web", "--type", "local", "--source", "port=vm1",
                      "--dest-port", "analyzer"});
  ASSERT_EQ(created.exit_code, 0) << created.out << created.err;
  const json stored = storedSessions();
  const std::string mirrors = ovsRows("Mirror", "output_port");
  ASSERT_NE(mirrors, "");

  auto r = ctl({"session", "set", "web", "--dest-port", "vm2", "-n", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json j = json::parse(r.out, nullptr, false);
  EXPECT_EQ(j["dry_run"], true);
  EXPECT_EQ(j["session"]["destination"]["port"], "vm2") << r.out;
  ASSERT_EQ(j["status"]["warnings"].size(), 1u) << r.out;

  EXPECT_EQ(storedSessions(), stored) << "the stored session is unchanged";
  EXPECT_EQ(ovsRows("Mirror", "output_port"), mirrors) << "its Mirror still outputs to analyzer";
}

// Without OVSDB a create is saved but not applied and exits 1: its dry run says so and exits 1.
TEST_P(SessionDryRunTest, WithoutOvsdbItExitsAsTheUnappliedCreate) {
  if (GetParam()) GTEST_SKIP() << "in-process only: serve keeps its own OVSDB connection";
  sandbox_->stopOvsdb();
  const std::vector<std::string> create{"session",  "create",    "web",      "--type",
                                        "local",    "--source",  "port=vm1", "--dest-port",
                                        "analyzer", "--timeout", "1"};
  auto dry_run = create;
  dry_run.push_back("--dry-run");
  auto r = ctl(dry_run);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(r.out.rfind("dry run: nothing saved, nothing applied\n", 0), 0u) << r.out;
  EXPECT_NE(r.err.find("dry run: would be saved to " + store() + ", not applied: "),
            std::string::npos)
      << r.err;
  EXPECT_EQ(storedSessions(), json::array());
  sandbox_->startOvsdb();
  EXPECT_EQ(ovsRows("Mirror"), "");
  // The create itself, OVSDB out of reach again: saved, not applied, the same exit code.
  sandbox_->stopOvsdb();
  auto real = ctl(create);
  EXPECT_EQ(real.exit_code, r.exit_code) << real.out << real.err;
  EXPECT_EQ(storedSessions().size(), 1u);
  sandbox_->startOvsdb();
}

INSTANTIATE_TEST_SUITE_P(Paths, SessionDryRunTest, ::testing::Values(false, true),
                         [](const auto& info) {
                           return info.param ? "ThroughServe" : "InProcess";
                         });

}  // namespace
}  // namespace ovse::test
