// Sandbox: a private Open vSwitch host (ovsdb-server + ovs-vswitchd in its own network namespace,
// netdev bridges) with "VM" and "collector" namespaces, for GoogleTest. It drives the same
// tests/harness/ovs-sandbox script that shell tests and the demo use, and tears everything down
// in its destructor, keeping the logs of a failed test under <build>/test-logs/.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/process.h"

namespace ovse::test {

/// Why a test that needs root and namespaces cannot run here, or nullopt when it can.
std::optional<std::string> sandboxUnavailableReason();

/// Skips the current test with the reason when sandboxes are unavailable.
#define OVSE_REQUIRE_SANDBOX()                                                  \
  do {                                                                          \
    if (auto why = ::ovse::test::sandboxUnavailableReason()) GTEST_SKIP() << *why; \
  } while (0)

/// How a sandbox starts.
struct SandboxOptions {
  /// ovsdb-server also listens on 127.0.0.1:<free port> (see tcpRemote()), like a remote host.
  bool tcp = false;
};

class Sandbox {
 public:
  /// Starts ovsdb-server, ovs-vswitchd and bridge br0; throws std::runtime_error on failure.
  explicit Sandbox(SandboxOptions options = {});
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  /// Adds a VM namespace with eth0 at `ip_cidr`, plugged into br0 as port `name`.
  void addVm(const std::string& name, const std::string& ip_cidr, const std::string& mac = "",
             const std::string& iface_id = "", const std::string& vm_uuid = "");
  /// Adds bridge br-ul with `hv_ip_cidr` and a collector namespace at `ip_cidr` behind it (call it
  /// again with the same `hv_ip_cidr` for further collectors on the same underlay).
  void addCollector(const std::string& name, const std::string& ip_cidr,
                    const std::string& hv_ip_cidr);
  /// Kills and restarts ovs-vswitchd (the database keeps its contents).
  void restartVswitchd();
  /// Kills and restarts ovsdb-server on the same database file.
  void restartOvsdb();
  /// Kills ovsdb-server (the host becomes unreachable) / starts it again on the same database
  /// and, with SandboxOptions::tcp, the same TCP port.
  void stopOvsdb();
  void startOvsdb();

  /// Runs `argv` inside host `host`'s namespace ("hv" for the hypervisor).
  CommandResult exec(const std::string& host, const std::vector<std::string>& argv) const;
  /// Runs ovs-vsctl against this sandbox's database.
  CommandResult vsctl(const std::vector<std::string>& args) const;

  /// The namespace of host `host` ("hv", a VM name, a collector name).
  std::string netns(const std::string& host) const;
  /// The OVSDB remote, "unix:<dir>/db.sock".
  std::string dbRemote() const;
  /// "tcp:127.0.0.1:<port>" with SandboxOptions::tcp, else "".
  std::string tcpRemote() const;
  /// ovs-vswitchd's unixctl socket.
  std::filesystem::path vswitchdCtl() const { return dir_ / "ovs-vswitchd.ctl"; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  void script(const std::vector<std::string>& args) const;

  TempDir tmp_;
  std::filesystem::path dir_;
  std::string prefix_;
};

}  // namespace ovse::test
