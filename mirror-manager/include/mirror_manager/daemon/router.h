// The daemon's routing table: which REST endpoint, metrics page or static file a request's
// method and path name. Pure; the handlers act on the result.
#pragma once

#include <string>
#include <string_view>

namespace ovse::manager::daemon {

/// Where REST endpoints live.
inline constexpr std::string_view kApiPrefix = "/api/v1";

enum class Endpoint {
  kListSessions,      ///< GET    /api/v1/sessions
  kCreateSession,     ///< POST   /api/v1/sessions
  kGetSession,        ///< GET    /api/v1/sessions/{name}
  kReplaceSession,    ///< PUT    /api/v1/sessions/{name}
  kPatchSession,      ///< PATCH  /api/v1/sessions/{name}
  kDeleteSession,     ///< DELETE /api/v1/sessions/{name}
  kEnableSession,     ///< POST   /api/v1/sessions/{name}/enable
  kDisableSession,    ///< POST   /api/v1/sessions/{name}/disable
  kSessionStats,      ///< GET    /api/v1/sessions/{name}/stats
  kPorts,             ///< GET    /api/v1/ports
  kHealth,            ///< GET    /api/v1/health
  kMetrics,           ///< GET    /metrics
  kStatic,            ///< GET    anything else outside /api/: a web UI file
  kNotFound,          ///< no such path (404)
  kMethodNotAllowed,  ///< the path exists, the method does not (405; `allow` lists the methods)
};

/// The outcome of routing one request.
struct RouteMatch {
  Endpoint endpoint = Endpoint::kNotFound;
  std::string name;   ///< {name}, percent-decoded, for the per-session endpoints
  std::string path;   ///< the decoded path (query removed), for kStatic
  std::string allow;  ///< for kMethodNotAllowed: e.g. "GET, POST"
  /// The query has dry_run=1 (or =true): check and plan a write, change nothing.
  bool dry_run = false;
};

/// Routes `method` and `target` (path plus optional query). A {name} that is empty, contains a
/// '/' after decoding, or has a malformed %-escape routes to kNotFound.
RouteMatch route(std::string_view method, std::string_view target);

/// `text` with %XX escapes decoded, or "" with ok=false when an escape is malformed.
std::string percentDecode(std::string_view text, bool& ok);

/// True for endpoints that need the bearer token when one is configured (everything but static
/// files: the web UI's files carry no data).
bool needsAuth(Endpoint e);

}  // namespace ovse::manager::daemon
