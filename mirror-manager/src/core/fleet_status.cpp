// Fleet-wide session status: per-host observations folded into one state per session.
#include "mirror_manager/fleet/fleet_status.h"

#include <optional>
#include <set>

#include "switch_index.h"

namespace ovse::manager {
namespace {

// One host's observation with the lookups built once per call (not per session).
struct IndexedHost {
  const HostObservation* host;
  std::optional<SwitchIndex> index;  // absent: never connected
  std::set<std::string> with_rows;   // sessions whose Mirror rows are in its database
};

std::vector<IndexedHost> indexHosts(std::span<const HostObservation> hosts) {
  std::vector<IndexedHost> out;
  out.reserve(hosts.size());
  for (const auto& h : hosts) {
    IndexedHost& ih = out.emplace_back(IndexedHost{&h, std::nullopt, {}});
    if (!h.state) continue;
    ih.index.emplace(*h.state);
    auto names = sessionsWithRows(*h.state);
    ih.with_rows.insert(names.begin(), names.end());
  }
  return out;
}

// Sources: missing everywhere, or present only where the host cannot be reached now.
void placeSources(const Session& s, const std::vector<IndexedHost>& hosts, FleetSessionStatus& out,
                  std::set<std::string>& noted) {
  for (const auto& source : s.sources) {
    bool anywhere = false;
    for (const auto& ih : hosts) {
      if (!ih.index || ih.index->resolve(source).empty()) continue;
      anywhere = true;
      if (ih.host->connected) continue;
      out.problems.push_back(describeSource(source) + " is on unreachable host " + ih.host->name);
      noted.insert(ih.host->name);
    }
    if (!anywhere) out.missing.push_back(describeSource(source) + " (not present on any host)");
  }
}

// Where the rows are; unreachable hosts holding rows (and not noted for a source) are problems.
void placeRows(const Session& s, const std::vector<IndexedHost>& hosts, FleetSessionStatus& out,
               const std::set<std::string>& noted) {
  for (const auto& ih : hosts) {
    if (!ih.with_rows.contains(s.name)) continue;
    out.hosts.push_back(ih.host->name);
    if (!ih.host->connected && !noted.contains(ih.host->name)) {
      out.problems.push_back("host " + ih.host->name + " is unreachable; its part is not kept");
    }
  }
}

// Folds the connected hosts' own statuses (index `i` of each) into `out`; true on an error.
bool foldHostStatuses(std::size_t i, const std::vector<IndexedHost>& hosts,
                      FleetSessionStatus& out) {
  bool error = false;
  for (const auto& ih : hosts) {
    const HostObservation& host = *ih.host;
    if (!host.connected || i >= host.statuses.size()) continue;
    const SessionStatus& st = host.statuses[i];
    for (const auto& p : st.problems) out.problems.push_back(host.name + ": " + p);
    for (const auto& w : st.warnings) out.warnings.push_back(host.name + ": " + w);
    error = error || st.state == SessionState::kError;
  }
  return error;
}

FleetSessionStatus statusOf(const Session& s, std::size_t i,
                            const std::vector<IndexedHost>& hosts) {
  FleetSessionStatus out;
  out.name = s.name;
  if (!s.enabled) {
    out.state = SessionState::kDisabled;
    return out;
  }
  std::set<std::string> noted;
  placeSources(s, hosts, out, noted);
  placeRows(s, hosts, out, noted);
  if (foldHostStatuses(i, hosts, out)) {
    out.state = SessionState::kError;
  } else if (out.hosts.empty()) {
    // Nothing programmed: only a source behind an unreachable host makes that worse than waiting.
    out.state = out.problems.empty() ? SessionState::kWaiting : SessionState::kDegraded;
  } else {
    bool clean = out.missing.empty() && out.problems.empty();
    out.state = clean ? SessionState::kActive : SessionState::kDegraded;
  }
  return out;
}

}  // namespace

std::vector<std::string> sessionsWithRows(const ovs::SwitchState& state) {
  std::set<std::string> names;
  for (const auto& m : state.mirrors) {
    auto it = m.external_ids.find(kSessionKey);
    if (it != m.external_ids.end() && !m.external_ids.contains(kOwnerKey)) names.insert(it->second);
  }
  return {names.begin(), names.end()};
}

std::vector<FleetSessionStatus> fleetStatuses(std::span<const Session> sessions,
                                              std::span<const HostObservation> hosts) {
  auto indexed = indexHosts(hosts);
  std::vector<FleetSessionStatus> out;
  out.reserve(sessions.size());
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    out.push_back(statusOf(sessions[i], i, indexed));
  }
  return out;
}

nlohmann::json fleetStatusJson(const FleetSessionStatus& status) {
  nlohmann::json j;
  j["name"] = status.name;
  j["state"] = toString(status.state);
  j["hosts"] = status.hosts;
  j["missing"] = status.missing;
  j["problems"] = status.problems;
  j["warnings"] = status.warnings;
  return j;
}

}  // namespace ovse::manager
