// The synchronous REST client (see rest_client.h).
#include "rest_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "mirror_manager/json_text.h"

namespace ovse::cli {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::expected<RestServer, std::string> parseServerUrl(std::string_view url) {
  auto bad = [&](const std::string& why) {
    return std::unexpected("--server " + std::string(url) + ": " + why);
  };
  if (url.starts_with("unix:")) {
    RestServer s;
    s.socket_path = std::string(url.substr(5));
    if (!s.socket_path.starts_with('/')) return bad("the socket path must be absolute");
    s.host = "localhost";
    return s;
  }
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) return bad("expected unix:PATH or http://HOST:PORT");
  std::string_view rest = url.substr(kScheme.size());
  std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  RestServer s;
  if (slash != std::string_view::npos) s.base = std::string(rest.substr(slash));
  while (!s.base.empty() && s.base.back() == '/') s.base.pop_back();
  std::size_t colon = authority.rfind(':');
  std::size_t bracket = authority.rfind(']');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    s.port = std::string(authority.substr(colon + 1));
    authority = authority.substr(0, colon);
  }
  if (authority.starts_with('[') && authority.ends_with(']')) {
    authority = authority.substr(1, authority.size() - 2);
  }
  if (authority.empty()) return bad("no host");
  if (s.port.empty() || s.port.find_first_not_of("0123456789") != std::string::npos) {
    return bad("port " + s.port + " is not a number");
  }
  s.host = std::string(authority);
  return s;
}

std::string escapePathSegment(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

namespace {

using local = asio::local::stream_protocol;

// One request and its reply over an already connected stream.
template <class Stream>
std::expected<RestReply, std::string> exchange(Stream& stream, const RestServer& server,
                                               std::string_view method, const std::string& path,
                                               const std::optional<nlohmann::json>& body,
                                               const std::string& where) {
  http::request<http::string_body> req(
      http::string_to_verb(beast::string_view(method.data(), method.size())), server.base + path,
      11);
  req.set(http::field::host,
          server.socket_path.empty() ? server.host + ":" + server.port : std::string("localhost"));
  req.set(http::field::accept, "application/json");
  if (!server.token.empty()) req.set(http::field::authorization, "Bearer " + server.token);
  if (body) {
    req.set(http::field::content_type, "application/json");
    req.body() = manager::dumpJson(*body);
  }
  req.prepare_payload();
  beast::error_code ec;
  http::write(stream, req, ec);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  if (!ec) http::read(stream, buffer, res, ec);
  if (ec) return std::unexpected("no reply from " + where + ": " + ec.message());
  stream.socket().shutdown(asio::socket_base::shutdown_both, ec);
  RestReply reply;
  reply.status = static_cast<int>(res.result_int());
  // The reply is input too: a hostile --server must not overflow our stack.
  auto parsed = manager::parseJson(res.body());
  reply.body = parsed ? std::move(*parsed) : nlohmann::json(nullptr);
  return reply;
}

}  // namespace

bool socketAnswers(const std::string& path) {
  asio::io_context io;
  local::socket socket(io);
  beast::error_code ec;
  socket.connect(local::endpoint(path), ec);
  return !ec;
}

std::expected<RestReply, std::string> restCall(const RestServer& server, std::string_view method,
                                               const std::string& path,
                                               const std::optional<nlohmann::json>& body,
                                               std::chrono::milliseconds timeout) {
  asio::io_context io;
  beast::error_code ec;
  if (!server.socket_path.empty()) {
    const std::string where = "unix:" + server.socket_path;
    beast::basic_stream<local> stream(io);
    stream.expires_after(timeout);
    stream.socket().connect(local::endpoint(server.socket_path), ec);
    if (ec) return std::unexpected("cannot connect to " + where + ": " + ec.message());
    return exchange(stream, server, method, path, body, where);
  }
  const std::string where = "http://" + server.host + ":" + server.port;
  beast::tcp_stream stream(io);
  auto endpoints = asio::ip::tcp::resolver(io).resolve(server.host, server.port, ec);
  if (ec) return std::unexpected("cannot resolve " + where + ": " + ec.message());
  stream.expires_after(timeout);
  stream.connect(endpoints, ec);
  if (ec) return std::unexpected("cannot connect to " + where + ": " + ec.message());
  return exchange(stream, server, method, path, body, where);
}
}  // namespace ovse::cli
