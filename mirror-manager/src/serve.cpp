// The manager daemon's loop: wait for an OVSDB change, a store change, a signal or a retry
// deadline; reconcile and apply; log each session's state when it changes.
#include "mirror_manager/serve.h"

#include <signal.h>

#include <atomic>
#include <cstring>
#include <ctime>
#include <iostream>
#include <map>

#include "mirror_manager/apply.h"
#include "mirror_manager/store.h"

namespace ovse::manager {
namespace {

std::atomic<int> g_stop_signal{0};
std::atomic<bool> g_reload{false};

void onSignal(int sig) {
  if (sig == SIGHUP) {
    g_reload = true;
  } else {
    g_stop_signal = sig;
  }
}

void installSignalHandlers() {
  struct sigaction sa {};
  sa.sa_handler = onSignal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaction(sig, &sa, nullptr);
}

std::string now() {
  char buf[32];
  std::time_t t = std::time(nullptr);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

void log(const std::string& line) { std::cerr << now() << " " << line << std::endl; }

std::string describe(const SessionStatus& s) {
  std::string text = toString(s.state);
  std::string sep = " (";
  for (const auto& m : s.missing) text += sep + "missing " + m, sep = "; ";
  for (const auto& p : s.problems) text += sep + p, sep = "; ";
  return sep == " (" ? text : text + ")";
}

std::filesystem::file_time_type mtimeOf(const std::filesystem::path& p) {
  std::error_code ec;
  auto t = std::filesystem::last_write_time(p, ec);
  return ec ? std::filesystem::file_time_type{} : t;
}

// The daemon's state between rounds.
class Daemon {
 public:
  Daemon(const ServeOptions& options, SessionStore store, std::unique_ptr<ovs::OvsdbClient> client)
      : options_(options), store_(std::move(store)), client_(std::move(client)) {}

  int run() {
    auto store_mtime = mtimeOf(options_.store);
    auto next_retry = std::chrono::steady_clock::time_point::max();
    std::uint64_t seen = 0;
    bool dirty = true;
    while (g_stop_signal == 0) {
      auto snap = client_->waitForChange(seen, options_.store_poll);
      if (g_reload.exchange(false) || mtimeOf(options_.store) != store_mtime) {
        store_mtime = mtimeOf(options_.store);
        dirty |= reload();
      }
      if (!snap) continue;
      bool retry = std::chrono::steady_clock::now() >= next_retry;
      if (snap->seqno == seen && !dirty && !retry) continue;
      ApplyOutcome out = reconcileAndApply(store_.sessions(), *client_);
      seen = client_->snapshot()->seqno;
      dirty = false;
      next_retry = out.error ? std::chrono::steady_clock::now() + options_.retry_after
                             : std::chrono::steady_clock::time_point::max();
      if (out.actions_applied > 0) log("applied " + std::to_string(out.actions_applied) + " change(s)");
      if (out.error) log("OVSDB refused the change: " + *out.error);
      report(out.statuses);
    }
    log(std::string("stopping on ") + strsignal(g_stop_signal) + "; OVS mirrors stay in place");
    return 0;
  }

 private:
  bool reload() {
    auto fresh = SessionStore::open(options_.store);
    if (!fresh) {
      log("keeping the sessions loaded before: " + fresh.error());
      return false;
    }
    store_ = std::move(*fresh);
    log("loaded " + std::to_string(store_.sessions().size()) + " session(s) from " +
        options_.store.string());
    return true;
  }

  // Logs sessions whose state or reasons changed since the last round.
  void report(const std::vector<SessionStatus>& statuses) {
    std::map<std::string, std::string> now;
    for (const auto& s : statuses) {
      now[s.name] = describe(s);
      auto it = last_.find(s.name);
      if (it == last_.end() || it->second != now[s.name]) log("session " + s.name + ": " + now[s.name]);
    }
    last_ = std::move(now);
  }

  const ServeOptions& options_;
  SessionStore store_;
  std::unique_ptr<ovs::OvsdbClient> client_;
  std::map<std::string, std::string> last_;
};

}  // namespace

int runServe(const ServeOptions& options) {
  auto store = SessionStore::open(options.store);
  if (!store) {
    std::cerr << "mirrorctl serve: " << store.error() << '\n';
    return 1;
  }
  ovs::ConnectOptions connect = options.connect;
  connect.retry = true;
  auto client = ovs::OvsdbClient::start(connect);
  if (!client) {
    std::cerr << "mirrorctl serve: " << client.error() << '\n';
    return 1;
  }
  installSignalHandlers();
  log("serving " + std::to_string(store->sessions().size()) + " session(s) from " +
      options.store.string() + " on " + connect.remote);
  return Daemon(options, std::move(*store), std::move(*client)).run();
}

}  // namespace ovse::manager
