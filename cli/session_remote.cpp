// The session calls over the daemon's REST API (see session_remote.h).
#include "session_remote.h"

#include <unistd.h>

#include <cstdlib>

#include "mirror_manager/daemon/auth.h"
#include "mirror_manager/daemon/listen_address.h"
#include "rest_client.h"

namespace ovse::cli {
namespace {

class RemoteCalls : public SessionCalls {
 public:
  RemoteCalls(RestServer server, std::chrono::milliseconds timeout)
      : server_(std::move(server)), timeout_(timeout) {}

  CallResult create(const nlohmann::json& session) override {
    return call("POST", "/sessions", session);
  }
  CallResult get(const std::string& name) override { return call("GET", sessionPath(name)); }
  CallResult replace(const std::string& name, const nlohmann::json& session) override {
    return call("PUT", sessionPath(name), session);
  }
  CallResult setEnabled(const std::string& name, bool enabled) override {
    return call("POST", sessionPath(name) + (enabled ? "/enable" : "/disable"),
                nlohmann::json::object());
  }
  CallResult remove(const std::string& name) override { return call("DELETE", sessionPath(name)); }
  CallResult list() override {
    auto r = call("GET", "/sessions");
    if (!r) return r;
    return r->value("sessions", nlohmann::json::array());
  }
  CallResult stats(const std::string& name) override {
    return call("GET", sessionPath(name) + "/stats");
  }
  CallResult preview(const nlohmann::json& session, const std::string& replacing) override {
    if (replacing.empty()) return call("POST", "/sessions?dry_run=1", session);
    return call("PUT", sessionPath(replacing) + "?dry_run=1", session);
  }

 private:
  static std::string sessionPath(const std::string& name) {
    return "/sessions/" + escapePathSegment(name);
  }

  // The reply's body, or the error's: the daemon's own, or one naming the server and status.
  CallResult call(std::string_view method, const std::string& path,
                  const std::optional<nlohmann::json>& body = std::nullopt) {
    auto reply = restCall(server_, method, "/api/v1" + path, body, timeout_);
    if (!reply) return std::unexpected(nlohmann::json{{"error", reply.error()}});
    if (reply->status < 400) return std::move(reply->body);
    const auto& b = reply->body;
    if (b.is_object() && b.contains("error") && b["error"].is_string()) return std::unexpected(b);
    return std::unexpected(nlohmann::json{{"error", "HTTP " + std::to_string(reply->status)}});
  }

  RestServer server_;
  std::chrono::milliseconds timeout_;
};

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

std::expected<std::unique_ptr<SessionCalls>, std::string> remoteCalls(const RemoteFlags& f) {
  auto server = parseServerUrl(f.server);
  if (!server) return std::unexpected(server.error());
  // Over TCP the daemon wants its token: the one given, else the package's when we can read it.
  std::string token_file = f.token_file;
  const std::string default_token(manager::daemon::kDefaultTokenFile);
  if (token_file.empty() && server->socket_path.empty() &&
      ::access(default_token.c_str(), R_OK) == 0)
    token_file = default_token;
  if (!token_file.empty()) {
    auto token = manager::daemon::loadToken(token_file);
    if (!token) return std::unexpected(token.error());
    server->token = *token;
  }
  return std::make_unique<RemoteCalls>(
      std::move(*server), std::chrono::milliseconds(static_cast<long>(f.timeout_s * 1000)));
}

}  // namespace ovse::cli
