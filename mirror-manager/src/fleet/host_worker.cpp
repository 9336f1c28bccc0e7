// HostWorker: the per-host reconcile loop of the fleet.
#include "host_worker.h"

#include "mirror_manager/apply.h"

namespace ovse::manager {

HostWorker::HostWorker(const HostEntry& host, const FleetOptions& options)
    : host_(host), options_(options) {
  report_.name = host.name;
  report_.remote = host.db;
  report_.since = std::chrono::system_clock::now();
}

std::expected<std::unique_ptr<HostWorker>, std::string> HostWorker::start(
    const HostEntry& host, const FleetOptions& options) {
  std::unique_ptr<HostWorker> worker(new HostWorker(host, options));
  ovs::ConnectOptions connect{.remote = host.db,
                              .private_key = host.private_key,
                              .certificate = host.certificate,
                              .ca_cert = host.ca_cert,
                              .retry = true,
                              .vswitchd_ctl = host.vswitchd_ctl,
                              .log_level = options.log_level};
  auto client = ovs::OvsdbClient::start(connect);
  if (!client) return std::unexpected("host " + host.name + ": " + client.error());
  worker->client_ = std::move(*client);
  worker->client_->setSwitchTimeout(options.switch_timeout);
  worker->thread_ = std::thread([w = worker.get()] { w->run(); });
  return worker;
}

HostWorker::~HostWorker() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
  client_.reset();
}

void HostWorker::setSessions(std::shared_ptr<const std::vector<Session>> sessions,
                             std::uint64_t generation) {
  {
    std::lock_guard lock(mutex_);
    sessions_ = std::move(sessions);
    generation_ = generation;
  }
}

// A round is due (called under mutex_) when the database moved on, the sessions changed, or a
// refused transaction's back-off ran out.
bool HostWorker::roundDue(const ovs::SwitchState& state,
                          std::chrono::steady_clock::time_point now) const {
  // Before the first setSessions() there is nothing to compare against (an empty list would
  // delete every session's rows).
  if (!sessions_) return false;
  if (generation_ != done_generation_) return true;
  if (failed_) return now >= retry_at_;
  return state.seqno != done_seqno_;
}

void HostWorker::noteLink(ovs::LinkState link) {
  if (link == report_.link) return;
  report_.link = link;
  report_.since = std::chrono::system_clock::now();
}

void HostWorker::reconcileRound(const std::shared_ptr<const ovs::SwitchState>& state) {
  std::shared_ptr<const std::vector<Session>> sessions;
  std::uint64_t generation;
  {
    std::lock_guard lock(mutex_);
    sessions = sessions_;
    generation = generation_;
  }
  static const std::vector<Session> kNone;
  const std::vector<Session>& wanted = sessions ? *sessions : kNone;
  ReconcileScope scope{.fleet = true};
  std::vector<SessionStatus> statuses;
  std::optional<std::string> error;
  std::size_t applied = 0;
  if (options_.apply) {
    ApplyOutcome out = reconcileAndApply(wanted, *client_, scope);
    statuses = std::move(out.statuses);
    error = std::move(out.error);
    applied = out.actions_applied;
  } else {
    statuses = reconcile(wanted, *state, scope).statuses;
  }
  auto after = client_->snapshot();
  std::lock_guard lock(mutex_);
  statuses_ = std::move(statuses);
  report_.rounds += 1;
  report_.actions_applied += applied;
  report_.last_error = error.value_or("");
  failed_ = error.has_value();
  retry_at_ = std::chrono::steady_clock::now() + options_.retry_after;
  done_generation_ = generation;
  done_seqno_ = after ? after->seqno : state->seqno;
}

void HostWorker::run() {
  std::uint64_t seen = 0;
  for (;;) {
    // Wakes on a database change; session changes and link changes are seen within `poll`.
    auto state = client_->waitForChange(seen, options_.poll);
    ovs::LinkState link = client_->linkState();
    bool due = false;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      noteLink(link);
      if (state) {
        report_.ever_connected = true;
        if (state->seqno != seen) {  // not on every poll: the state is the same
          report_.port_count = state->ports.size();
          report_.session_count = sessionsWithRows(*state).size();
        }
        due = link == ovs::LinkState::kConnected &&
              roundDue(*state, std::chrono::steady_clock::now());
      }
    }
    if (state) seen = state->seqno;
    if (due) reconcileRound(state);
  }
}

std::array<std::uint64_t, 3> HostWorker::observationVersion() const {
  auto state = client_->snapshot();
  std::lock_guard lock(mutex_);
  return {report_.link == ovs::LinkState::kConnected ? 1u : 0u, state ? state->seqno : 0,
          report_.rounds};
}

HostReport HostWorker::report() const {
  std::lock_guard lock(mutex_);
  return report_;
}

HostObservation HostWorker::observe() const {
  auto state = client_->snapshot();
  std::lock_guard lock(mutex_);
  return {host_.name, report_.link == ovs::LinkState::kConnected, std::move(state), statuses_};
}

bool HostWorker::settled() const {
  std::lock_guard lock(mutex_);
  if (report_.link != ovs::LinkState::kConnected || !report_.ever_connected) return false;
  return done_generation_ == generation_ && report_.rounds > 0;
}

}  // namespace ovse::manager
