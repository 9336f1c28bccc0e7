// SwitchBackend: what the mirror manager needs from a switch: its current state, and a way to
// apply a list of changes at once. OvsdbClient implements it over OVSDB; tests use fakes.
#pragma once

#include <chrono>
#include <expected>
#include <memory>
#include <string>
#include <vector>

#include "ovs_plugin/actions.h"
#include "ovs_plugin/switch_state.h"

namespace ovse::ovs {

class SwitchBackend {
 public:
  virtual ~SwitchBackend() = default;

  /// The latest known state, or nullptr before the first contents arrived.
  virtual std::shared_ptr<const SwitchState> state() const = 0;

  /// Applies `actions` as one transaction. On success the state returned afterwards reflects
  /// them; on failure nothing was changed and the error is the database's own text.
  virtual std::expected<void, std::string> apply(const std::vector<Action>& actions) = 0;
};

}  // namespace ovse::ovs
