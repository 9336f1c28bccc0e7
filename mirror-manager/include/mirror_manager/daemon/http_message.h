// The daemon's view of an HTTP exchange, independent of the transport (Beast): what the router
// and handlers read and return, so they can be unit-tested without sockets.
#pragma once

#include <map>
#include <string>

namespace ovse::manager::daemon {

/// How a request reached the daemon. Over the unix socket the socket file's mode already
/// decided who may talk; over TCP the API checks Host, Origin and the token.
enum class Transport { kTcp, kUnix };

/// A request as the handlers see it. Header names are lower case.
struct HttpRequest {
  std::string method;  ///< "GET", "POST", ...
  std::string target;  ///< path and query, e.g. "/api/v1/sessions?x=1"
  std::map<std::string, std::string> headers;
  std::string body;
  Transport transport = Transport::kTcp;  ///< set by the listener; TCP is the guarded default

  /// The header's value, or "" when absent. `name` must be lower case.
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string{} : it->second;
  }
};

/// A response to send back.
struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::map<std::string, std::string> headers;  ///< extra headers (Allow, WWW-Authenticate...)
};

/// The reason phrase for `status` ("Not Found"), or "" for codes the daemon does not use.
const char* reasonPhrase(int status);

}  // namespace ovse::manager::daemon
