// The Beast listener and connections (see http_server.h).
#include "http_server.h"

#include <array>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <chrono>
#include <optional>

#include "mirror_manager/daemon/api_error.h"
#include "http_request.h"

namespace ovse::manager::daemon {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct HttpServer::State {
  State(asio::io_context& io) : acceptor(io) {}
  tcp::acceptor acceptor;
  std::size_t body_limit_bytes = 0;
  Handler handler;
};

namespace {

constexpr auto kIdleTimeout = std::chrono::seconds(60);

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, std::shared_ptr<HttpServer::State> server)
      : stream_(std::move(socket)), server_(std::move(server)) {}

  void start() { read(); }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(server_->body_limit_bytes);
    parser_->header_limit(kHeaderLimitBytes);
    stream_.expires_after(kIdleTimeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onHeader(ec); });
  }

  // A client that sent `Expect: 100-continue` (curl does for bodies over 1 KiB) waits for
  // "100 Continue" before the body, or for the final answer: a body over the limit is refused
  // before it is sent.
  void onHeader(beast::error_code ec) {
    if (ec) return onRead(ec);
    const auto& req = parser_->get();
    if (!beast::iequals(req[http::field::expect], "100-continue")) return readBody();
    const auto length = parser_->content_length();
    if (length && *length > server_->body_limit_bytes) return refuseTooLarge();
    auto proceed = std::make_shared<http::response<http::empty_body>>(http::status::continue_,
                                                                       req.version());
    http::async_write(stream_, *proceed,
                      [self = shared_from_this(), proceed](beast::error_code ec, std::size_t) {
                        if (ec) return self->close();
                        self->readBody();
                      });
  }

  void readBody() {
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onRead(ec); });
  }

  void onRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout) return close();
    if (ec == http::error::body_limit) return refuseTooLarge();
    if (ec) {
      return write(errorResponse(ApiError{400, "malformed HTTP request: " + ec.message(), "", {}}),
                   false, 11, false);
    }
    const auto& req = parser_->get();
    HttpResponse response = server_->handler(toRequest(req));
    write(std::move(response), req.keep_alive(), req.version(), req.method() == http::verb::head);
  }

  void refuseTooLarge() {
    write(errorResponse(ApiError{413,
                                 "the request body is larger than " +
                                     std::to_string(server_->body_limit_bytes) + " bytes",
                                 "",
                                 {}}),
          false, 11, false);
  }

  void write(HttpResponse r, bool keep_alive, unsigned version, bool head) {
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(version);
    res->result(static_cast<unsigned>(r.status));
    res->set(http::field::server, "ovs-erspan");
    res->set(http::field::content_type, r.content_type);
    for (const auto& [k, v] : r.headers) res->set(k, v);
    res->keep_alive(keep_alive);
    res->body() = std::move(r.body);
    res->prepare_payload();
    if (head) res->body().clear();
    http::async_write(
        stream_, *res,
        [self = shared_from_this(), res, keep_alive](beast::error_code ec, std::size_t) {
          if (ec || !keep_alive) return self->close();
          self->read();
        });
  }

  // Half-close, then drain what the client still sends (e.g. the rest of a refused body) so the
  // kernel does not answer it with a reset that could destroy the response in flight.
  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(2));
    drain();
  }

  void drain() {
    stream_.async_read_some(asio::buffer(discard_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->stream_.close();
                              self->drain();
                            });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<HttpServer::State> server_;
  std::array<char, 4096> discard_{};
};

void accept(std::shared_ptr<HttpServer::State> state) {
  auto& acceptor = state->acceptor;
  acceptor.async_accept([state = std::move(state)](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !state->acceptor.is_open()) return;
    if (!ec) std::make_shared<Connection>(std::move(socket), state)->start();
    accept(state);
  });
}

}  // namespace

std::expected<std::unique_ptr<HttpServer>, std::string> HttpServer::listen(
    asio::io_context& io, const tcp::endpoint& endpoint, std::size_t body_limit_bytes,
    Handler handler) {
  auto state = std::make_shared<State>(io);
  state->body_limit_bytes = body_limit_bytes;
  state->handler = std::move(handler);
  beast::error_code ec;
  auto fail = [&](const char* what) {
    return std::unexpected("--listen " + endpoint.address().to_string() + ":" +
                           std::to_string(endpoint.port()) + ": cannot " + what + ": " +
                           ec.message());
  };
  if (state->acceptor.open(endpoint.protocol(), ec); ec) return fail("open");
  if (state->acceptor.set_option(asio::socket_base::reuse_address(true), ec); ec) {
    return fail("set SO_REUSEADDR");
  }
  if (state->acceptor.bind(endpoint, ec); ec) return fail("bind");
  if (state->acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) {
    return fail("listen");
  }
  accept(state);
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(state)));
}

tcp::endpoint HttpServer::localEndpoint() const {
  beast::error_code ec;
  return state_->acceptor.local_endpoint(ec);
}

void HttpServer::stop() {
  beast::error_code ignored;
  state_->acceptor.close(ignored);
}

}  // namespace ovse::manager::daemon
