// The Beast listeners and connections (see http_server.h).
#include "http_server.h"

#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <optional>

#include "http_request.h"
#include "mirror_manager/daemon/api_error.h"

namespace ovse::manager::daemon {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using local = asio::local::stream_protocol;

// What every connection of one listener shares.
struct HttpServer::State {
  State(asio::io_context& io_context, HttpLimits l, HttpCounters& c, Handler h, Transport t)
      : io(io_context), limits(l), counters(c), handler(std::move(h)), transport(t) {}
  virtual ~State() = default;
  virtual void stop() = 0;
  virtual std::string url() const = 0;

  asio::io_context& io;
  HttpLimits limits;
  HttpCounters& counters;
  Handler handler;
  Transport transport;
  std::size_t open_connections = 0;
};

namespace {

constexpr auto kIdleTimeout = std::chrono::seconds(60);
// After a failed accept (EMFILE, ENFILE, ENOBUFS) the listening socket stays readable, so
// accepting again at once would spin; this long a pause lets connections close.
constexpr auto kAcceptBackoff = std::chrono::milliseconds(250);

}  // namespace

HttpResponse internalError(HttpCounters& counters, std::string_view what) {
  ++counters.handler_failures;
  HttpResponse r;
  r.status = 500;
  // Built by hand: the JSON serialiser may be what failed.
  std::string text;
  for (char c : what.substr(0, 200)) {
    const auto u = static_cast<unsigned char>(c);
    text += (u < 0x20 || u >= 0x7f || c == '"' || c == '\\') ? '?' : c;
  }
  r.body = "{\n  \"error\": \"internal error: " + text + "\"\n}\n";
  return r;
}

namespace {

template <class Protocol>
class Connection : public std::enable_shared_from_this<Connection<Protocol>> {
 public:
  Connection(typename Protocol::socket socket, std::shared_ptr<HttpServer::State> server)
      : stream_(std::move(socket)), server_(std::move(server)) {
    ++server_->open_connections;
  }
  ~Connection() { --server_->open_connections; }

  void start() { read(); }

  // Over the limit: say so and close, rather than leave the client hanging in the backlog.
  void refuseBusy() {
    ++server_->counters.connections_refused;
    write(
        errorResponse(ApiError{503,
                               "too many connections (" +
                                   std::to_string(server_->limits.max_connections) + "); try again",
                               "",
                               {}}),
        false, 11, false);
  }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(server_->limits.body_limit_bytes);
    parser_->header_limit(kHeaderLimitBytes);
    stream_.expires_after(kIdleTimeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              self->onHeader(ec);
                            });
  }

  // A client that sent `Expect: 100-continue` (curl does for bodies over 1 KiB) waits for
  // "100 Continue" before the body, or for the final answer: a body over the limit is refused
  // before it is sent.
  void onHeader(beast::error_code ec) {
    if (ec) return onRead(ec);
    const auto& req = parser_->get();
    if (!beast::iequals(req[http::field::expect], "100-continue")) return readBody();
    const auto length = parser_->content_length();
    if (length && *length > server_->limits.body_limit_bytes) return refuseTooLarge();
    auto proceed =
        std::make_shared<http::response<http::empty_body>>(http::status::continue_, req.version());
    http::async_write(
        stream_, *proceed,
        [self = this->shared_from_this(), proceed](beast::error_code ec, std::size_t) {
          if (ec) return self->close();
          self->readBody();
        });
  }

  void readBody() {
    http::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->onRead(ec); });
  }

  void onRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout) return close();
    if (ec == http::error::body_limit) return refuseTooLarge();
    if (ec) {
      return write(errorResponse(ApiError{400, "malformed HTTP request: " + ec.message(), "", {}}),
                   false, 11, false);
    }
    const auto& req = parser_->get();
    const bool keep_alive = req.keep_alive();
    const unsigned version = req.version();
    const bool head = req.method() == http::verb::head;
    // Whatever a handler does wrong, the daemon keeps serving: the client gets a 500 and the
    // failure is counted (ovs_erspan_http_handler_failures_total).
    try {
      HttpRequest request = toRequest(req);
      request.transport = server_->transport;
      server_->handler(std::move(request), [self = this->shared_from_this(), keep_alive, version,
                                            head](HttpResponse r) {
        self->write(std::move(r), keep_alive, version, head);
      });
    } catch (const std::exception& e) {
      write(internalError(server_->counters, e.what()), false, version, head);
    } catch (...) {
      write(internalError(server_->counters, "unknown exception"), false, version, head);
    }
  }

  void refuseTooLarge() {
    write(errorResponse(ApiError{413,
                                 "the request body is larger than " +
                                     std::to_string(server_->limits.body_limit_bytes) + " bytes",
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
        [self = this->shared_from_this(), res, keep_alive](beast::error_code ec, std::size_t) {
          if (ec || !keep_alive) return self->close();
          self->read();
        });
  }

  // Half-close, then drain what the client still sends (e.g. the rest of a refused body) so the
  // kernel does not answer it with a reset that could destroy the response in flight.
  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(asio::socket_base::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(2));
    drain();
  }

  void drain() {
    stream_.async_read_some(asio::buffer(discard_),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->stream_.close();
                              self->drain();
                            });
  }

  beast::basic_stream<Protocol> stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<HttpServer::State> server_;
  std::array<char, 4096> discard_{};
};

// One acceptor of either protocol; accepts until stopped.
template <class Protocol>
struct Listener : HttpServer::State, std::enable_shared_from_this<Listener<Protocol>> {
  Listener(asio::io_context& io_context, HttpLimits l, HttpCounters& c, HttpServer::Handler h,
           Transport t)
      : State(io_context, l, c, std::move(h), t), acceptor(io_context), backoff(io_context) {}

  void accept() {
    acceptor.async_accept(
        [self = this->shared_from_this()](beast::error_code ec, typename Protocol::socket socket) {
          if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) return;
          if (ec) return self->backOff();
          auto c = std::make_shared<Connection<Protocol>>(std::move(socket), self);
          if (self->open_connections > self->limits.max_connections) {
            c->refuseBusy();
          } else {
            c->start();
          }
          self->accept();
        });
  }

  void backOff() {
    ++counters.accept_failures;
    backoff.expires_after(kAcceptBackoff);
    backoff.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (!ec && self->acceptor.is_open()) self->accept();
    });
  }

  void stop() override {
    if (!acceptor.is_open()) return;
    beast::error_code ignored;
    acceptor.close(ignored);
    backoff.cancel();
    if (!socket_path.empty()) ::unlink(socket_path.c_str());
  }

  std::string url() const override {
    if (!socket_path.empty()) return "unix:" + socket_path;
    if constexpr (std::is_same_v<Protocol, tcp>) {
      beast::error_code ec;
      auto bound = acceptor.local_endpoint(ec);
      std::string host = bound.address().is_v6() ? "[" + bound.address().to_string() + "]"
                                                 : bound.address().to_string();
      return "http://" + host + ":" + std::to_string(bound.port());
    }
    return "";
  }

  typename Protocol::acceptor acceptor;
  asio::steady_timer backoff;
  std::string socket_path;
};

std::expected<std::shared_ptr<Listener<tcp>>, std::string> listenTcp(asio::io_context& io,
                                                                     const ListenAddress& address,
                                                                     HttpLimits limits,
                                                                     HttpCounters& counters,
                                                                     HttpServer::Handler handler) {
  const std::string where = "--listen " + address.host + ":" + std::to_string(address.port);
  beast::error_code ec;
  auto ip = asio::ip::make_address(address.host, ec);
  if (ec) return std::unexpected(where + ": " + address.host + " is not an IP address");
  const tcp::endpoint endpoint(ip, address.port);
  auto l =
      std::make_shared<Listener<tcp>>(io, limits, counters, std::move(handler), Transport::kTcp);
  auto fail = [&](const char* what) {
    return std::unexpected(where + ": cannot " + what + ": " + ec.message());
  };
  if (l->acceptor.open(endpoint.protocol(), ec); ec) return fail("open");
  if (l->acceptor.set_option(asio::socket_base::reuse_address(true), ec); ec) {
    return fail("set SO_REUSEADDR");
  }
  if (l->acceptor.bind(endpoint, ec); ec) return fail("bind");
  if (l->acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) return fail("listen");
  return l;
}

// A socket file left by a daemon that died is replaced; a live one, or any other kind of file,
// is not.
std::expected<void, std::string> clearStaleSocket(asio::io_context& io, const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return {};
  if (!S_ISSOCK(st.st_mode)) {
    return std::unexpected("--listen unix:" + path + ": the path exists and is not a socket");
  }
  local::socket probe(io);
  beast::error_code ec;
  probe.connect(local::endpoint(path), ec);
  if (!ec) {
    return std::unexpected("--listen unix:" + path +
                           ": another daemon is listening there (stop it first)");
  }
  ::unlink(path.c_str());
  return {};
}

std::expected<std::shared_ptr<Listener<local>>, std::string> listenUnix(
    asio::io_context& io, const ListenAddress& address, const std::string& group, HttpLimits limits,
    HttpCounters& counters, HttpServer::Handler handler) {
  const std::string path = address.path.string();
  const std::string where = "--listen unix:" + path;
  std::error_code fec;
  std::filesystem::create_directories(address.path.parent_path(), fec);
  if (fec) return std::unexpected(where + ": cannot create its directory: " + fec.message());
  if (auto cleared = clearStaleSocket(io, path); !cleared) return std::unexpected(cleared.error());
  auto l =
      std::make_shared<Listener<local>>(io, limits, counters, std::move(handler), Transport::kUnix);
  beast::error_code ec;
  auto fail = [&](const char* what) {
    return std::unexpected(where + ": cannot " + what + ": " + ec.message());
  };
  if (l->acceptor.open(local(), ec); ec) return fail("open");
  // The socket exists with the mode the umask leaves from 0777; keep it closed to everyone but
  // the owner and group from the first instant, then set the group.
  const mode_t old_mask = ::umask(0117);
  l->acceptor.bind(local::endpoint(path), ec);
  ::umask(old_mask);
  if (ec) return fail("bind");
  l->socket_path = path;
  if (const struct group* g = ::getgrnam(group.c_str())) {
    if (::chown(path.c_str(), static_cast<uid_t>(-1), g->gr_gid) != 0) {
      ec.assign(errno, boost::system::system_category());
      return fail(("give it to group " + group).c_str());
    }
  }
  if (::chmod(path.c_str(), 0660) != 0) {
    ec.assign(errno, boost::system::system_category());
    return fail("set its mode to 0660");
  }
  if (l->acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) return fail("listen");
  return l;
}

}  // namespace

std::expected<std::unique_ptr<HttpServer>, std::string> HttpServer::listen(
    asio::io_context& io, const ListenAddress& address, const std::string& group, HttpLimits limits,
    HttpCounters& counters, Handler handler) {
  if (address.is_unix) {
    auto l = listenUnix(io, address, group, limits, counters, std::move(handler));
    if (!l) return std::unexpected(l.error());
    (*l)->accept();
    return std::unique_ptr<HttpServer>(new HttpServer(*l));
  }
  auto l = listenTcp(io, address, limits, counters, std::move(handler));
  if (!l) return std::unexpected(l.error());
  (*l)->accept();
  return std::unique_ptr<HttpServer>(new HttpServer(*l));
}

std::string HttpServer::url() const { return state_->url(); }

void HttpServer::stop() { state_->stop(); }

}  // namespace ovse::manager::daemon
