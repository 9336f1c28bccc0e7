// Reconcile and apply one round, attributing a refused transaction to the sessions it touched.
#include "mirror_manager/apply.h"

#include <set>

namespace ovse::manager {
namespace {

// The session a create/update action belongs to (deletes name rows, not sessions).
std::string sessionOf(const ovs::Action& action) {
  const ovs::StringMap* ids = nullptr;
  if (const auto* a = std::get_if<ovs::CreateMirror>(&action)) ids = &a->spec.external_ids;
  if (const auto* a = std::get_if<ovs::UpdateMirror>(&action)) ids = &a->spec.external_ids;
  if (const auto* a = std::get_if<ovs::CreatePort>(&action)) ids = &a->spec.external_ids;
  if (const auto* a = std::get_if<ovs::UpdateInterface>(&action)) ids = &a->spec.external_ids;
  if (ids == nullptr) return {};
  auto it = ids->find(kSessionKey);
  return it == ids->end() ? std::string() : it->second;
}

}  // namespace

ApplyOutcome reconcileAndApply(std::span<const Session> sessions, ovs::SwitchBackend& backend,
                               const ReconcileScope& given_scope) {
  // Whoever applies (the daemon, the CLI without one, hosts, a capture) gets the purge
  // warning: the backend knows whether it can purge ovs-vswitchd's flows after a change.
  ReconcileScope scope = given_scope;
  if (scope.flow_purge_problem.empty()) scope.flow_purge_problem = backend.flowPurgeProblem();
  ApplyOutcome out;
  auto state = backend.state();
  if (!state) {
    out.error = "no switch state yet (not connected to OVSDB)";
    for (const auto& s : sessions) {
      out.statuses.push_back({.name = s.name, .state = SessionState::kError, .problems = {*out.error}});
    }
    return out;
  }
  // Rounds: one applies the plan; the next confirms convergence or covers what changed meanwhile
  // (a stale plan is re-planned, never applied: another writer may have created the same rows).
  constexpr int kRounds = 6;
  for (int round = 0; round < kRounds; ++round) {
    ReconcilePlan plan = reconcile(sessions, *state, scope);
    out.statuses = std::move(plan.statuses);
    if (plan.actions.empty()) return out;
    auto applied = backend.apply(plan.actions, state->seqno);
    if (!applied && applied.error().stale && round + 1 < kRounds) {
      state = backend.state();
      continue;
    }
    if (!applied) {
      out.error = applied.error().message;
      std::set<std::string> touched;
      for (const auto& action : plan.actions) touched.insert(sessionOf(action));
      for (auto& status : out.statuses) {
        if (!touched.contains(status.name)) continue;
        status.state = SessionState::kError;
        status.problems.push_back(applied.error().message);
      }
      return out;
    }
    out.actions_applied += plan.actions.size();
    state = backend.state();
  }
  out.statuses = reconcile(sessions, *state, scope).statuses;
  return out;
}

}  // namespace ovse::manager
