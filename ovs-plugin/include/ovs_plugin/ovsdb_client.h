// OvsdbClient: a connection to an Open vSwitch database through libopenvswitch's IDL. The IDL
// runs on its own thread (OVS poll loops are per thread) and publishes immutable SwitchState
// snapshots whenever the database changes.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <expected>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "ovs_plugin/switch_backend.h"
#include "ovs_plugin/switch_state.h"
#include "ovs_plugin/vswitchd_control.h"

namespace ovse::ovs {

/// How to reach the database. `remote` is unix:PATH, tcp:IP:PORT or ssl:IP:PORT.
struct ConnectOptions {
  std::string remote = "unix:/var/run/openvswitch/db.sock";
  std::string private_key;  ///< ssl: our key (PEM)
  std::string certificate;  ///< ssl: our certificate (PEM)
  std::string ca_cert;      ///< ssl: CA certificate to trust (PEM)
  bool retry = true;        ///< reconnect forever; without it the first failure is final
  /// ovs-vswitchd's unixctl socket; empty = found from `remote` (VswitchdControl::find).
  std::string vswitchd_ctl;
  int log_level = 0;  ///< libopenvswitch log level on stderr: 0 off .. 3 debug
};

/// Connection state, as a reader of the database sees it.
enum class LinkState { kConnecting, kConnected, kFailed };

class OvsdbClient : public SwitchBackend {
 public:
  /// Validates the remote and starts the IDL thread. Fails on a malformed remote name.
  /// Programs that handle SIGTERM/SIGINT/SIGHUP themselves install their handlers after this
  /// returns (libopenvswitch's own are installed by then; see ovse_claim_fatal_signals).
  static std::expected<std::unique_ptr<OvsdbClient>, std::string> start(ConnectOptions options);
  /// Connect and wait for the contents, for a program that needs the database now (a CLI
  /// command): start(), then waitForContents() up to `timeout`. With `options.retry` the client
  /// keeps reconnecting afterwards (a capture outlives an ovsdb-server restart), and a server
  /// that is down is waited for until `timeout`; without it the first failure is final. The
  /// error names the remote: malformed, refused, missing socket, or timed out.
  static std::expected<std::unique_ptr<OvsdbClient>, std::string> connect(
      ConnectOptions options, std::chrono::milliseconds timeout);
  ~OvsdbClient() override;
  OvsdbClient(const OvsdbClient&) = delete;
  OvsdbClient& operator=(const OvsdbClient&) = delete;

  /// Waits until the database contents have arrived. Returns the first snapshot, or an error
  /// naming the remote: refused, missing socket, or timed out.
  std::expected<std::shared_ptr<const SwitchState>, std::string> waitForContents(
      std::chrono::milliseconds timeout);

  /// The latest snapshot (nullptr before the contents first arrive).
  std::shared_ptr<const SwitchState> snapshot() const;
  std::shared_ptr<const SwitchState> state() const override { return snapshot(); }

  /// Applies `actions` as one transaction on the IDL thread (stale when the IDL has seen a
  /// change since `planned_on`, or when another writer changed a bridge's mirrors or ports before
  /// the commit), then waits up to `switch_timeout` for ovs-vswitchd to apply the change, as
  /// ovs-vsctl does. When mirrors changed, it then purges the datapath flows so established
  /// traffic is mirrored at once (see vswitchd_control.h).
  std::expected<void, ApplyError> apply(const std::vector<Action>& actions,
                                        std::uint64_t planned_on) override;

  /// How long apply() waits for ovs-vswitchd (0: don't wait).
  void setSwitchTimeout(std::chrono::milliseconds timeout) { switch_timeout_ = timeout; }

  /// Waits until a snapshot other than `seen_seqno` is published, or `timeout` passes; returns
  /// the latest snapshot (nullptr before the first contents).
  std::shared_ptr<const SwitchState> waitForChange(std::uint64_t seen_seqno,
                                                   std::chrono::milliseconds timeout);

  /// Empty when ovs-vswitchd's unixctl socket is known (--vswitchd-ctl, or found next to a
  /// unix: remote, see VswitchdControl::find), else why not; the lookup is repeated at most every
  /// few seconds, so a switch started later is found. Empty for tcp:/ssl: remotes too: a switch on
  /// another host revalidates on its own and no local socket could reach it.
  std::string flowPurgeProblem() const override;

  LinkState linkState() const;
  const std::string& remote() const { return options_.remote; }

 private:
  struct Impl;
  struct Request;
  explicit OvsdbClient(ConnectOptions options);
  void threadMain();
  void serveRequests(std::optional<std::uint64_t>& seen);
  void publish(std::shared_ptr<const SwitchState> fresh);
  void wake();
  static bool changesMirrors(const std::vector<Action>& actions);
  void purgeDatapathFlows();
  /// The cached result of looking up ovs-vswitchd's control socket (see flowPurgeProblem).
  std::expected<VswitchdControl, std::string> vswitchdControl(bool fresh = false) const;
  std::string failureText() const;

  ConnectOptions options_;
  std::unique_ptr<Impl> impl_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::shared_ptr<const SwitchState> snapshot_;
  LinkState link_state_ = LinkState::kConnecting;
  int last_errno_ = 0;
  bool stopping_ = false;
  std::deque<Request*> requests_;
  std::chrono::milliseconds switch_timeout_{5000};
  mutable std::mutex control_mutex_;
  mutable std::optional<std::expected<VswitchdControl, std::string>> control_;
  mutable std::chrono::steady_clock::time_point control_checked_;
  std::thread thread_;
};

}  // namespace ovse::ovs
