// Routing of the daemon's requests (see router.h).
#include "mirror_manager/daemon/router.h"

namespace ovse::manager::daemon {
namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

RouteMatch methodNotAllowed(std::string allow) {
  RouteMatch m;
  m.endpoint = Endpoint::kMethodNotAllowed;
  m.allow = std::move(allow);
  return m;
}

RouteMatch only(std::string_view method, std::string_view wanted, Endpoint e) {
  if (method != wanted) return methodNotAllowed(std::string(wanted));
  RouteMatch m;
  m.endpoint = e;
  return m;
}

// True when the query ("?a=b&c") holds dry_run=1 or dry_run=true.
bool hasDryRun(std::string_view query) {
  if (query.starts_with('?')) query.remove_prefix(1);
  while (!query.empty()) {
    std::string_view item = query.substr(0, query.find('&'));
    if (item == "dry_run=1" || item == "dry_run=true") return true;
    query.remove_prefix(std::min(query.size(), item.size() + 1));
  }
  return false;
}

// /sessions/{name}[/action], `rest` being what follows "/sessions/".
RouteMatch routeSession(std::string_view method, std::string_view rest) {
  std::string_view raw_name = rest.substr(0, rest.find('/'));
  std::string_view action =
      raw_name.size() == rest.size() ? std::string_view{} : rest.substr(raw_name.size() + 1);
  bool ok = true;
  std::string name = percentDecode(raw_name, ok);
  if (!ok || name.empty() || name.find('/') != std::string::npos) return {};
  RouteMatch m;
  if (action.empty()) {
    if (method == "GET")
      m.endpoint = Endpoint::kGetSession;
    else if (method == "PUT")
      m.endpoint = Endpoint::kReplaceSession;
    else if (method == "PATCH")
      m.endpoint = Endpoint::kPatchSession;
    else if (method == "DELETE")
      m.endpoint = Endpoint::kDeleteSession;
    else
      return methodNotAllowed("GET, PUT, PATCH, DELETE");
  } else if (action == "enable" || action == "disable") {
    m = only(method, "POST",
             action == "enable" ? Endpoint::kEnableSession : Endpoint::kDisableSession);
  } else if (action == "stats") {
    m = only(method, "GET", Endpoint::kSessionStats);
  } else {
    return {};
  }
  if (m.endpoint != Endpoint::kMethodNotAllowed) m.name = std::move(name);
  return m;
}

RouteMatch routeApi(std::string_view method, std::string_view path) {
  if (path == "/sessions" || path == "/sessions/") {
    if (method == "GET") return {Endpoint::kListSessions, {}, {}, {}};
    if (method == "POST") return {Endpoint::kCreateSession, {}, {}, {}};
    return methodNotAllowed("GET, POST");
  }
  if (path.starts_with("/sessions/")) return routeSession(method, path.substr(10));
  if (path == "/ports") return only(method, "GET", Endpoint::kPorts);
  if (path == "/health") return only(method, "GET", Endpoint::kHealth);
  return {};
}

}  // namespace

std::string percentDecode(std::string_view text, bool& ok) {
  std::string out;
  ok = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    int hi = i + 2 < text.size() ? hexValue(text[i + 1]) : -1;
    int lo = i + 2 < text.size() ? hexValue(text[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      ok = false;
      return {};
    }
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

RouteMatch route(std::string_view method, std::string_view target) {
  std::string_view path = target.substr(0, target.find('?'));
  if (path.starts_with(kApiPrefix) &&
      (path.size() == kApiPrefix.size() || path[kApiPrefix.size()] == '/')) {
    RouteMatch m = routeApi(method, path.substr(kApiPrefix.size()));
    m.dry_run = hasDryRun(target.substr(path.size()));
    return m;
  }
  if (path == "/api" || path.starts_with("/api/")) return {};
  if (path == "/metrics") return only(method, "GET", Endpoint::kMetrics);
  if (method != "GET" && method != "HEAD") return methodNotAllowed("GET, HEAD");
  bool ok = true;
  RouteMatch m;
  m.path = percentDecode(path, ok);
  m.endpoint = ok ? Endpoint::kStatic : Endpoint::kNotFound;
  return m;
}

bool needsAuth(Endpoint e) { return e != Endpoint::kStatic && e != Endpoint::kNotFound; }

}  // namespace ovse::manager::daemon
