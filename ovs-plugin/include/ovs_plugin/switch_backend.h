// SwitchBackend: what the mirror manager needs from a switch: its current state, and a way to
// apply a list of changes at once. OvsdbClient implements it over OVSDB; tests use fakes.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <vector>

#include "ovs_plugin/actions.h"
#include "ovs_plugin/switch_state.h"

namespace ovse::ovs {

/// Why apply() changed nothing.
struct ApplyError {
  std::string message;  ///< the database's own text, or why the transaction was not sent
  /// The database moved on since the state the actions were planned from (another writer, a
  /// port coming or going): plan again from state() and retry.
  bool stale = false;
};

class SwitchBackend {
 public:
  virtual ~SwitchBackend() = default;

  /// The latest known state, or nullptr before the first contents arrived.
  virtual std::shared_ptr<const SwitchState> state() const = 0;

  /// Applies `actions`, planned from the state whose seqno is `planned_on`, as one transaction.
  /// On success the state returned afterwards reflects them; on failure nothing was changed.
  /// Actions planned from an outdated state are refused as stale rather than applied, so two
  /// writers never both create the same row.
  virtual std::expected<void, ApplyError> apply(const std::vector<Action>& actions,
                                                std::uint64_t planned_on) = 0;

  /// Why ovs-vswitchd's datapath flows cannot be purged after a mirror change (its control
  /// socket is not known), or empty when they can or when the switch needs no purge.
  virtual std::string flowPurgeProblem() const { return {}; }
};

}  // namespace ovse::ovs
