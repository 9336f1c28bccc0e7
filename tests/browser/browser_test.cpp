// The web UI in Debian's headless Chromium (Playwright, tests/browser/wizard.mjs) against the
// daemon and a real OVS: create an ERSPAN session through the wizard, see the server's error
// beside the field, see the session active, edit it, and find its Mirror rows and tunnels in
// OVSDB as edited.
// Screenshots are kept in <build>/test-artifacts/browser/.
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "harness/sandbox.h"
#include "integration/daemon/daemon_process.h"

namespace ovse::test {
namespace {

// Why the browser test cannot run here, or "" when it can.
std::string browserUnavailableReason() {
  if (!haveProgram("/usr/bin/chromium")) return "Debian's chromium is not installed";
  if (!haveProgram("node") || !haveProgram("npm")) return "node/npm are not installed";
  return "";
}

// npm ci from the committed lock file (the registry), once per source tree.
std::string installPlaywright() {
  auto dir = sourcePath("tests/browser");
  if (std::filesystem::exists(dir / "node_modules" / "playwright-core" / "package.json")) return "";
  auto r = runShell("cd '" + dir.string() + "' && npm ci --no-audit --no-fund 2>&1");
  return r.exit_code == 0 ? "" : "npm ci failed: " + r.out;
}

// Runs tests/browser/<script> against a daemon on `sandbox` (which has the collector 10.99.0.2)
// and puts what it printed into `seen`; screenshots go to <build>/test-artifacts/browser/.
void runScript(const std::string& script, const Sandbox& sandbox, nlohmann::json& seen) {
  ASSERT_EQ(installPlaywright(), "");
  TempDir tmp;
  DaemonProcess daemon(sandbox.dbRemote(), tmp.path() / "sessions.json", tmp.path() / "serve.log",
                       {"--web-root", sourcePath("mirror-manager/web").string()});
  auto artifacts = std::filesystem::path(OVSE_BINARY_DIR) / "test-artifacts" / "browser";
  std::filesystem::create_directories(artifacts);
  auto r = run({"node", sourcePath("tests/browser/" + script).string(), daemon.url(),
                artifacts.string(), "10.99.0.2", daemon.token()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err << daemon.logText();
  seen = nlohmann::json::parse(r.out);
}

// Every wizard test: a sandbox with vm1 (iface-id vm-a, vm-uuid uuid-vm1) and the collector 10.99.0.2; a test adds
// the ports its page needs.
class WebWizard : public ::testing::Test {
 protected:
  void SetUp() override {
    OVSE_REQUIRE_SANDBOX();
    if (auto why = browserUnavailableReason(); !why.empty()) GTEST_SKIP() << why;
    sandbox_ = std::make_unique<Sandbox>();
    sandbox_->addVm("vm1", "10.0.0.1/24", "02:00:00:00:00:01", "vm-a", "uuid-vm1");
    sandbox_->addCollector("col", "10.99.0.2/24", "10.99.0.1/24");
  }

  // ovs-vsctl's view of `columns` of the session's rows in `table` (--format=json for Interface).
  std::string sessionRows(const std::string& table, const std::string& columns,
                          const std::string& session) const {
    std::vector<std::string> args{"--columns=" + columns, "find", table,
                                  "external_ids:ovs-erspan-session=" + session};
    args.insert(args.begin(), table == "Interface" ? "--format=json" : "--bare");
    return sandbox_->vsctl(args).out;
  }

  std::unique_ptr<Sandbox> sandbox_;
};

TEST_F(WebWizard, CreatesAnErspanSessionAndShowsServerErrorsBesideTheField) {
  sandbox_->addVm("vm2", "10.0.0.2/24", "02:00:00:00:00:02", "vm-b");
  nlohmann::json seen;
  runScript("wizard.mjs", *sandbox_, seen);
  if (HasFatalFailure()) return;
  EXPECT_EQ(seen["state"], "active");

  // Edited to both directions (ERSPAN III: one Mirror and tunnel per direction) and ID 9.
  const std::string mirrors = sessionRows("Mirror", "name", "web-erspan");
  EXPECT_NE(mirrors.find("web-erspan:ingress"), std::string::npos) << mirrors;
  EXPECT_NE(mirrors.find("web-erspan:egress"), std::string::npos) << mirrors;
  const std::string tunnel = sessionRows("Interface", "type,options", "web-erspan");
  EXPECT_NE(tunnel.find("erspan"), std::string::npos) << tunnel;
  EXPECT_NE(tunnel.find("10.99.0.2"), std::string::npos) << tunnel;
  EXPECT_NE(tunnel.find(R"(["out_key","9"])"), std::string::npos) << tunnel;
  const auto artifacts = std::filesystem::path(OVSE_BINARY_DIR) / "test-artifacts" / "browser";
  EXPECT_TRUE(std::filesystem::exists(artifacts / "2-invalid-session-id.png"));
  EXPECT_TRUE(std::filesystem::exists(artifacts / "4-edit-review.png"));
}

// Several destination ports, allow normal I/O, the ERSPAN index, hardware ID, DSCP and TTL, the
// review step's dry-run warnings and errors, and an edit that keeps select_vlans (wizard_parity.mjs);
// then the two Mirror rows of the two-port session in OVSDB.
TEST_F(WebWizard, ParityFieldsWarningsBeforeFinishAndEditsKeepHiddenFields) {
  sandbox_->addVm("vm2", "10.0.0.2/24", "02:00:00:00:00:02", "vm-b");
  sandbox_->addVm("ana", "10.0.0.9/24", "02:00:00:00:00:09", "");
  nlohmann::json seen;
  runScript("wizard_parity.mjs", *sandbox_, seen);
  if (HasFatalFailure()) return;
  const std::string mirrors = sessionRows("Mirror", "name", "two-analyzers");
  EXPECT_NE(mirrors.find("two-analyzers@vm2"), std::string::npos) << mirrors;
  EXPECT_NE(mirrors.find("two-analyzers@ana"), std::string::npos) << mirrors;
}

// Remote Mirroring Destination (wizard_rspan_destination.mjs): RSPAN VLAN IDs, uplink and two
// destination ports with the daemon's errors beside their fields and its warning before Finish,
// an edit that keeps an uplink not on the switch yet; then the session's Mirror rows in OVSDB.
TEST_F(WebWizard, RemoteMirroringDestinationPageErrorsBesideFieldsAndStoredAsEntered) {
  sandbox_->addVm("vm2", "10.0.0.2/24", "02:00:00:00:00:02", "vm-b");
  sandbox_->addVm("ana", "10.0.0.9/24", "02:00:00:00:00:09", "");
  sandbox_->addVm("ul", "10.0.0.50/24", "02:00:00:00:00:50", "");
  nlohmann::json seen;
  runScript("wizard_rspan_destination.mjs", *sandbox_, seen);
  if (HasFatalFailure()) return;
  const std::string mirrors = sessionRows("Mirror", "name,select_vlan", "rd");
  EXPECT_NE(mirrors.find("rd@ana"), std::string::npos) << mirrors;
  EXPECT_NE(mirrors.find("rd@vm2"), std::string::npos) << mirrors;
  EXPECT_NE(mirrors.find("999"), std::string::npos) << mirrors;
}

// Several ERSPAN collectors (wizard_collectors.mjs): two rows, the duplicate's error beside the
// second row, both stored, kept by an edit, the second removed by another; then OVSDB holds the
// first collector's tunnel and none to the removed one.
TEST_F(WebWizard, SeveralCollectorsDuplicateBesideItsRowKeptByAnEditRemovedByAnother) {
  nlohmann::json seen;
  runScript("wizard_collectors.mjs", *sandbox_, seen);
  if (HasFatalFailure()) return;
  const std::string tunnels = sessionRows("Interface", "options", "two-collectors");
  EXPECT_NE(tunnels.find("10.99.0.2"), std::string::npos) << tunnels;
  EXPECT_EQ(tunnels.find("10.99.0.7"), std::string::npos) << tunnels;
}

}  // namespace
}  // namespace ovse::test
