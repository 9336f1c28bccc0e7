// HostWorker: one host of the fleet: its OvsdbClient and the thread that reconciles it whenever
// its database or the sessions change. Private to the fleet library.
#pragma once

#include <array>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "mirror_manager/fleet/fleet.h"

namespace ovse::manager {

class HostWorker {
 public:
  /// Starts the client (retrying forever) and the thread.
  static std::expected<std::unique_ptr<HostWorker>, std::string> start(const HostEntry& host,
                                                                       const FleetOptions& options);
  ~HostWorker();
  HostWorker(const HostWorker&) = delete;
  HostWorker& operator=(const HostWorker&) = delete;

  /// Hands over a new set of sessions (generation `generation`); picked up within `poll`.
  void setSessions(std::shared_ptr<const std::vector<Session>> sessions, std::uint64_t generation);

  HostReport report() const;
  /// The latest snapshot, link state and statuses, for fleet-wide statuses.
  HostObservation observe() const;
  /// Changes whenever observe() would return something different: the link, the database's
  /// seqno and the reconcile rounds run.
  std::array<std::uint64_t, 3> observationVersion() const;
  /// True once connected and (when applying) reconciled against the current generation.
  bool settled() const;

 private:
  HostWorker(const HostEntry& host, const FleetOptions& options);
  void run();
  bool roundDue(const ovs::SwitchState& state, std::chrono::steady_clock::time_point now) const;
  void reconcileRound(const std::shared_ptr<const ovs::SwitchState>& state);
  void noteLink(ovs::LinkState link);

  HostEntry host_;
  FleetOptions options_;
  std::unique_ptr<ovs::OvsdbClient> client_;

  mutable std::mutex mutex_;
  bool stopping_ = false;
  std::shared_ptr<const std::vector<Session>> sessions_;
  std::uint64_t generation_ = 0;
  // Written by the thread, read by report()/observe() (under mutex_).
  HostReport report_;
  std::vector<SessionStatus> statuses_;
  std::uint64_t done_generation_ = 0;  // generation of the last clean round
  std::uint64_t done_seqno_ = 0;       // database seqno the last round ended at
  std::chrono::steady_clock::time_point retry_at_{};
  bool failed_ = false;  // the last round's transaction was refused
  std::thread thread_;
};

}  // namespace ovse::manager
