// OvsdbClient: the IDL's poll loop on its own thread, publishing SwitchState snapshots.
#include "ovs_plugin/ovsdb_client.h"

#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <future>
#include <optional>

#include "ovs_plugin/vswitchd_control.h"
#include "ovsdb_shim.h"
#include "shim_convert.h"
#include "shim_txn.h"

namespace ovse::ovs {

struct OvsdbClient::Impl {
  ovse_db* db = nullptr;
  int wake_fd = -1;  // written to interrupt the poll loop (shutdown, pending work)

  ~Impl() {
    ovse_db_close(db);
    if (wake_fd >= 0) close(wake_fd);
  }
};

OvsdbClient::OvsdbClient(ConnectOptions options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>()) {}

std::expected<std::unique_ptr<OvsdbClient>, std::string> OvsdbClient::start(
    ConnectOptions options) {
  ovse_set_log_level(options.log_level);
  ovse_claim_fatal_signals();
  if (options.remote.starts_with("ssl:")) {
    if (options.private_key.empty() || options.certificate.empty() || options.ca_cert.empty()) {
      return std::unexpected("--db " + options.remote +
                             ": ssl remotes need --private-key, --certificate and --ca-cert");
    }
    // Like ssh with its keys: a private key others may read is refused, not used.
    struct stat st {};
    if (::stat(options.private_key.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
      char mode[8];
      std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
      return std::unexpected("--private-key " + options.private_key +
                             ": other users can access it (mode " + mode + "); run chmod 600 " +
                             options.private_key);
    }
    ovse_set_ssl(options.private_key.c_str(), options.certificate.c_str(), options.ca_cert.c_str(),
                 false);
  }
  std::unique_ptr<OvsdbClient> client(new OvsdbClient(std::move(options)));
  char err[256] = "";
  client->impl_->db =
      ovse_db_open(client->options_.remote.c_str(), client->options_.retry, err, sizeof err);
  if (client->impl_->db == nullptr) return std::unexpected(std::string("--db: ") + err);
  client->impl_->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (client->impl_->wake_fd < 0) {
    return std::unexpected(std::string("eventfd: ") + std::strerror(errno));
  }
  client->thread_ = std::thread([c = client.get()] { c->threadMain(); });
  return client;
}

std::expected<std::unique_ptr<OvsdbClient>, std::string> OvsdbClient::connect(
    ConnectOptions options, std::chrono::milliseconds timeout) {
  auto client = start(std::move(options));
  if (!client) return client;
  if (auto contents = (*client)->waitForContents(timeout); !contents) {
    return std::unexpected(contents.error());
  }
  return client;
}

OvsdbClient::~OvsdbClient() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  if (thread_.joinable()) {
    wake();
    thread_.join();
  }
}

// A caller's transaction, handed to the IDL thread.
struct OvsdbClient::Request {
  const std::vector<Action>* actions;
  std::uint64_t planned_on;
  std::promise<CommitOutcome> done;
};

namespace {

// Takes a snapshot when the contents changed since `published_seqno` (nullptr otherwise).
std::shared_ptr<const SwitchState> freshSnapshot(ovse_db* db, std::optional<std::uint64_t>& seen) {
  std::uint64_t seqno = ovse_db_run(db);
  if (!ovse_db_has_ever_connected(db) || seen == seqno) return nullptr;
  ovse_snapshot* raw = ovse_db_snapshot(db);
  auto fresh = std::make_shared<const SwitchState>(convertSnapshot(*raw));
  ovse_snapshot_free(raw);
  seen = seqno;
  return fresh;
}

// Commits `actions` unless the IDL has seen changes since they were planned (then kTryAgain:
// the caller re-plans; committing them could duplicate what another writer just created).
CommitOutcome commitIfCurrent(ovse_db* db, const std::vector<Action>& actions,
                              std::uint64_t planned_on) {
  if (!ovse_db_is_connected(db)) return {CommitResult::kError, -1, "not connected"};
  if (ovse_db_run(db) != planned_on) {
    return {CommitResult::kTryAgain, -1, "the database changed since the actions were planned"};
  }
  return commitActions(db, actions);
}

}  // namespace

void OvsdbClient::publish(std::shared_ptr<const SwitchState> fresh) {
  ovse_db* db = impl_->db;
  LinkState state = !ovse_db_is_alive(db)      ? LinkState::kFailed
                    : ovse_db_is_connected(db) ? LinkState::kConnected
                                               : LinkState::kConnecting;
  {
    std::lock_guard lock(mutex_);
    if (fresh) snapshot_ = std::move(fresh);
    link_state_ = state;
    last_errno_ = ovse_db_last_error(db);
  }
  changed_.notify_all();
}

void OvsdbClient::serveRequests(std::optional<std::uint64_t>& seen) {
  for (;;) {
    Request* request;
    {
      std::lock_guard lock(mutex_);
      if (requests_.empty()) return;
      request = requests_.front();
      requests_.pop_front();
    }
    CommitOutcome out = commitIfCurrent(impl_->db, *request->actions, request->planned_on);
    // The caller's next state() must already show its own change.
    publish(freshSnapshot(impl_->db, seen));
    request->done.set_value(std::move(out));
  }
}

void OvsdbClient::threadMain() {
  std::optional<std::uint64_t> seen;
  for (;;) {
    publish(freshSnapshot(impl_->db, seen));
    serveRequests(seen);
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
    }
    ovse_db_wait(impl_->db, impl_->wake_fd, -1);
    std::uint64_t drained;
    while (read(impl_->wake_fd, &drained, sizeof drained) > 0) {
    }
  }
  // Nobody will serve what is still queued.
  std::lock_guard lock(mutex_);
  for (Request* r : requests_) r->done.set_value({CommitResult::kError, -1, "client stopped"});
  requests_.clear();
}

void OvsdbClient::wake() {
  std::uint64_t one = 1;
  [[maybe_unused]] auto n = write(impl_->wake_fd, &one, sizeof one);
}

std::expected<void, ApplyError> OvsdbClient::apply(const std::vector<Action>& actions,
                                                   std::uint64_t planned_on) {
  if (actions.empty()) return {};
  Request request{&actions, planned_on, {}};
  auto future = request.done.get_future();
  {
    std::lock_guard lock(mutex_);
    requests_.push_back(&request);
  }
  wake();
  CommitOutcome out = future.get();
  if (out.result != CommitResult::kOk) {
    return std::unexpected(ApplyError{.message = "OVSDB at " + options_.remote + ": " + out.error,
                                      .stale = out.result == CommitResult::kTryAgain});
  }
  bool applied_by_switch = false;
  if (out.next_cfg >= 0 && switch_timeout_.count() > 0) {
    // Not an error when ovs-vswitchd is slow or down: the database holds the change and the
    // switch applies it when it comes back.
    std::unique_lock lock(mutex_);
    applied_by_switch = changed_.wait_for(
        lock, switch_timeout_, [&] { return snapshot_ && snapshot_->cur_cfg >= out.next_cfg; });
  }
  if (applied_by_switch && changesMirrors(actions)) purgeDatapathFlows();
  return {};
}

bool OvsdbClient::changesMirrors(const std::vector<Action>& actions) {
  for (const auto& a : actions) {
    if (std::holds_alternative<CreateMirror>(a) || std::holds_alternative<UpdateMirror>(a) ||
        std::holds_alternative<DeleteMirror>(a)) {
      return true;
    }
  }
  return false;
}

void OvsdbClient::purgeDatapathFlows() {
  auto control = vswitchdControl();
  if (!control) return;  // said by flowPurgeProblem(), as a warning on the sessions
  if (auto purged = control->purgeDatapathFlows(); !purged) {
    // The socket may be a restarted daemon's old one: look again before giving up.
    control = vswitchdControl(true);
    if (control && control->purgeDatapathFlows()) return;
    std::fprintf(stderr, "warning: mirrors changed, but %s\n", purged.error().c_str());
  }
}

std::expected<VswitchdControl, std::string> OvsdbClient::vswitchdControl(bool fresh) const {
  // Looking up asks every *.ctl around for its version: too slow for each status read, and
  // ovs-vswitchd may start (or restart under a new pid) after us, so the answer is kept briefly.
  constexpr auto kLookupValidFor = std::chrono::seconds(5);
  if (!options_.vswitchd_ctl.empty()) return VswitchdControl(options_.vswitchd_ctl);
  std::lock_guard lock(control_mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (fresh || !control_ || now - control_checked_ > kLookupValidFor) {
    control_ = VswitchdControl::find(options_.remote);
    control_checked_ = now;
  }
  return *control_;
}

std::string OvsdbClient::flowPurgeProblem() const {
  if (!options_.vswitchd_ctl.empty() || !options_.remote.starts_with("unix:")) return {};
  auto control = vswitchdControl();
  if (control) return {};
  return control.error() +
         ": after a mirror change, traffic of established flows is not mirrored until "
         "ovs-vswitchd revalidates them (can take many seconds)";
}

std::string OvsdbClient::failureText() const {
  if (last_errno_ != 0) {
    return "cannot connect to OVSDB at " + options_.remote + ": " + std::strerror(last_errno_);
  }
  return "lost the connection to OVSDB at " + options_.remote;
}

std::expected<std::shared_ptr<const SwitchState>, std::string> OvsdbClient::waitForContents(
    std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  bool done = changed_.wait_for(
      lock, timeout, [&] { return snapshot_ != nullptr || link_state_ == LinkState::kFailed; });
  if (snapshot_) return snapshot_;
  if (done) return std::unexpected(failureText());
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f", static_cast<double>(timeout.count()) / 1000.0);
  std::string why = last_errno_ ? std::string(" (last error: ") + std::strerror(last_errno_) + ")"
                                : std::string();
  return std::unexpected(std::string("timed out after ") + seconds + " s waiting for OVSDB at " +
                         options_.remote + why);
}

std::shared_ptr<const SwitchState> OvsdbClient::waitForChange(std::uint64_t seen_seqno,
                                                              std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return snapshot_ && snapshot_->seqno != seen_seqno; });
  return snapshot_;
}

std::shared_ptr<const SwitchState> OvsdbClient::snapshot() const {
  std::lock_guard lock(mutex_);
  return snapshot_;
}

LinkState OvsdbClient::linkState() const {
  std::lock_guard lock(mutex_);
  return link_state_;
}

}  // namespace ovse::ovs
