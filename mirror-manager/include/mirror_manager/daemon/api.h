// The daemon's request handler: authentication, routing, and the REST endpoints, /metrics and
// the web UI's files on top of a SessionService. Runs on the daemon's one io_context thread.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "mirror_manager/daemon/http_message.h"
#include "mirror_manager/daemon/metrics.h"
#include "mirror_manager/daemon/request_guard.h"
#include "mirror_manager/daemon/router.h"
#include "mirror_manager/session_service.h"

namespace ovse::manager::daemon {

struct ApiOptions {
  /// Over TCP, API and metrics need "Bearer <token>"; without a token TCP requests are refused.
  std::optional<std::string> token;
  HostPolicy hosts;  ///< what Host and Origin may name over TCP
  std::filesystem::path web_root;    ///< the web UI's files; empty: no UI
  std::string ovsdb_remote;          ///< shown by /ports and /health
  /// The OVSDB connection state: connecting, connected or failed.
  std::function<std::string()> ovsdb_state = [] { return std::string("connected"); };
  /// The exporter pipeline the daemon runs for a session, if any (shown by stats and /metrics).
  std::function<std::optional<ExporterFigures>(const std::string&)> exporter =
      [](const std::string&) { return std::optional<ExporterFigures>(); };
  /// The HTTP listeners' own counters (they live with the listeners, on another thread).
  std::function<HttpServerCounters()> http_counters = [] { return HttpServerCounters{}; };
  /// The capture file writer the daemon runs for a session, if any.
  std::function<std::optional<CaptureFigures>(const std::string&)> capture =
      [](const std::string&) { return std::optional<CaptureFigures>(); };
};

class Api {
 public:
  Api(SessionService& service, ApiOptions options);

  /// Answers one request; counts the response's status for /metrics.
  HttpResponse handle(const HttpRequest& request);

 private:
  /// The refusal of a request that may not go on (foreign Host or Origin, no token), if any.
  std::optional<HttpResponse> refusal(const RouteMatch& m, const HttpRequest& request) const;
  HttpResponse dispatch(const RouteMatch& m, const HttpRequest& request);
  HttpResponse sessionWrite(const RouteMatch& m, const HttpRequest& request);
  HttpResponse sessionDryRun(const RouteMatch& m, nlohmann::json body) const;
  HttpResponse ports() const;
  HttpResponse health() const;
  HttpResponse metrics() const;

  SessionService& service_;
  ApiOptions options_;
  std::map<int, std::uint64_t> http_responses_;  ///< by status code, for /metrics
};

}  // namespace ovse::manager::daemon
