// Reconciling a FakeSwitch until the plan is empty, as the daemon's loop does: shared by the
// manager unit tests that check what a session converges to.
#pragma once

#include <gtest/gtest.h>

#include <vector>

#include "fake_switch.h"
#include "mirror_manager/reconciler.h"

namespace ovse::test {

/// Reconciles and applies until no action is left (at most 3 rounds); the last plan's statuses.
inline std::vector<manager::SessionStatus> converge(FakeSwitch& fake,
                                                    const std::vector<manager::Session>& sessions,
                                                    const manager::ReconcileScope& scope = {}) {
  for (int i = 0; i < 3; ++i) {
    auto plan = manager::reconcile(sessions, *fake.state(), scope);
    if (plan.actions.empty()) return plan.statuses;
    EXPECT_TRUE(fake.apply(plan.actions).has_value());
  }
  ADD_FAILURE() << "did not converge in 3 rounds";
  return {};
}

}  // namespace ovse::test
