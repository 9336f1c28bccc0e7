// The request handler: auth → route → endpoint (see api.h).
#include "mirror_manager/daemon/api.h"

#include "mirror_manager/daemon/auth.h"
#include "mirror_manager/daemon/metrics.h"
#include "mirror_manager/daemon/static_files.h"
#include "mirror_manager/json_text.h"
#include "mirror_manager/switch_report.h"

namespace ovse::manager::daemon {
namespace {

HttpResponse replyResponse(const std::expected<SessionReply, ApiError>& r) {
  if (!r) return errorResponse(r.error());
  return jsonResponse(r->created ? 201 : 200, r->body);
}

nlohmann::json exporterJson(const ExporterFigures& e) {
  nlohmann::json j;
  j["running"] = e.running;
  if (!e.error.empty()) j["error"] = e.error;
  j["received"] = e.received;
  j["exported"] = e.exported;
  j["filtered_out"] = e.filtered_out;
  j["sampled_out"] = e.sampled_out;
  j["truncated"] = e.truncated;
  j["rate_dropped"] = e.rate_dropped;
  j["kernel_dropped"] = e.kernel_dropped;
  return j;
}

nlohmann::json captureJson(const CaptureFigures& c) {
  nlohmann::json j;
  j["running"] = c.running;
  if (!c.error.empty()) j["error"] = c.error;
  j["file"] = c.file;
  j["ports"] = c.ports;
  j["file_bytes"] = c.file_bytes;
  j["ingress"]["packets"] = c.packets_in;
  j["ingress"]["bytes"] = c.bytes_in;
  j["egress"]["packets"] = c.packets_out;
  j["egress"]["bytes"] = c.bytes_out;
  j["sampled_out"] = c.sampled_out;
  j["kernel_dropped"] = c.kernel_dropped;
  return j;
}

}  // namespace

Api::Api(SessionService& service, ApiOptions options)
    : service_(service), options_(std::move(options)) {}

HttpResponse Api::handle(const HttpRequest& request) {
  RouteMatch m = route(request.method, request.target);
  HttpResponse response;
  if (auto refused = refusal(m, request)) {
    response = std::move(*refused);
  } else {
    response = dispatch(m, request);
  }
  ++http_responses_[response.status];
  return response;
}

std::optional<HttpResponse> Api::refusal(const RouteMatch& m, const HttpRequest& request) const {
  // The unix socket's owner, group and mode decided who may connect (like OVS's db.sock).
  if (request.transport == Transport::kUnix) return std::nullopt;
  if (auto refused = guardTcpRequest(request, options_.hosts)) return errorResponse(*refused);
  if (!needsAuth(m.endpoint)) return std::nullopt;
  if (options_.token && bearerMatches(request.header("authorization"), *options_.token)) {
    return std::nullopt;
  }
  HttpResponse r = errorResponse(ApiError{401, "missing or wrong bearer token", "", {}});
  r.headers["WWW-Authenticate"] = "Bearer realm=\"ovs-erspan\"";
  return r;
}

HttpResponse Api::dispatch(const RouteMatch& m, const HttpRequest& request) {
  switch (m.endpoint) {
    case Endpoint::kListSessions: {
      nlohmann::json body;
      body["sessions"] = service_.list();
      // The pipelines the daemon runs, so a list shows a capture or export that is not working.
      for (auto& item : body["sessions"]) {
        const std::string name = item["session"]["name"];
        if (auto e = options_.exporter(name)) item["exporter"] = exporterJson(*e);
        if (auto c = options_.capture(name)) item["capture"] = captureJson(*c);
      }
      return jsonResponse(200, body);
    }
    case Endpoint::kGetSession:
      return replyResponse(service_.get(m.name));
    case Endpoint::kSessionStats: {
      auto stats = service_.stats(m.name);
      if (!stats) return errorResponse(stats.error());
      if (auto e = options_.exporter(m.name)) (*stats)["exporter"] = exporterJson(*e);
      if (auto c = options_.capture(m.name)) (*stats)["capture"] = captureJson(*c);
      return jsonResponse(200, *stats);
    }
    case Endpoint::kDeleteSession: {
      auto removed = service_.remove(m.name);
      if (!removed) return errorResponse(removed.error());
      nlohmann::json body;
      body["deleted"] = m.name;
      return jsonResponse(200, body);
    }
    case Endpoint::kEnableSession:
      return replyResponse(service_.setEnabled(m.name, true));
    case Endpoint::kDisableSession:
      return replyResponse(service_.setEnabled(m.name, false));
    case Endpoint::kCreateSession:
    case Endpoint::kReplaceSession:
    case Endpoint::kPatchSession:
      return sessionWrite(m, request);
    case Endpoint::kPorts:
      return ports();
    case Endpoint::kHealth:
      return health();
    case Endpoint::kMetrics:
      return metrics();
    case Endpoint::kStatic:
      return serveStatic(options_.web_root, m.path);
    case Endpoint::kMethodNotAllowed: {
      auto r = errorResponse(ApiError{405, request.method + " is not allowed here", "", {}});
      r.headers["Allow"] = m.allow;
      return r;
    }
    case Endpoint::kNotFound:
      break;
  }
  return errorResponse(ApiError{404, "no such endpoint: " + request.target, "", {}});
}

HttpResponse Api::sessionWrite(const RouteMatch& m, const HttpRequest& request) {
  auto body = parseJsonObject(request.body);
  if (!body) return errorResponse(body.error());
  if (m.dry_run) return sessionDryRun(m, std::move(*body));
  if (m.endpoint == Endpoint::kCreateSession) {
    auto r = service_.create(*body);
    HttpResponse response = replyResponse(r);
    if (r) {
      response.headers["Location"] =
          std::string(kApiPrefix) + "/sessions/" + r->body["session"]["name"].get<std::string>();
    }
    return response;
  }
  if (m.endpoint == Endpoint::kReplaceSession)
    return replyResponse(service_.replace(m.name, *body));
  return replyResponse(service_.patch(m.name, *body));
}

// ?dry_run=1 on POST /sessions and PUT /sessions/{name}: the reply create or replace would give
// (errors with their paths, or the session with the status it would have), nothing changed.
HttpResponse Api::sessionDryRun(const RouteMatch& m, nlohmann::json body) const {
  if (m.endpoint == Endpoint::kPatchSession) {
    return errorResponse(ApiError{400, "dry_run is for POST /sessions and PUT /sessions/{name}",
                                  "", {}});
  }
  if (m.endpoint == Endpoint::kReplaceSession) {
    if (!body.contains("name")) body["name"] = m.name;
    if (body["name"] != m.name) {
      return errorResponse(ApiError{400, dumpJson(body["name"]) + " differs from the URL's " +
                                             m.name + " (renaming is not supported)",
                                    "name", {}});
    }
  }
  return replyResponse(service_.preview(body, m.name));
}

HttpResponse Api::ports() const {
  auto state = service_.switchState();
  if (!state) {
    return errorResponse(
        ApiError{503, "not connected to OVSDB at " + options_.ovsdb_remote + " yet", "", {}});
  }
  nlohmann::json body;
  body["remote"] = options_.ovsdb_remote;
  body["ports"] = portsJson(collectPorts(*state, ""));
  return jsonResponse(200, body);
}

// The status code answers "can the daemon work at all": 503 until OVSDB is connected (a
// restart or a look at the remote may help). "status" answers "does everything it runs work":
// "degraded" also while a session is in error (its exporter or capture writer failed, OVS
// refused its rows, a hand edit broke a rule), each listed with why; that stays 200, since
// restarting the daemon fixes none of them (alert on "status", or on
// ovs_erspan_session_state{state="error"}).
HttpResponse Api::health() const {
  nlohmann::json body;
  const bool connected = options_.ovsdb_state() == "connected";
  nlohmann::json failing = nlohmann::json::array();
  for (const auto& item : service_.list()) {
    const auto& status = item["status"];
    if (status.value("state", "") != "error") continue;
    failing.push_back({{"name", item["session"]["name"]}, {"problems", status["problems"]}});
  }
  body["status"] = connected && failing.empty() ? "ok" : "degraded";
  body["ovsdb"]["remote"] = options_.ovsdb_remote;
  body["ovsdb"]["state"] = options_.ovsdb_state();
  body["sessions"] = service_.store().sessions().size();
  body["sessions_in_error"] = failing;
  body["store"] = service_.store().path().string();
  return jsonResponse(connected ? 200 : 503, body);
}

HttpResponse Api::metrics() const {
  MetricsInput in;
  for (const auto& summary : service_.sessionSummaries()) {
    in.sessions.push_back(
        SessionMetrics{summary, options_.exporter(summary.name), options_.capture(summary.name)});
  }
  in.ovsdb_state = options_.ovsdb_state();
  in.counters = DaemonCounters{service_.counters(), http_responses_, options_.http_counters()};
  HttpResponse r;
  r.content_type = std::string(kMetricsContentType);
  r.body = formatMetrics(in);
  return r;
}

}  // namespace ovse::manager::daemon
