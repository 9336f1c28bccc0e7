// VswitchdControl: commands to ovs-vswitchd's unixctl socket (what ovs-appctl does). The manager
// needs one: OVS 3.1's userspace datapath keeps forwarding established flows without a new
// mirror's output until their datapath flows are revalidated (measured: never within 60 s under
// steady traffic), so after changing mirrors it purges the datapath flows.
#pragma once

#include <chrono>
#include <expected>
#include <string>
#include <vector>

namespace ovse::ovs {

class VswitchdControl {
 public:
  /// How long a call waits for the reply by default: a stopped (SIGSTOP) or wedged
  /// ovs-vswitchd accepts the connection and never answers.
  static constexpr std::chrono::milliseconds kDefaultTimeout{3000};

  /// Talks to the unixctl socket at `socket_path`; each call gives up after `timeout`.
  explicit VswitchdControl(std::string socket_path,
                           std::chrono::milliseconds timeout = kDefaultTimeout)
      : path_(std::move(socket_path)), timeout_(timeout) {}

  /// Finds ovs-vswitchd's control socket for a unix:DIR/db.sock OVSDB remote. It looks in DIR,
  /// then $OVS_RUNDIR, then /var/run/openvswitch: first for the default names (ovs-vswitchd.ctl,
  /// ovs-vswitchd.<pid>.ctl from ovs-vswitchd.pid), then asks every other *.ctl there for its
  /// `version` and takes the one that answers "ovs-vswitchd ..." (a daemon started with
  /// --unixctl=DIR/NAME.ctl). The error says where it looked and names --vswitchd-ctl; tcp:/ssl:
  /// remotes (a switch on another host) are an error too.
  static std::expected<VswitchdControl, std::string> find(const std::string& ovsdb_remote);

  /// True when the socket answers `version` as ovs-vswitchd (not ovsdb-server or another daemon).
  bool isVswitchd() const;

  /// Runs `command` and returns its reply, or the error (also when no reply came in time).
  std::expected<std::string, std::string> call(const std::string& command) const;

  /// Runs `command` with arguments (e.g. "ofproto/trace", {"br0", "in_port=1,icmp"}) and returns
  /// its whole reply, however long, or the error.
  std::expected<std::string, std::string> call(const std::string& command,
                                               const std::vector<std::string>& args) const;

  /// Makes every datapath flow be translated again from the current configuration.
  std::expected<void, std::string> purgeDatapathFlows() const;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::chrono::milliseconds timeout_;
};

}  // namespace ovse::ovs
