// MirrorTrafficWatch: notices a programmed session whose OVS mirror counts nothing while its
// sources carry traffic. ovs-vswitchd writes Mirror.statistics and Interface.statistics in the
// same refresh (every 5 s by default), so in one snapshot a working mirror has counted the
// sources' packets; measured on OVS 3.1, a Mirror added under steady traffic without a flow
// purge counted nothing for 60 s and more. The watch needs history: it warns only after a whole
// interval without a mirrored packet, never on the first snapshot it sees of a session.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <span>
#include <string>

#include "mirror_manager/reconciler.h"
#include "ovs_plugin/switch_state.h"

namespace ovse::manager {

class MirrorTrafficWatch {
 public:
  using Clock = std::chrono::steady_clock;

  /// Warns once `interval` has passed with at least `min_source_packets` on the sources and
  /// no change of the mirror's count.
  explicit MirrorTrafficWatch(std::chrono::milliseconds interval = std::chrono::seconds(10),
                              std::int64_t min_source_packets = 10)
      : interval_(interval), min_source_packets_(min_source_packets) {}

  /// Takes the counts of every enabled session with Mirror rows in `state` at `now`; sessions
  /// without rows are forgotten.
  void observe(const ovs::SwitchState& state, std::span<const Session> sessions,
               Clock::time_point now);

  /// Session → warning, for the sessions whose mirror has counted nothing over the interval
  /// while their sources carried traffic.
  const std::map<std::string, std::string>& warnings() const { return warnings_; }

 private:
  struct Baseline {
    Clock::time_point since;
    std::int64_t mirrored = 0;  ///< the mirror rows' tx_packets then
    std::int64_t sources = 0;   ///< the sources' packets then (rx of selected-source ports, tx
                                ///< of selected-destination ports)
  };
  std::chrono::milliseconds interval_;
  std::int64_t min_source_packets_;
  std::map<std::string, Baseline> baselines_;
  std::map<std::string, std::string> warnings_;
};

}  // namespace ovse::manager
