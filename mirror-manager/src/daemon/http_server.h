// HttpServer: the daemon's HTTP/1.1 listener on Boost.Beast, on a TCP address or a unix socket.
// Each connection only reads a request (header and body limits enforced by the parser), hands
// it to the handler on the io_context thread, and writes the reply when the handler answers;
// keep-alive, idle timeout 60 s. A handler that throws is answered 500 and counted, never takes the
// daemon down; past `max_connections` a new connection is answered 503; when accept fails (out of
// descriptors) the listener backs off instead of spinning.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <expected>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "mirror_manager/daemon/http_message.h"
#include "mirror_manager/daemon/listen_address.h"
#include "mirror_manager/daemon/metrics.h"

namespace ovse::manager::daemon {

/// What the listeners refused or survived, counted from the io thread and read from others.
struct HttpCounters {
  std::atomic<std::uint64_t> handler_failures{0};
  std::atomic<std::uint64_t> connections_refused{0};
  std::atomic<std::uint64_t> accept_failures{0};

  /// The figures for /metrics.
  HttpServerCounters figures() const {
    return {handler_failures.load(), connections_refused.load(), accept_failures.load()};
  }
};

/// How a listener treats its connections.
struct HttpLimits {
  std::size_t body_limit_bytes = 64 * 1024;  ///< larger bodies: 413, connection closed
  std::size_t max_connections = 64;          ///< open connections per listener; more: 503
};

class HttpServer {
 public:
  /// Sends the response (on the io_context's thread; once per request).
  using Respond = std::function<void(HttpResponse)>;
  /// Called on the io_context's thread with each request; answers through `respond`, now or
  /// later (the connection waits, reading nothing more, until it does).
  using Handler = std::function<void(HttpRequest, Respond)>;

  /// Binds and listens on `address` (TCP port 0: an ephemeral port). A unix socket replaces a
  /// stale socket file (nothing listening) but never another kind of file, and gets mode 0660
  /// with group `group` when that group exists. Errors name the address. `counters` must
  /// outlive the server.
  static std::expected<std::unique_ptr<HttpServer>, std::string> listen(
      boost::asio::io_context& io, const ListenAddress& address, const std::string& group,
      HttpLimits limits, HttpCounters& counters, Handler handler);

  /// "http://ADDR:PORT" (with the real port when 0 was asked for) or "unix:PATH".
  std::string url() const;

  /// Stops accepting (a unix socket's file is removed); open connections finish their exchange.
  void stop();
  ~HttpServer() { stop(); }
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  struct State;

 private:
  explicit HttpServer(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

/// A 500 reply for a handler that failed with `what` (JSON built without the serialiser, which
/// may be what failed); counts it.
HttpResponse internalError(HttpCounters& counters, std::string_view what);

}  // namespace ovse::manager::daemon
