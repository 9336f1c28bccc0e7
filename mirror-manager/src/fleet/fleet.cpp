// Fleet: one HostWorker per inventory host, the shared sessions, and fleet-wide views.
#include "mirror_manager/fleet/fleet.h"

#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>

#include "host_worker.h"

namespace ovse::manager {

std::expected<std::unique_ptr<Fleet>, std::string> Fleet::start(std::vector<HostEntry> hosts,
                                                                FleetOptions options) {
  if (auto ok = checkInventory(hosts); !ok) return std::unexpected(ok.error());
  std::unique_ptr<Fleet> fleet(new Fleet());
  fleet->sessions_ = std::make_shared<const std::vector<Session>>();
  for (const auto& host : hosts) {
    auto worker = HostWorker::start(host, options);
    if (!worker) return std::unexpected(worker.error());
    fleet->workers_.push_back(std::move(*worker));
  }
  return fleet;
}

Fleet::~Fleet() = default;

void Fleet::setSessions(std::vector<Session> sessions) {
  // Each host compares generations, so handing the same sessions again costs one quiet round.
  auto shared = std::make_shared<const std::vector<Session>>(std::move(sessions));
  std::lock_guard lock(mutex_);
  sessions_ = shared;
  ++generation_;
  for (auto& w : workers_) w->setSessions(shared, generation_);
}

std::vector<HostReport> Fleet::hosts() const {
  std::vector<HostReport> out;
  out.reserve(workers_.size());
  for (const auto& w : workers_) out.push_back(w->report());
  return out;
}

std::vector<FleetSessionStatus> Fleet::sessions() const {
  // Callers poll this (the --reconcile log, ten times a second); it is computed again only
  // when a host, its database or the sessions changed.
  std::vector<std::array<std::uint64_t, 3>> versions;
  versions.reserve(workers_.size());
  for (const auto& w : workers_) versions.push_back(w->observationVersion());
  std::shared_ptr<const std::vector<Session>> sessions;
  {
    std::lock_guard lock(mutex_);
    sessions = sessions_;
  }
  std::lock_guard cache_lock(cache_mutex_);
  if (cache_sessions_ == sessions && cache_versions_ == versions) return cache_;
  std::vector<HostObservation> seen;
  seen.reserve(workers_.size());
  for (const auto& w : workers_) seen.push_back(w->observe());
  cache_ = fleetStatuses(*sessions, seen);
  cache_sessions_ = sessions;
  cache_versions_ = std::move(versions);
  return cache_;
}

bool Fleet::waitSettled(std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    bool all = true;
    for (const auto& w : workers_) all = all && w->settled();
    if (all) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::expected<std::vector<HostEntry>, std::string> loadInventoryFile(
    const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return std::unexpected("inventory " + path.string() + ": cannot open");
  std::stringstream text;
  text << in.rdbuf();
  auto hosts = parseInventory(text.str());
  if (!hosts) return std::unexpected("inventory " + path.string() + ": " + hosts.error());
  if (auto ok = checkInventory(*hosts); !ok) {
    return std::unexpected("inventory " + path.string() + ": " + ok.error());
  }
  return hosts;
}

const char* linkName(const HostReport& report) {
  if (report.link == ovs::LinkState::kConnected) return "connected";
  return report.ever_connected ? "reconnecting" : "connecting";
}

nlohmann::json hostReportJson(const HostReport& report) {
  std::time_t t = std::chrono::system_clock::to_time_t(report.since);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char since[32];
  std::strftime(since, sizeof since, "%Y-%m-%dT%H:%M:%SZ", &utc);
  nlohmann::json j;
  j["name"] = report.name;
  j["remote"] = report.remote;
  j["state"] = linkName(report);
  j["since"] = since;
  j["ports"] = report.port_count;
  j["sessions"] = report.session_count;
  j["rounds"] = report.rounds;
  j["actions_applied"] = report.actions_applied;
  j["last_error"] = report.last_error;
  return j;
}

}  // namespace ovse::manager
