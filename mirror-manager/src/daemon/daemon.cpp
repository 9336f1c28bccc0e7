// The daemon's event loops: the io thread runs HTTP and signals; the back worker runs every
// reconcile, store change, store poll, pipeline supervision and API handler, one at a time, so
// the sessions need no lock and a wait on OVS never holds up HTTP; a watcher thread bridges the
// OVSDB IDL thread's changes to the back worker.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <cstring>
#include <iostream>
#include <mutex>
#include <thread>

#include "back_worker.h"
#include "capture_supervisor.h"
#include "export_supervisor.h"
#include "http_server.h"
#include "log.h"
#include "mirror_manager/daemon/api.h"
#include "mirror_manager/daemon/listen_address.h"
#include "mirror_manager/mirror_traffic_watch.h"
#include "mirror_manager/serve.h"
#include "mirror_manager/store_lock.h"
#include "mirror_manager/store_watch.h"
#include "sd_notify.h"
#include "serve_settings.h"

namespace ovse::manager {
namespace {

namespace asio = boost::asio;
using namespace daemon;

std::string linkStateName(ovs::LinkState s) {
  switch (s) {
    case ovs::LinkState::kConnecting:
      return "connecting";
    case ovs::LinkState::kConnected:
      return "connected";
    case ovs::LinkState::kFailed:
      return "failed";
  }
  return "failed";
}

// How long a request may wait for the back worker before the io thread answers it: monitoring
// probes must not hang while a change waits on ovs-vswitchd; other requests get 202 or 503.
constexpr auto kProbeBound = std::chrono::milliseconds(100);
constexpr auto kRequestBound = std::chrono::milliseconds(2000);

bool isWrite(Endpoint e) {
  switch (e) {
    case Endpoint::kCreateSession:
    case Endpoint::kReplaceSession:
    case Endpoint::kPatchSession:
    case Endpoint::kDeleteSession:
    case Endpoint::kEnableSession:
    case Endpoint::kDisableSession:
      return true;
    default:
      return false;
  }
}

class Daemon {
 public:
  Daemon(const ServeOptions& options, SessionStore store, std::unique_ptr<ovs::OvsdbClient> client,
         ApiOptions api_options)
      : options_(options),
        client_(std::move(client)),
        service_(std::move(store), *client_, logLine, ValidationContext{options.capture_dir}),
        exports_(logLine),
        captures_(logLine, options.capture_dir),
        api_(service_, withDaemonFigures(std::move(api_options))),
        signals_(io_, SIGTERM, SIGINT, SIGHUP),
        worker_(io_, http_counters_, logLine),
        store_timer_(worker_.context()),
        retry_timer_(worker_.context()),
        pipeline_timer_(worker_.context()),
        store_watch_(options.store) {
    // The states of exporter-backed and capture sessions follow their pipelines here; mirrors
    // that count nothing while their sources carry traffic are warned about.
    service_.addObservations([this](ReconcileScope& scope) {
      scope.pipelines = pipelineReport();
      scope.traffic_warnings = traffic_.warnings();
    });
  }

  // Binds one listener; false after logging why.
  bool listen(const ListenAddress& address) {
    HttpLimits limits{options_.body_limit_bytes, options_.max_connections};
    auto server = HttpServer::listen(io_, address, options_.socket_group, limits, http_counters_,
                                     [this](HttpRequest r, HttpServer::Respond respond) {
                                       onRequest(std::move(r), std::move(respond));
                                     });
    if (!server) {
      std::cerr << "mirrorctl serve: " << server.error() << '\n';
      return false;
    }
    logLine("listening on " + (*server)->url());
    servers_.push_back(std::move(*server));
    return true;
  }

  int run() {
    // The watch has seen no time yet: the store was loaded before this, and a writer may have
    // saved it in between (seen in CI: `session create` while serve started; serve then removed
    // the new session's mirror as unknown). The first round re-reads the store.
    waitForSignal();
    worker_.start();
    worker_.post([this] {
      pollStore();
      supervisePipelines();
      reconcile();
    });
    watcher_ = std::thread([this] { watchOvsdb(); });
    sdNotify("READY=1");
    // A handler's exception is answered as a 500 where it happens; runLogged is the last net.
    runLogged(io_, logLine);
    stopping_ = true;
    watcher_.join();
    for (auto& server : servers_) server->stop();
    worker_.stop();
    logLine(std::string("stopping on ") + strsignal(stop_signal_) + "; OVS mirrors stay in place");
    return 0;
  }

 private:
  ApiOptions withDaemonFigures(ApiOptions options) {
    options.exporter = [this](const std::string& name) { return exports_.figures(name); };
    options.capture = [this](const std::string& name) { return captures_.figures(name); };
    options.http_counters = [this] { return http_counters_.figures(); };
    return options;
  }

  // On the io thread: the request goes to the back worker, which owns the sessions and OVS.
  void onRequest(HttpRequest request, HttpServer::Respond respond) {
    const RouteMatch m = route(request.method, request.target);
    const bool probe = m.endpoint == Endpoint::kHealth || m.endpoint == Endpoint::kMetrics;
    worker_.answer(
        std::move(request), std::move(respond),
        [this, endpoint = m.endpoint](const HttpRequest& r) {
          HttpResponse response = api_.handle(r);
          if (service_.counters().reconcile_runs != runs_seen_) afterReconcile();
          if (endpoint == Endpoint::kMetrics && response.status == 200) {
            std::lock_guard lock(metrics_mutex_);
            last_metrics_ = response;
          }
          return response;
        },
        probe ? kProbeBound : kRequestBound,
        [this, m](std::chrono::milliseconds busy) { return whileBusy(m, busy); });
  }

  // The answer when the back worker is held up (typically waiting for ovs-vswitchd to confirm
  // a change): what the io thread knows, never a hang.
  HttpResponse whileBusy(const RouteMatch& m, std::chrono::milliseconds busy) {
    const std::string why = "the daemon has been applying a change to OVS for " +
                            std::to_string(busy.count()) +
                            " ms (ovs-vswitchd has not confirmed it: stopped or overloaded?)";
    if (m.endpoint == Endpoint::kHealth) {
      nlohmann::json body;
      body["status"] = "degraded";
      body["reason"] = why;
      body["ovsdb"]["remote"] = options_.connect.remote;
      body["ovsdb"]["state"] = linkStateName(client_->linkState());
      return jsonResponse(503, body);
    }
    if (m.endpoint == Endpoint::kMetrics) {
      std::lock_guard lock(metrics_mutex_);
      if (!last_metrics_.body.empty()) {
        HttpResponse r = last_metrics_;
        r.body = "# figures of the last scrape: " + why + "\n" + r.body;
        return r;
      }
    }
    if (isWrite(m.endpoint)) {
      nlohmann::json body;
      body["state"] = "pending";
      body["message"] = "accepted, not applied yet: " + why +
                        "; it is applied after that, and its session's state shows the outcome";
      if (!m.name.empty()) body["session"] = m.name;
      return jsonResponse(202, body);
    }
    HttpResponse r = errorResponse(ApiError{503, why + "; try again", "", {}});
    r.headers["Retry-After"] = "1";
    return r;
  }

  // Besides after every reconcile: a pipeline that failed, or whose ports OVS re-created
  // without an OVSDB change we would see, is restarted within this period.
  // The same tick compares the mirrors' counts with their sources' (a warning changes the
  // session's status: a round shows and logs it).
  void supervisePipelines() {
    pipeline_timer_.expires_after(std::chrono::seconds(2));
    pipeline_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      worker_.post([this] {
        if (auto snap = client_->snapshot()) {
          syncPipelines(*snap);
          auto before = traffic_.warnings();
          traffic_.observe(*snap, service_.store().sessions(), MirrorTrafficWatch::Clock::now());
          if (traffic_.warnings() != before) reconcile();
        }
        supervisePipelines();
      });
    });
  }

  // A pipeline that started, failed or stopped changes its session's state: a round then
  // shows and logs the new state with its reason.
  void syncPipelines(const ovs::SwitchState& state) {
    exports_.sync(service_.store().sessions(), state);
    captures_.sync(service_.store().sessions(), state);
    std::string outcome;
    for (const auto& [name, run] : pipelineReport().runs) {
      outcome += name + (run.running ? " running" : run.failed ? " failed " : " waiting ") +
                 run.reason + "\n";
    }
    if (outcome == pipeline_outcome_) return;
    pipeline_outcome_ = std::move(outcome);
    worker_.post([this] { reconcile(); });
  }

  PipelineReport pipelineReport() const {
    PipelineReport report{.supervised = true};
    exports_.report(report);
    captures_.report(report);
    return report;
  }

  // On the io thread; the work each signal asks for runs on the back worker.
  void waitForSignal() {
    signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
      if (ec) return;
      if (sig == SIGHUP) {
        logLine("SIGHUP: reloading " + options_.store.string());
        worker_.post([this] {
          if (service_.reload()) reconcile();
        });
        return waitForSignal();
      }
      stop_signal_ = sig;
      sdNotify("STOPPING=1");
      for (auto& server : servers_) server->stop();
      io_.stop();
    });
  }

  void pollStore() {
    store_timer_.expires_after(options_.store_poll);
    store_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      worker_.post([this] {
        if (reloadIfStoreChanged()) reconcile();
        pollStore();
      });
    });
  }

  // Another writer (`mirrorctl session` without --server) saves the store before it touches
  // OVS, so a round that first catches up with the file never undoes that writer's change.
  bool reloadIfStoreChanged() { return store_watch_.changed() && service_.reload(); }

  // On the watcher thread: waits for new snapshots and hands them to the back worker; says
  // when the OVSDB connection comes or goes.
  void watchOvsdb() {
    std::uint64_t seen = 0;
    ovs::LinkState link = client_->linkState();
    logLine("OVSDB " + options_.connect.remote + ": " + linkStateName(link));
    while (!stopping_) {
      auto snap = client_->waitForChange(seen, std::chrono::milliseconds(200));
      if (auto now = client_->linkState(); now != link) {
        link = now;
        logLine("OVSDB " + options_.connect.remote + ": " + linkStateName(link));
      }
      if (!snap || snap->seqno == seen) continue;
      seen = snap->seqno;
      worker_.post([this, seen] {
        if (seen > reconciled_seqno_) reconcile();
      });
    }
  }

  void reconcile() {
    // Before OVSDB's contents first arrive there is nothing to compare with; the watcher
    // starts a round as soon as they do.
    if (!client_->snapshot()) return;
    reloadIfStoreChanged();
    service_.reconcileNow();
    afterReconcile();
  }

  // Remembers which snapshot the last round saw (its own changes need no new round) and
  // schedules a retry when OVSDB refused.
  void afterReconcile() {
    runs_seen_ = service_.counters().reconcile_runs;
    auto snap = client_->snapshot();
    if (snap) reconciled_seqno_ = snap->seqno;
    if (snap) syncPipelines(*snap);
    if (!snap || service_.counters().reconcile_failures == failures_seen_) return;
    failures_seen_ = service_.counters().reconcile_failures;
    retry_timer_.expires_after(options_.retry_after);
    retry_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) worker_.post([this] { reconcile(); });
    });
  }

  const ServeOptions& options_;
  std::unique_ptr<ovs::OvsdbClient> client_;
  // Owned by the back worker's thread: the sessions, the pipelines, the API handlers.
  SessionService service_;
  ExportSupervisor exports_;
  CaptureSupervisor captures_;
  Api api_;
  // The io thread: HTTP and signals.
  asio::io_context io_;
  asio::signal_set signals_;
  HttpCounters http_counters_;
  BackWorker worker_;
  asio::steady_timer store_timer_;
  asio::steady_timer retry_timer_;
  asio::steady_timer pipeline_timer_;
  std::vector<std::unique_ptr<HttpServer>> servers_;
  std::mutex metrics_mutex_;
  HttpResponse last_metrics_;
  std::thread watcher_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> reconciled_seqno_{0};
  std::uint64_t runs_seen_ = 0;
  std::uint64_t failures_seen_ = 0;
  StoreWatch store_watch_;        ///< when the store file changed (store_watch.h)
  std::string pipeline_outcome_;  ///< what the pipelines did at the last sync
  MirrorTrafficWatch traffic_;
  int stop_signal_ = SIGTERM;
};

}  // namespace

int runServe(const ServeOptions& options) {
  auto http = httpSettings(options);
  if (!http) {
    std::cerr << "mirrorctl serve: " << http.error() << '\n';
    return 1;
  }
  // One writer: while this daemon runs, `mirrorctl session` finds its API in the lock file and
  // sends changes there instead of writing the store behind its back.
  StoreHolder holder{0, "mirrorctl serve", ""};
  for (const auto& address : http->first) {
    if (address.is_unix && holder.server.empty()) holder.server = "unix:" + address.path.string();
  }
  auto lock = StoreLock::acquire(options.store, holder, std::chrono::seconds(2));
  if (!lock) {
    std::cerr << "mirrorctl serve: " << lock.error() << '\n';
    return 1;
  }
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
  ovs::OvsdbClient* raw = client->get();
  http->second.ovsdb_state = [raw] { return linkStateName(raw->linkState()); };
  std::size_t count = store->sessions().size();
  // Constructed after OvsdbClient::start: our signal handlers replace libopenvswitch's.
  Daemon daemon(options, std::move(*store), std::move(*client), std::move(http->second));
  logLine("serving " + std::to_string(count) + " session(s) from " + options.store.string() +
          " on " + connect.remote);
  for (const auto& address : http->first) {
    if (!daemon.listen(address)) return 1;
  }
  return daemon.run();
}

}  // namespace ovse::manager
