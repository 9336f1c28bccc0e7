// OvsdbClient: the IDL's poll loop on its own thread, publishing SwitchState snapshots.
#include "ovs_plugin/ovsdb_client.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstring>
#include <cstdio>

#include "ovsdb_shim.h"
#include "shim_convert.h"

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
  if (options.remote.starts_with("ssl:")) {
    if (options.private_key.empty() || options.certificate.empty() || options.ca_cert.empty()) {
      return std::unexpected("--db " + options.remote +
                             ": ssl remotes need --private-key, --certificate and --ca-cert");
    }
    ovse_set_ssl(options.private_key.c_str(), options.certificate.c_str(),
                 options.ca_cert.c_str(), false);
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

OvsdbClient::~OvsdbClient() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  if (thread_.joinable()) {
    std::uint64_t one = 1;
    [[maybe_unused]] auto n = write(impl_->wake_fd, &one, sizeof one);
    thread_.join();
  }
}

void OvsdbClient::threadMain() {
  ovse_db* db = impl_->db;
  std::uint64_t published_seqno = 0;
  bool published = false;
  for (;;) {
    std::uint64_t seqno = ovse_db_run(db);
    std::shared_ptr<const SwitchState> fresh;
    if (ovse_db_has_ever_connected(db) && (!published || seqno != published_seqno)) {
      ovse_snapshot* raw = ovse_db_snapshot(db);
      fresh = std::make_shared<const SwitchState>(convertSnapshot(*raw));
      ovse_snapshot_free(raw);
      published_seqno = seqno;
      published = true;
    }
    LinkState state = !ovse_db_is_alive(db)      ? LinkState::kFailed
                      : ovse_db_is_connected(db) ? LinkState::kConnected
                                                 : LinkState::kConnecting;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      if (fresh) snapshot_ = std::move(fresh);
      link_state_ = state;
      last_errno_ = ovse_db_last_error(db);
    }
    changed_.notify_all();
    ovse_db_wait(db, impl_->wake_fd, -1);
    std::uint64_t drained;
    while (read(impl_->wake_fd, &drained, sizeof drained) > 0) {
    }
  }
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
  bool done = changed_.wait_for(lock, timeout, [&] {
    return snapshot_ != nullptr || link_state_ == LinkState::kFailed;
  });
  if (snapshot_) return snapshot_;
  if (done) return std::unexpected(failureText());
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f", static_cast<double>(timeout.count()) / 1000.0);
  std::string why = last_errno_ ? std::string(" (last error: ") + std::strerror(last_errno_) + ")"
                                : std::string();
  return std::unexpected(std::string("timed out after ") + seconds + " s waiting for OVSDB at " +
                         options_.remote + why);
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
