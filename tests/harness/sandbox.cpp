// Sandbox: GoogleTest's handle on tests/harness/ovs-sandbox.
#include "harness/sandbox.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>

namespace ovse::test {
namespace {

std::string scriptPath() { return sourcePath("tests/harness/ovs-sandbox").string(); }

// A directory name for the current test's logs: Suite.Name with path-hostile characters replaced.
std::string currentTestName() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = info ? std::string(info->test_suite_name()) + "." + info->name() : "unknown";
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  return name;
}

}  // namespace

std::optional<std::string> sandboxUnavailableReason() {
  if (geteuid() != 0) return "needs root for network namespaces and veth pairs";
  if (!haveProgram("ovs-vswitchd") || !haveProgram("ovsdb-server")) {
    return "Open vSwitch is not installed (run packaging/setup.sh)";
  }
  if (run({"ip", "netns", "list"}).exit_code != 0) return "ip netns does not work here";
  return std::nullopt;
}

Sandbox::Sandbox(SandboxOptions options) : dir_(tmp_.path() / "sandbox") {
  // Sandboxes of test processes that died without cleaning up go first.
  run({scriptPath(), "sweep"});
  setenv("OVSE_SANDBOX_OWNER", std::to_string(getpid()).c_str(), 1);
  std::vector<std::string> start{"start", dir_.string()};
  if (options.tcp) start.push_back("--tcp");
  script(start);
  std::ifstream(dir_ / "prefix") >> prefix_;
}

Sandbox::~Sandbox() {
  if (::testing::Test::HasFailure()) {
    auto logs = std::filesystem::path(OVSE_BINARY_DIR) / "test-logs" / currentTestName();
    std::error_code ec;
    std::filesystem::create_directories(logs, ec);
    for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
      if (entry.path().extension() == ".log") {
        std::filesystem::copy_file(entry.path(), logs / entry.path().filename(),
                                   std::filesystem::copy_options::overwrite_existing, ec);
      }
    }
    std::cerr << "sandbox logs kept in " << logs << '\n';
  }
  run({scriptPath(), "stop", dir_.string()});
}

void Sandbox::script(const std::vector<std::string>& args) const {
  std::vector<std::string> argv{scriptPath()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto result = run(argv);
  if (result.exit_code != 0) {
    throw std::runtime_error("ovs-sandbox " + args[0] + " failed: " + result.err);
  }
}

void Sandbox::addVm(const std::string& name, const std::string& ip_cidr, const std::string& mac,
                    const std::string& iface_id, const std::string& vm_uuid) {
  script({"add-vm", dir_.string(), name, ip_cidr, mac, iface_id.empty() ? name : iface_id,
          vm_uuid});
}

void Sandbox::addCollector(const std::string& name, const std::string& ip_cidr,
                           const std::string& hv_ip_cidr) {
  script({"add-collector", dir_.string(), name, ip_cidr, hv_ip_cidr});
}

void Sandbox::restartVswitchd() { script({"restart-vswitchd", dir_.string()}); }

void Sandbox::restartOvsdb() { script({"restart-ovsdb", dir_.string()}); }

void Sandbox::stopOvsdb() { script({"stop-ovsdb", dir_.string()}); }

void Sandbox::startOvsdb() { script({"start-ovsdb", dir_.string()}); }

CommandResult Sandbox::exec(const std::string& host, const std::vector<std::string>& argv) const {
  std::vector<std::string> full{"ip", "netns", "exec", netns(host)};
  full.insert(full.end(), argv.begin(), argv.end());
  return run(full);
}

CommandResult Sandbox::vsctl(const std::vector<std::string>& args) const {
  std::vector<std::string> argv{"ovs-vsctl", "--db=" + dbRemote(), "--timeout=10"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv);
}

std::string Sandbox::netns(const std::string& host) const { return prefix_ + "-" + host; }

std::string Sandbox::dbRemote() const { return "unix:" + (dir_ / "db.sock").string(); }

std::string Sandbox::tcpRemote() const {
  std::string port;
  std::ifstream(dir_ / "tcp-port") >> port;
  return port.empty() ? std::string() : "tcp:127.0.0.1:" + port;
}

}  // namespace ovse::test
