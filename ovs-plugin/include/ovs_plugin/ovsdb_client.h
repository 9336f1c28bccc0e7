// OvsdbClient: a connection to an Open vSwitch database through libopenvswitch's IDL. The IDL
// runs on its own thread (OVS poll loops are per thread) and publishes immutable SwitchState
// snapshots whenever the database changes.
#pragma once

#include <chrono>
#include <condition_variable>
#include <expected>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "ovs_plugin/switch_state.h"

namespace ovse::ovs {

/// How to reach the database. `remote` is unix:PATH, tcp:IP:PORT or ssl:IP:PORT.
struct ConnectOptions {
  std::string remote = "unix:/var/run/openvswitch/db.sock";
  std::string private_key;  ///< ssl: our key (PEM)
  std::string certificate;  ///< ssl: our certificate (PEM)
  std::string ca_cert;      ///< ssl: CA certificate to trust (PEM)
  bool retry = true;        ///< reconnect forever; without it the first failure is final
  int log_level = 0;        ///< libopenvswitch log level on stderr: 0 off .. 3 debug
};

/// Connection state, as a reader of the database sees it.
enum class LinkState { kConnecting, kConnected, kFailed };

class OvsdbClient {
 public:
  /// Validates the remote and starts the IDL thread. Fails on a malformed remote name.
  static std::expected<std::unique_ptr<OvsdbClient>, std::string> start(ConnectOptions options);
  ~OvsdbClient();
  OvsdbClient(const OvsdbClient&) = delete;
  OvsdbClient& operator=(const OvsdbClient&) = delete;

  /// Waits until the database contents have arrived. Returns the first snapshot, or an error
  /// naming the remote: refused, missing socket, or timed out.
  std::expected<std::shared_ptr<const SwitchState>, std::string> waitForContents(
      std::chrono::milliseconds timeout);

  /// The latest snapshot (nullptr before the contents first arrive).
  std::shared_ptr<const SwitchState> snapshot() const;

  LinkState linkState() const;
  const std::string& remote() const { return options_.remote; }

 private:
  struct Impl;
  explicit OvsdbClient(ConnectOptions options);
  void threadMain();
  std::string failureText() const;

  ConnectOptions options_;
  std::unique_ptr<Impl> impl_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::shared_ptr<const SwitchState> snapshot_;
  LinkState link_state_ = LinkState::kConnecting;
  int last_errno_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ovse::ovs
