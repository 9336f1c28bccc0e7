// Reconcile and apply: one round of making a switch match the sessions, through the
// SwitchBackend interface (OVSDB in production, a fake in unit tests).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mirror_manager/reconciler.h"
#include "mirror_manager/session.h"
#include "ovs_plugin/switch_backend.h"

namespace ovse::manager {

struct ApplyOutcome {
  std::vector<SessionStatus> statuses;  ///< one per session, after the round
  std::size_t actions_applied = 0;
  std::optional<std::string> error;  ///< the backend's refusal, when there was one
};

/// Reconciles `sessions` against the backend's current state and applies the actions as one
/// transaction. When the backend refuses, the sessions the transaction touched get state error
/// with the backend's text, and nothing else changes.
ApplyOutcome reconcileAndApply(std::span<const Session> sessions, ovs::SwitchBackend& backend,
                               const ReconcileScope& scope = {});

}  // namespace ovse::manager
