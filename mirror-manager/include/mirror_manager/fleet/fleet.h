// Fleet: keeps many OVS hosts matching one set of sessions. Each host has its own OvsdbClient
// (reconnecting forever) and its own reconcile thread, so a slow or unreachable host never
// stalls the others; every host is reconciled in fleet mode (ReconcileScope::fleet), so a
// session's rows exist only where one of its sources is and follow a VM that moves.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mirror_manager/fleet/fleet_status.h"
#include "mirror_manager/fleet/inventory.h"
#include "mirror_manager/session.h"
#include "ovs_plugin/ovsdb_client.h"

namespace ovse::manager {

class HostWorker;

struct FleetOptions {
  /// false: observe only (read every host, compute statuses, never write).
  bool apply = true;
  /// How often each host's thread checks for new sessions and link changes.
  std::chrono::milliseconds poll{50};
  /// Back-off after a host refused a transaction, before trying again without a change.
  std::chrono::milliseconds retry_after{2000};
  /// libopenvswitch log level on stderr: 0 off .. 3 debug.
  int log_level = 0;
  /// After a change, how long a host's thread waits for its ovs-vswitchd to apply it (then
  /// purges datapath flows); 0 = not at all (ovs-vsctl's --no-wait).
  std::chrono::milliseconds switch_timeout{5000};
};

/// One host as the fleet sees it.
struct HostReport {
  std::string name;
  std::string remote;
  ovs::LinkState link = ovs::LinkState::kConnecting;
  bool ever_connected = false;  ///< its contents arrived at least once
  /// When `link` last changed (or the fleet started).
  std::chrono::system_clock::time_point since;
  std::size_t port_count = 0;     ///< in its latest (possibly stale) contents
  std::size_t session_count = 0;  ///< store sessions with Mirror rows there
  std::uint64_t rounds = 0;       ///< reconcile rounds run
  std::uint64_t actions_applied = 0;
  std::string last_error;  ///< the last refused transaction ("" after a clean round)
};

class Fleet {
 public:
  /// Checks the inventory and starts one client and thread per host (connections are made in
  /// the background). Fails on an invalid inventory or a malformed remote.
  static std::expected<std::unique_ptr<Fleet>, std::string> start(std::vector<HostEntry> hosts,
                                                                  FleetOptions options = {});
  ~Fleet();
  Fleet(const Fleet&) = delete;
  Fleet& operator=(const Fleet&) = delete;

  /// Replaces the desired sessions; every host reconciles against them within `poll`.
  void setSessions(std::vector<Session> sessions);

  /// Every host's connection state and counters, in inventory order.
  std::vector<HostReport> hosts() const;

  /// Every session's fleet-wide status, in the sessions' order.
  std::vector<FleetSessionStatus> sessions() const;

  /// Waits until every host has connected (or `timeout` passes) and, when applying, has run a
  /// round against the current sessions. Returns true when all did.
  bool waitSettled(std::chrono::milliseconds timeout) const;

 private:
  Fleet() = default;

  std::vector<std::unique_ptr<HostWorker>> workers_;
  mutable std::mutex mutex_;  // guards sessions_ (setSessions and sessions() on any thread)
  std::shared_ptr<const std::vector<Session>> sessions_;
  std::uint64_t generation_ = 0;
  // sessions()'s last answer and what it was computed from (guarded by cache_mutex_).
  mutable std::mutex cache_mutex_;
  mutable std::shared_ptr<const std::vector<Session>> cache_sessions_;
  mutable std::vector<std::array<std::uint64_t, 3>> cache_versions_;
  mutable std::vector<FleetSessionStatus> cache_;
};

/// Reads and checks an inventory file (JSON, see inventory.h).
std::expected<std::vector<HostEntry>, std::string> loadInventoryFile(
    const std::filesystem::path& path);

/// "connected", "reconnecting" (lost, retrying) or "connecting" (never reached yet).
const char* linkName(const HostReport& report);

/// JSON form of a host: {"name", "remote", "state", "since" (RFC 3339 UTC), "ports", "sessions",
/// "rounds", "actions_applied", "last_error"}.
nlohmann::json hostReportJson(const HostReport& report);

}  // namespace ovse::manager
