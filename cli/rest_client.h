// A small synchronous HTTP/1.1 client (Boost.Beast) for the daemon's REST API over its unix
// socket or TCP, used by `mirrorctl session` (--server unix:PATH | http://HOST:PORT).
#pragma once

#include <chrono>
#include <expected>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace ovse::cli {

/// Where the daemon is: from "unix:PATH" or "http://HOST:PORT" (an optional path prefix is kept).
struct RestServer {
  std::string socket_path;  ///< set for unix:PATH (then host/port are unused)
  std::string host;
  std::string port = "80";
  std::string base;   ///< e.g. "" or "/ovse"
  std::string token;  ///< bearer token, "" for none
};

/// Parses `url` ("unix:/abs/path", or http with IPv6 hosts in brackets). Errors name the flag
/// and the value.
std::expected<RestServer, std::string> parseServerUrl(std::string_view url);

/// A reply: the status and the JSON body (null when the body was empty or not JSON).
struct RestReply {
  int status = 0;
  nlohmann::json body;
};

/// Sends `method` to `server.base + path` with `body` as JSON (when given) and waits up to
/// `timeout` for the reply. Connection problems are errors naming the server.
std::expected<RestReply, std::string> restCall(const RestServer& server, std::string_view method,
                                               const std::string& path,
                                               const std::optional<nlohmann::json>& body,
                                               std::chrono::milliseconds timeout);

/// True when a daemon accepts connections on the unix socket at `path`.
bool socketAnswers(const std::string& path);

/// `text` with the characters a URL path segment cannot hold %-escaped.
std::string escapePathSegment(std::string_view text);

}  // namespace ovse::cli
