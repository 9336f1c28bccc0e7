// The reconciler's diff: like OVS's own bridge_configure_mirrors, drop what is gone, create what
// is missing, rewrite what differs, refuse what cannot work (OVS's 32-mirror limit, names taken
// by someone else's ports) with a status instead of a failed transaction.
#include "mirror_manager/reconciler.h"

#include <algorithm>
#include <map>
#include <set>

#include "desired_rows.h"
#include "mirror_manager/validation.h"
#include "pipeline_state.h"
#include "rspan_reach.h"
#include "switch_index.h"
#include "tunnel_route.h"
#include "underlay_mtu.h"

namespace ovse::manager {
namespace {

using ovs::valueOf;

// True for rows this reconciler manages: ours, and of the same owner.
bool inScope(const ovs::StringMap& external_ids, const ReconcileScope& scope) {
  return external_ids.contains(kSessionKey) && valueOf(external_ids, kOwnerKey) == scope.owner;
}

// Sessions whose existing rows stay as they are this round (see DesiredRows::keep_existing).
std::set<std::string> keptSessions(const std::vector<DesiredRows>& desired) {
  std::set<std::string> kept;
  for (const auto& rows : desired) {
    if (rows.keep_existing) kept.insert(rows.status.name);
  }
  return kept;
}

// True for rows the diff may change: in scope and not kept.
bool managed(const ovs::StringMap& external_ids, const ReconcileScope& scope,
             const std::set<std::string>& kept) {
  return inScope(external_ids, scope) && !kept.contains(valueOf(external_ids, kSessionKey));
}

std::vector<std::string> portNames(const std::vector<std::string>& uuids,
                                   const SwitchIndex& index) {
  std::vector<std::string> names;
  for (const auto& uuid : uuids) {
    const ovs::Port* port = index.portByUuid(uuid);
    names.push_back(port ? port->name : "?" + uuid);
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The observed Mirror row in the same form as a desired one, so they compare with ==.
ovs::MirrorSpec observedSpec(const ovs::Mirror& m, const SwitchIndex& index) {
  ovs::MirrorSpec spec;
  const ovs::Bridge* bridge = index.bridgeOfMirror(m.uuid);
  spec.bridge = bridge ? bridge->name : std::string();
  spec.name = m.name;
  spec.select_src_ports = portNames(m.select_src_port, index);
  spec.select_dst_ports = portNames(m.select_dst_port, index);
  spec.select_vlans = m.select_vlan;
  std::sort(spec.select_vlans.begin(), spec.select_vlans.end());
  spec.select_all = m.select_all;
  if (m.output_port) {
    const ovs::Port* out = index.portByUuid(*m.output_port);
    spec.output_port = out ? out->name : "?" + *m.output_port;
  }
  spec.output_vlan = m.output_vlan;
  spec.snaplen = m.snaplen;
  spec.external_ids = m.external_ids;
  return spec;
}

// Compares an observed port of ours with the desired spec (bridge, type, options, ids).
bool portMatches(const ovs::Port& port, const ovs::Interface* iface, const ovs::PortSpec& want,
                 const SwitchIndex& index) {
  const ovs::Bridge* bridge = index.bridgeOfPort(port.uuid);
  return iface != nullptr && bridge != nullptr && bridge->name == want.bridge &&
         iface->type == want.type && iface->options == want.options &&
         port.external_ids == want.external_ids;
}

// Refuses sessions whose mirrors would exceed OVS's per-bridge limit, or whose port names are
// taken by ports that are not theirs. Such sessions keep no rows.
void applyLimits(std::vector<DesiredRows>& desired, const SwitchIndex& index,
                 const ReconcileScope& scope) {
  std::map<std::string, std::size_t> used;  // bridge -> mirrors this round does not rewrite
  auto kept = keptSessions(desired);
  for (const auto& m : index.state().mirrors) {
    if (managed(m.external_ids, scope, kept)) continue;
    if (const ovs::Bridge* b = index.bridgeOfMirror(m.uuid)) ++used[b->name];
  }
  for (auto& rows : desired) {
    if (rows.mirrors.empty()) continue;
    std::string problem;
    for (const auto& p : rows.ports) {
      const ovs::Port* existing = index.portByName(p.name);
      if (existing && (!inScope(existing->external_ids, scope) ||
                       valueOf(existing->external_ids, kSessionKey) != rows.status.name)) {
        problem = "port name " + p.name + " is taken by a port ovs-erspan does not own here";
      }
    }
    std::size_t& n = used[rows.status.bridge];
    if (problem.empty() && n + rows.mirrors.size() > kMaxMirrorsPerBridge) {
      problem = "bridge " + rows.status.bridge + " would have " +
                std::to_string(n + rows.mirrors.size()) + " mirrors; OVS allows at most " +
                std::to_string(kMaxMirrorsPerBridge);
    }
    if (!problem.empty()) {
      rows.status.problems.push_back(problem);
      rows.status.state = SessionState::kError;
      rows.status.mirrors.clear();
      rows.status.ports.clear();
      rows.mirrors.clear();
      rows.ports.clear();
      continue;
    }
    n += rows.mirrors.size();
  }
}

void diffPorts(const std::vector<DesiredRows>& desired, const SwitchIndex& index,
               const ReconcileScope& scope, std::vector<ovs::Action>& actions) {
  auto kept = keptSessions(desired);
  std::map<std::string, const ovs::PortSpec*> wanted;
  for (const auto& rows : desired) {
    for (const auto& p : rows.ports) wanted[p.name] = &p;
  }
  for (const auto& port : index.state().ports) {
    if (managed(port.external_ids, scope, kept) && !wanted.contains(port.name)) {
      actions.push_back(ovs::DeletePort{port.uuid, port.name});
    }
  }
  for (const auto& [name, spec] : wanted) {
    const ovs::Port* port = index.portByName(name);
    if (port == nullptr) {
      actions.push_back(ovs::CreatePort{*spec});
      continue;
    }
    const ovs::Interface* iface = index.firstInterfaceOf(*port);
    if (portMatches(*port, iface, *spec, index)) continue;
    const ovs::Bridge* bridge = index.bridgeOfPort(port->uuid);
    if (iface != nullptr && bridge != nullptr && bridge->name == spec->bridge &&
        port->external_ids == spec->external_ids) {
      actions.push_back(ovs::UpdateInterface{iface->uuid, *spec});
    } else {
      actions.push_back(ovs::DeletePort{port->uuid, port->name});
      actions.push_back(ovs::CreatePort{*spec});
    }
  }
}

void diffMirrors(const std::vector<DesiredRows>& desired, const SwitchIndex& index,
                 const ReconcileScope& scope, std::vector<ovs::Action>& actions) {
  auto kept = keptSessions(desired);
  std::map<std::string, const ovs::MirrorSpec*> wanted;
  for (const auto& rows : desired) {
    for (const auto& m : rows.mirrors) wanted[m.name] = &m;
  }
  std::map<std::string, const ovs::Mirror*> have;
  for (const auto& m : index.state().mirrors) {
    if (!managed(m.external_ids, scope, kept)) continue;
    // A duplicate (same name twice) or an unwanted row goes.
    if (!wanted.contains(m.name) || have.contains(m.name)) {
      actions.push_back(ovs::DeleteMirror{m.uuid, m.name});
      continue;
    }
    have[m.name] = &m;
  }
  for (const auto& [name, spec] : wanted) {
    auto it = have.find(name);
    if (it == have.end()) {
      actions.push_back(ovs::CreateMirror{*spec});
      continue;
    }
    ovs::MirrorSpec observed = observedSpec(*it->second, index);
    if (observed == *spec) continue;
    if (observed.bridge == spec->bridge) {
      actions.push_back(ovs::UpdateMirror{it->second->uuid, *spec});
    } else {
      actions.push_back(ovs::DeleteMirror{it->second->uuid, name});
      actions.push_back(ovs::CreateMirror{*spec});
    }
  }
}

// ovs-vswitchd writes why it could not set up a port into Interface.error: show it, since the
// session then mirrors less than it says (or nothing).
void reportPortErrors(std::vector<DesiredRows>& desired, const SwitchIndex& index) {
  for (auto& rows : desired) {
    std::size_t failed = 0;
    for (const auto& spec : rows.ports) {
      const ovs::Port* port = index.portByName(spec.name);
      const ovs::Interface* iface = port ? index.firstInterfaceOf(*port) : nullptr;
      if (iface == nullptr || iface->error.empty()) continue;
      rows.status.problems.push_back("OVS: port " + spec.name + ": " + iface->error);
      ++failed;
    }
    if (failed == 0) continue;
    rows.status.state =
        failed == rows.ports.size() ? SessionState::kError : SessionState::kDegraded;
  }
}

// The store's sessions pass the same static rules as a create (a hand-edited file, a reload):
// one that fails gets no rows (the diff removes any it had) and its errors as problems, each
// naming the field, e.g. "destination.session_id: 5000 is above 1023". Temporary owners'
// sessions are built by the program, not typed by a user, and are not checked again. A session
// is checked against those before it in the file, so in a clash (two sessions writing one file,
// sharing one analyzer port) the earlier one keeps working and the later one is the error.
DesiredRows validatedRows(const Session& s, std::span<const Session> earlier,
                          const SwitchIndex& index, const ReconcileScope& scope) {
  if (!scope.owner.empty()) return desiredRows(s, index, scope);
  std::vector<Issue> issues = validateSession(s, earlier, {}, scope.validation);
  DesiredRows rows;
  if (hasErrors(issues)) {
    rows.status.name = s.name;
    rows.status.state = SessionState::kError;
  } else {
    rows = desiredRows(s, index, scope);
  }
  for (const Issue& issue : issues) {
    auto& list =
        issue.severity == Issue::Severity::kError ? rows.status.problems : rows.status.warnings;
    list.push_back(issue.text());
  }
  return rows;
}

// Warnings about what OVS will do with a programmed session's copies, beyond what it was told.
void addSwitchWarnings(const Session& s, DesiredRows& rows, const SwitchIndex& index,
                       const ReconcileScope& scope) {
  if (auto warning = underlayMtuWarning(s, rows, index)) {
    rows.status.warnings.push_back(std::move(*warning));
  }
  if (rows.mirrors.empty()) return;
  for (auto& warning : rspanReachWarnings(s, rows, index)) {
    rows.status.warnings.push_back(std::move(warning));
  }
  if (!scope.flow_purge_problem.empty()) {
    rows.status.warnings.push_back(scope.flow_purge_problem);
  }
  if (auto it = scope.traffic_warnings.find(s.name); it != scope.traffic_warnings.end()) {
    rows.status.warnings.push_back(it->second);
  }
}

// A programmed native tunnel session whose tunnels have no route delivers nothing: it waits.
// With several collectors, one without a route leaves the others delivering: degraded.
void waitForTunnelRoute(const Session& s, DesiredRows& rows, const SwitchIndex& index) {
  std::vector<std::string> missing = missingTunnelRoutes(s, rows, index);
  if (missing.empty()) return;
  const auto& erspan = std::get<ErspanDestination>(s.destination);
  if (missing.size() < collectorIps(erspan).size()) {
    for (auto& why : missing) rows.status.missing.push_back(std::move(why));
    if (rows.status.state == SessionState::kActive) rows.status.state = SessionState::kDegraded;
    return;
  }
  for (auto& why : missing) waitFor(rows.status, std::move(why));
}

}  // namespace

const char* toString(SessionState s) {
  switch (s) {
    case SessionState::kActive:
      return "active";
    case SessionState::kDegraded:
      return "degraded";
    case SessionState::kWaiting:
      return "waiting";
    case SessionState::kDisabled:
      return "disabled";
    case SessionState::kError:
      return "error";
  }
  return "?";
}

ReconcilePlan reconcile(std::span<const Session> sessions, const ovs::SwitchState& state,
                        const ReconcileScope& scope) {
  SwitchIndex index(state);
  std::vector<DesiredRows> desired;
  desired.reserve(sessions.size());
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    desired.push_back(validatedRows(sessions[i], sessions.first(i), index, scope));
  }
  applyLimits(desired, index, scope);

  ReconcilePlan plan;
  diffPorts(desired, index, scope, plan.actions);
  diffMirrors(desired, index, scope, plan.actions);
  reportPortErrors(desired, index);
  for (std::size_t i = 0; i < desired.size(); ++i) {
    addSwitchWarnings(sessions[i], desired[i], index, scope);
    waitForTunnelRoute(sessions[i], desired[i], index);
    if (scope.owner.empty() && !scope.fleet) {
      applyPipelineState(sessions[i], scope.pipelines, desired[i].status);
    }
  }
  for (auto& rows : desired) plan.statuses.push_back(std::move(rows.status));
  return plan;
}

}  // namespace ovse::manager
