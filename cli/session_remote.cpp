// The session subcommands over the daemon's REST API (see session_remote.h).
#include "session_remote.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "mirror_manager/daemon/auth.h"
#include "mirror_manager/daemon/listen_address.h"
#include "mirror_manager/json_text.h"
#include "mirror_manager/session_json.h"
#include "rest_client.h"
#include "session_view.h"

namespace ovse::cli {
namespace {

int fail(const std::string& message) {
  std::cerr << "mirrorctl session: " << message << '\n';
  return 1;
}

std::vector<std::string> strings(const nlohmann::json& j, const char* key) {
  std::vector<std::string> out;
  if (j.contains(key) && j[key].is_array()) {
    for (const auto& v : j[key])
      out.push_back(v.is_string() ? v.get<std::string>() : manager::dumpJson(v));
  }
  return out;
}

// The status the daemon reported, back in model form for the shared printers.
manager::SessionStatus statusFromJson(const std::string& name, const nlohmann::json& j) {
  manager::SessionStatus s;
  s.name = name;
  std::string state = j.value("state", "unknown");
  using manager::SessionState;
  for (auto st : {SessionState::kActive, SessionState::kDegraded, SessionState::kWaiting,
                  SessionState::kDisabled, SessionState::kError}) {
    if (state == manager::toString(st)) s.state = st;
  }
  s.missing = strings(j, "missing");
  s.problems = strings(j, "problems");
  s.warnings = strings(j, "warnings");
  s.mirrors = strings(j, "mirrors");
  s.ports = strings(j, "ports");
  s.bridge = j.value("bridge", "");
  return s;
}

// Calls the daemon; a transport failure or an error status is printed and yields nullopt.
std::optional<RestReply> call(const RemoteFlags& f, std::string_view method,
                              const std::string& path,
                              const std::optional<nlohmann::json>& body = std::nullopt) {
  auto server = parseServerUrl(f.server);
  if (!server) return fail(server.error()), std::nullopt;
  // Over TCP the daemon wants its token: the one given, else the package's when we can read it.
  std::string token_file = f.token_file;
  const std::string default_token(manager::daemon::kDefaultTokenFile);
  if (token_file.empty() && server->socket_path.empty() &&
      ::access(default_token.c_str(), R_OK) == 0)
    token_file = default_token;
  if (!token_file.empty()) {
    auto token = manager::daemon::loadToken(token_file);
    if (!token) return fail(token.error()), std::nullopt;
    server->token = *token;
  }
  auto timeout = std::chrono::milliseconds(static_cast<long>(f.timeout_s * 1000));
  auto reply = restCall(*server, method, "/api/v1" + path, body, timeout);
  if (!reply) return fail(reply.error()), std::nullopt;
  if (reply->status >= 400) {
    const auto& b = reply->body;
    std::string text = b.is_object() && b.contains("error") && b["error"].is_string()
                           ? b["error"].get<std::string>()
                           : "HTTP " + std::to_string(reply->status);
    fail(text);
    if (b.is_object() && b.contains("issues")) {
      for (const auto& issue : b["issues"]) {
        std::string line = issue.value("path", "") + ": " + issue.value("message", "");
        if (line != text) fail(issue.value("severity", "") + " " + line);
      }
    }
    return std::nullopt;
  }
  return std::move(*reply);
}

std::string sessionPath(const std::string& name) { return "/sessions/" + escapePathSegment(name); }

// Prints one {"session", "status", "mirrored"} reply like the local commands do.
int printReply(const RemoteFlags& f, const nlohmann::json& body) {
  if (f.json) {
    std::cout << manager::dumpJson(body, 2) << '\n';
    return 0;
  }
  auto session = manager::sessionFromJson(body.value("session", nlohmann::json::object()));
  if (!session) return fail("unexpected reply: " + session.error().text());
  auto status = statusFromJson(session->name, body.value("status", nlohmann::json::object()));
  printSessionDetails(std::cout, *session, &status, nullptr);
  if (body.contains("mirrored")) {
    std::cout << "mirrored:     " << body["mirrored"].value("packets", 0) << " packets, "
              << body["mirrored"].value("bytes", 0) << " bytes (OVS statistics)\n";
  }
  return status.state == manager::SessionState::kError ? 1 : 0;
}

}  // namespace

std::string defaultServer(const std::string& given, bool explicit_local) {
  if (!given.empty()) return given == "none" ? "" : given;
  if (const char* env = std::getenv("OVSE_SERVER")) {
    return std::string_view(env) == "none" ? "" : std::string(env);
  }
  // A command that names its own store or OVSDB means that one, not whatever daemon runs here.
  if (explicit_local) return "";
  const std::string socket(manager::daemon::kDefaultSocketPath);
  return socketAnswers(socket) ? "unix:" + socket : "";
}

int remoteCreate(const RemoteFlags& f, const nlohmann::json& session) {
  auto r = call(f, "POST", "/sessions", session);
  return r ? printReply(f, r->body) : 1;
}

int remoteSet(const RemoteFlags& f, const std::string& name, const SessionFlags& flags) {
  auto current = call(f, "GET", sessionPath(name));
  if (!current) return 1;
  nlohmann::json j = current->body.value("session", nlohmann::json::object());
  if (auto overlay = overlaySessionFlags(j, flags); !overlay) return fail(overlay.error());
  auto r = call(f, "PUT", sessionPath(name), j);
  return r ? printReply(f, r->body) : 1;
}

int remoteEnable(const RemoteFlags& f, const std::string& name, bool enabled) {
  auto r = call(f, "POST", sessionPath(name) + (enabled ? "/enable" : "/disable"),
                nlohmann::json::object());
  return r ? printReply(f, r->body) : 1;
}

int remoteDelete(const RemoteFlags& f, const std::string& name) {
  auto r = call(f, "DELETE", sessionPath(name));
  if (r && f.json) std::cout << manager::dumpJson(r->body, 2) << '\n';
  return r ? 0 : 1;
}

int remoteList(const RemoteFlags& f) {
  auto r = call(f, "GET", "/sessions");
  if (!r) return 1;
  const nlohmann::json list = r->body.value("sessions", nlohmann::json::array());
  if (f.json) {
    std::cout << manager::dumpJson(list, 2) << '\n';
    return 0;
  }
  std::vector<manager::Session> sessions;
  std::vector<manager::SessionStatus> statuses;
  for (const auto& item : list) {
    auto s = manager::sessionFromJson(item.value("session", nlohmann::json::object()));
    if (!s) return fail("unexpected reply: " + s.error().text());
    statuses.push_back(statusFromJson(s->name, item.value("status", nlohmann::json::object())));
    sessions.push_back(std::move(*s));
  }
  printSessionTable(std::cout, sessions, statuses, nullptr);
  return 0;
}

int remoteShow(const RemoteFlags& f, const std::string& name, bool stats_only) {
  auto r = call(f, "GET", sessionPath(name) + (stats_only ? "/stats" : ""));
  if (!r) return 1;
  if (!stats_only) return printReply(f, r->body);
  if (f.json) {
    std::cout << manager::dumpJson(r->body, 2) << '\n';
  } else {
    std::cout << "state:        " << r->body.value("state", "unknown") << '\n'
              << "mirrored:     " << r->body["mirrored"].value("packets", 0) << " packets, "
              << r->body["mirrored"].value("bytes", 0) << " bytes (OVS statistics)\n";
  }
  return 0;
}

}  // namespace ovse::cli
