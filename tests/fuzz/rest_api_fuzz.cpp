// libFuzzer target for the daemon's request path: bytes → Beast's HTTP request parser (the
// listener's header and default body limits; several pipelined requests per input) → the
// listener's toRequest → Api::handle over the unit tests' FakeSwitch and a SessionService on a
// store in a private temporary directory. No OVS, no sockets.
//
// A request carrying a Host header is handled as arriving over TCP (guarded: Host, Origin, token
// "fuzz-token"), any other as arriving over the unix socket. Checked on every response: no
// exception leaves the handler, the status is an HTTP status, header values cannot split the
// response, a JSON body is valid UTF-8 JSON (an object with "error" for errors), no static file
// outside the web root is served; after each input, the store the daemon saved loads again with
// the same sessions (a daemon that cannot read its own store restart-loops).
#include <stdlib.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

#include "http_request.h"
#include "manager/fake_switch.h"
#include "mirror_manager/daemon/api.h"
#include "mirror_manager/serve.h"

namespace {

namespace fs = std::filesystem;
namespace http = boost::beast::http;
using namespace ovse::manager;
using namespace ovse::manager::daemon;

constexpr int kMaxRequestsPerInput = 8;
constexpr std::string_view kSecret = "fuzz-secret-outside-the-web-root";

// A private directory (in /dev/shm when there is one: every session write fsyncs) holding the
// store, the web root and, beside it, a file the static handler must never serve.
struct World {
  World() {
    const char* base = fs::is_directory("/dev/shm") ? "/dev/shm" : P_tmpdir;
    std::string tmpl = std::string(base) + "/ovse-rest-fuzz.XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
    dir = tmpl;
    store = dir / "sessions.json";
    web = dir / "web";
    fs::create_directories(web / "js");
    std::ofstream(web / "index.html") << "<!doctype html><title>ovs-erspan</title>";
    std::ofstream(web / "js" / "app.js") << "console.log(1);";
    std::ofstream(dir / "secret.txt") << kSecret;
  }
  ~World() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  fs::path dir, store, web;
};

World& world() {
  static World w;
  return w;
}

// The next request of `rest` as the listener would read it, consuming its bytes; nullopt when
// the bytes are not a complete request (the listener answers those without the handler).
std::optional<HttpRequest> nextRequest(std::string_view& rest) {
  http::request_parser<http::string_body> parser;
  parser.eager(true);
  parser.header_limit(kHeaderLimitBytes);
  parser.body_limit(ServeOptions{}.body_limit_bytes);
  boost::beast::error_code ec;
  while (!parser.is_done()) {
    const std::size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
    rest.remove_prefix(used);
    if (ec == http::error::need_more) {
      ec = {};
      if (used > 0 && !rest.empty()) continue;
      parser.put_eof(ec);  // the input ends here, as a client closing its side
      if (ec || !parser.is_done()) return std::nullopt;
      break;
    }
    if (ec || used == 0) return std::nullopt;
  }
  return toRequest(parser.get());
}

bool splitsHeaders(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

bool mentions(const HttpRequest& request, std::string_view text) {
  if (request.method.find(text) != std::string::npos) return true;
  if (request.target.find(text) != std::string::npos) return true;
  if (request.body.find(text) != std::string::npos) return true;
  for (const auto& [name, value] : request.headers) {
    if (value.find(text) != std::string::npos) return true;
  }
  return false;
}

void check(const HttpRequest& request, const HttpResponse& r) {
  if (r.status < 100 || r.status > 599) std::abort();
  if (splitsHeaders(r.content_type)) std::abort();
  for (const auto& [name, value] : r.headers) {
    if (name.empty() || splitsHeaders(name) || splitsHeaders(value)) std::abort();
  }
  if (r.content_type.starts_with("application/json")) {
    // accept() is strict: invalid UTF-8 fails it, as it fails a client's parser.
    if (!nlohmann::json::accept(r.body)) std::abort();
    auto j = nlohmann::json::parse(r.body);
    if (!j.is_object()) std::abort();
    if (r.status >= 400 && !(j.contains("error") && j["error"].is_string())) std::abort();
  }
  // Replies echo what a request said (a 404 names its target); only a secret the request did
  // not carry means a file outside the web root was read.
  if (r.body.find(kSecret) != std::string::npos && !mentions(request, kSecret)) std::abort();
}

// The store file the daemon wrote loads again, with the sessions the service holds.
void checkStore(const SessionService& service) {
  if (!fs::exists(world().store)) return;
  auto reopened = SessionStore::open(world().store);
  if (!reopened || reopened->sessions() != service.store().sessions()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  World& w = world();
  std::error_code ec;
  fs::remove(w.store, ec);
  ovse::test::FakeSwitch fake;
  fake.addPort("br0", "vm1", {{"iface-id", "a"}, {"attached-mac", "02:00:00:00:00:01"}});
  fake.addPort("br0", "vm2", {{"iface-id", "b"}, {"vm-uuid", "vm-b"}});
  fake.addPort("br0", "tap");
  fake.addPort("br0", "uplink");
  auto store = SessionStore::open(w.store);
  if (!store) std::abort();
  SessionService service(std::move(*store), fake, [](const std::string&) {});
  ApiOptions options;
  options.token = "fuzz-token";
  options.hosts.addresses = {"127.0.0.1"};
  options.hosts.names = {"localhost"};
  options.web_root = w.web;
  options.ovsdb_remote = "unix:/fuzz/db.sock";
  Api api(service, options);

  std::string_view rest(reinterpret_cast<const char*>(data), size);
  for (int i = 0; i < kMaxRequestsPerInput; ++i) {
    auto request = nextRequest(rest);
    if (!request) break;
    request->transport = request->headers.contains("host") ? Transport::kTcp : Transport::kUnix;
    check(*request, api.handle(*request));
  }
  checkStore(service);
  return 0;
}
