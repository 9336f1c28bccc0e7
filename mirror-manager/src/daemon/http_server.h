// HttpServer: the daemon's HTTP/1.1 listener on Boost.Beast, on a TCP address or a unix socket.
// Each connection only reads a request (header and body limits enforced by the parser), hands
// it to the handler on the io_context thread, and writes the reply; keep-alive, idle timeout
// 60 s. A handler that throws is answered 500 and counted, never takes the daemon down; past
// `max_connections` a new connection is answered 503; when accept fails (out of descriptors)
// the listener backs off instead of spinning.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <expected>
#include <functional>
#include <memory>
#include <string>

#include "mirror_manager/daemon/http_message.h"
#include "mirror_manager/daemon/listen_address.h"
#include "mirror_manager/daemon/metrics.h"

namespace ovse::manager::daemon {

/// How a listener treats its connections.
struct HttpLimits {
  std::size_t body_limit_bytes = 64 * 1024;  ///< larger bodies: 413, connection closed
  std::size_t max_connections = 64;          ///< open connections per listener; more: 503
};

class HttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  /// Binds and listens on `address` (TCP port 0: an ephemeral port). A unix socket replaces a
  /// stale socket file (nothing listening) but never another kind of file, and gets mode 0660
  /// with group `group` when that group exists. Errors name the address. `counters` must
  /// outlive the server.
  static std::expected<std::unique_ptr<HttpServer>, std::string> listen(
      boost::asio::io_context& io, const ListenAddress& address, const std::string& group,
      HttpLimits limits, HttpServerCounters& counters, Handler handler);

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

}  // namespace ovse::manager::daemon
