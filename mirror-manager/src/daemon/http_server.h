// HttpServer: the daemon's HTTP/1.1 listener on Boost.Beast. Each connection only reads a
// request (header and body limits enforced by the parser), hands it to the handler on the
// io_context thread, and writes the reply; keep-alive, idle timeout 60 s.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstddef>
#include <expected>
#include <functional>
#include <memory>
#include <string>

#include "mirror_manager/daemon/http_message.h"

namespace ovse::manager::daemon {

class HttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  /// Binds and listens on `endpoint` (port 0: an ephemeral port). Bodies larger than
  /// `body_limit_bytes` are answered 413 and the connection is closed. Errors name the address.
  static std::expected<std::unique_ptr<HttpServer>, std::string> listen(
      boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
      std::size_t body_limit_bytes, Handler handler);

  /// The bound address (with the real port when 0 was asked for).
  boost::asio::ip::tcp::endpoint localEndpoint() const;

  /// Stops accepting; open connections finish their current exchange.
  void stop();

  struct State;

 private:
  explicit HttpServer(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

}  // namespace ovse::manager::daemon
