// The REST handlers over a real store file and FakeSwitch: every endpoint, every error path.
#include "mirror_manager/daemon/api.h"

#include <gtest/gtest.h>

#include <fstream>

#include "harness/process.h"
#include "manager/fake_switch.h"
#include "prometheus_text.h"

namespace ovse::manager::daemon {
namespace {

using nlohmann::json;

constexpr char kLocal[] =
    R"({"name":"web","type":"local","sources":[{"iface_id":"a","direction":"ingress"}],)"
    R"("destination":{"port":"tap"}})";

class DaemonApi : public ::testing::Test {
 protected:
  DaemonApi() {
    fake_.addPort("br0", "vm1", {{"iface-id", "a"}, {"attached-mac", "02:00:00:00:00:01"}});
    fake_.addPort("br0", "tap");
  }

  Api& api(std::optional<std::string> token = std::nullopt, std::string ovsdb_state = "connected") {
    auto store = SessionStore::open(tmp_.path() / "sessions.json");
    service_ =
        std::make_unique<SessionService>(std::move(*store), fake_, [](const std::string&) {});
    ApiOptions options;
    options.token = std::move(token);
    options.web_root = tmp_.path() / "web";
    options.ovsdb_remote = "unix:/fake";
    options.ovsdb_state = [ovsdb_state] { return ovsdb_state; };
    options.hosts.addresses = {"127.0.0.1"};
    options.hosts.names = {"localhost"};
    api_ = std::make_unique<Api>(*service_, options);
    return *api_;
  }

  HttpResponse call(const std::string& method, const std::string& target,
                    const std::string& body = "") {
    if (!api_) api();
    // Most tests speak over the unix socket, where the socket's mode is the access check.
    HttpRequest request{method, target, {}, body};
    request.transport = Transport::kUnix;
    return api_->handle(request);
  }

  static json body(const HttpResponse& r) { return json::parse(r.body); }

  test::TempDir tmp_;
  test::FakeSwitch fake_;
  std::unique_ptr<SessionService> service_;
  std::unique_ptr<Api> api_;
};

TEST_F(DaemonApi, CreateSavesReconcilesAndReturnsStatus) {
  auto r = call("POST", "/api/v1/sessions", kLocal);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.headers["Location"], "/api/v1/sessions/web");
  EXPECT_EQ(body(r)["status"]["state"], "active");
  EXPECT_EQ(body(r)["session"]["name"], "web");
  ASSERT_EQ(fake_.state()->mirrors.size(), 1u);
  EXPECT_EQ(fake_.state()->mirrors[0].name, "web");
  auto reopened = SessionStore::open(tmp_.path() / "sessions.json");
  ASSERT_TRUE(reopened);
  EXPECT_NE(reopened->find("web"), nullptr);
}

TEST_F(DaemonApi, HealthIs503UntilOvsdbIsConnected) {
  EXPECT_EQ(call("GET", "/api/v1/health").status, 200);
  api(std::nullopt, "connecting");
  auto r = call("GET", "/api/v1/health");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(body(r)["status"], "degraded");
  EXPECT_EQ(body(r)["ovsdb"]["state"], "connecting");
}

TEST_F(DaemonApi, ListGetStatsAndPorts) {
  call("POST", "/api/v1/sessions", kLocal);
  auto list = body(call("GET", "/api/v1/sessions"));
  ASSERT_EQ(list["sessions"].size(), 1u);
  EXPECT_EQ(list["sessions"][0]["status"]["state"], "active");
  EXPECT_EQ(body(call("GET", "/api/v1/sessions/web"))["session"]["type"], "local");
  auto stats = call("GET", "/api/v1/sessions/web/stats");
  EXPECT_EQ(stats.status, 200);
  EXPECT_EQ(body(stats)["mirrored"]["packets"], 0);
  auto ports = body(call("GET", "/api/v1/ports"));
  ASSERT_EQ(ports["ports"].size(), 2u);
  EXPECT_EQ(ports["ports"][1]["interfaces"][0]["iface_id"], "a");
  EXPECT_EQ(ports["ports"][1]["interfaces"][0]["attached_mac"], "02:00:00:00:00:01");
  EXPECT_EQ(body(call("GET", "/api/v1/health"))["ovsdb"]["remote"], "unix:/fake");
}

TEST_F(DaemonApi, MalformedJsonIs400) {
  auto r = call("POST", "/api/v1/sessions", "{\"name\": ");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(body(r)["error"].get<std::string>().find("malformed JSON at byte"), std::string::npos);
  EXPECT_EQ(call("POST", "/api/v1/sessions", "[]").status, 400);
  EXPECT_EQ(call("POST", "/api/v1/sessions", "").status, 400);
}

TEST_F(DaemonApi, UnknownFieldIs400WithItsPath) {
  auto r =
      call("POST", "/api/v1/sessions",
           R"({"name":"x","type":"erspan","destination":{"remote_ip":"10.0.0.9","colour":1}})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(body(r)["path"], "destination.colour");
}

TEST_F(DaemonApi, ValidationFailureNamesFieldAndValue) {
  auto r = call("POST", "/api/v1/sessions",
                R"({"name":"x","type":"erspan","sources":[{"iface_id":"a"}],)"
                R"("destination":{"remote_ip":"10.0.0.9","session_id":1500}})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(body(r)["path"], "destination.session_id");
  EXPECT_NE(body(r)["error"].get<std::string>().find("1500"), std::string::npos);
  EXPECT_FALSE(body(r)["issues"].empty());
  EXPECT_TRUE(fake_.state()->mirrors.empty());
}

TEST_F(DaemonApi, DuplicateIs409AndUnknownIs404) {
  call("POST", "/api/v1/sessions", kLocal);
  auto dup = call("POST", "/api/v1/sessions", kLocal);
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(body(dup)["path"], "name");
  EXPECT_EQ(call("GET", "/api/v1/sessions/nope").status, 404);
  EXPECT_EQ(call("DELETE", "/api/v1/sessions/nope").status, 404);
  EXPECT_EQ(call("POST", "/api/v1/sessions/nope/enable").status, 404);
  EXPECT_EQ(call("PATCH", "/api/v1/sessions/nope", "{}").status, 404);
  EXPECT_EQ(call("GET", "/api/v1/nothing").status, 404);
  auto r405 = call("PUT", "/api/v1/sessions");
  EXPECT_EQ(r405.status, 405);
  EXPECT_EQ(r405.headers["Allow"], "GET, POST");
}

TEST_F(DaemonApi, PutPatchDisableEnableDelete) {
  std::string put = kLocal;
  EXPECT_EQ(call("PUT", "/api/v1/sessions/web", put).status, 201);
  EXPECT_EQ(call("PUT", "/api/v1/sessions/web", put).status, 200);
  EXPECT_EQ(call("PUT", "/api/v1/sessions/other", put).status, 400) << "renaming";
  auto patched = call("PATCH", "/api/v1/sessions/web", R"({"mirrored_packet_length": 128})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(body(patched)["session"]["mirrored_packet_length"], 128);
  EXPECT_EQ(fake_.state()->mirrors[0].snaplen, 128);
  auto disabled = call("POST", "/api/v1/sessions/web/disable");
  EXPECT_EQ(body(disabled)["status"]["state"], "disabled");
  EXPECT_TRUE(fake_.state()->mirrors.empty());
  EXPECT_EQ(body(call("POST", "/api/v1/sessions/web/enable"))["status"]["state"], "active");
  EXPECT_EQ(call("DELETE", "/api/v1/sessions/web").status, 200);
  EXPECT_TRUE(fake_.state()->mirrors.empty());
  EXPECT_EQ(body(call("GET", "/api/v1/sessions"))["sessions"].size(), 0u);
}

TEST_F(DaemonApi, TokenGuardsApiAndMetricsButNotTheUi) {
  std::filesystem::create_directories(tmp_.path() / "web");
  std::ofstream(tmp_.path() / "web" / "index.html") << "<!doctype html>";
  auto& a = api("s3cret");
  const std::pair<std::string, std::string> host{"host", "127.0.0.1:8470"};
  EXPECT_EQ(a.handle({"GET", "/api/v1/sessions", {host}, ""}).status, 401);
  EXPECT_EQ(a.handle({"GET", "/metrics", {host, {"authorization", "Bearer nope"}}, ""}).status,
            401);
  EXPECT_EQ(
      a.handle({"GET", "/api/v1/sessions", {host, {"authorization", "Bearer s3cret"}}, ""}).status,
      200);
  auto ui = a.handle({"GET", "/", {host}, ""});
  EXPECT_EQ(ui.status, 200);
  EXPECT_EQ(ui.content_type, "text/html; charset=utf-8");
}

// A change OVS refuses when it is applied leaves nothing behind: not in the store, not in OVS.
TEST_F(DaemonApi, ACreateOvsRefusesIsNotKept) {
  api();
  fake_.failNextApply("ovsdb-server refused the transaction: constraint violation");
  auto r = call("POST", "/api/v1/sessions", kLocal);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(body(r)["error"].get<std::string>().find("refused and not kept"), std::string::npos)
      << r.body;
  EXPECT_EQ(call("GET", "/api/v1/sessions/web").status, 404);
  auto reopened = SessionStore::open(tmp_.path() / "sessions.json");
  ASSERT_TRUE(reopened);
  EXPECT_EQ(reopened->find("web"), nullptr);
  // A retry is not told the session exists.
  EXPECT_EQ(call("POST", "/api/v1/sessions", kLocal).status, 201);
}

TEST_F(DaemonApi, TcpWithoutATokenIsRefusedEvenOnLoopback) {
  auto& a = api();
  EXPECT_EQ(a.handle({"GET", "/api/v1/sessions", {{"host", "127.0.0.1:8470"}}, ""}).status, 401);
  HttpRequest over_socket{"GET", "/api/v1/sessions", {}, ""};
  over_socket.transport = Transport::kUnix;
  EXPECT_EQ(a.handle(over_socket).status, 200);
}

TEST_F(DaemonApi, TcpRequestsNameOurHostAndOriginAndSendJson) {
  auto& a = api("s3cret");
  const std::pair<std::string, std::string> auth{"authorization", "Bearer s3cret"};
  auto get = [&](std::map<std::string, std::string> headers) {
    headers.insert(auth);
    return a.handle({"GET", "/api/v1/sessions", headers, ""});
  };
  EXPECT_EQ(get({{"host", "127.0.0.1:8470"}}).status, 200);
  EXPECT_EQ(get({{"host", "localhost:8470"}}).status, 200);
  // DNS rebinding: the attacker's name resolves to us, the browser sends its name as Host.
  auto rebound = get({{"host", "evil.example:8470"}});
  EXPECT_EQ(rebound.status, 421);
  EXPECT_NE(rebound.body.find("evil.example"), std::string::npos) << rebound.body;
  EXPECT_EQ(get({}).status, 421);
  EXPECT_EQ(get({{"host", "10.0.0.1:8470"}}).status, 421);
  EXPECT_EQ(get({{"host", "127.0.0.1:8470"}, {"origin", "http://evil.example"}}).status, 403);
  EXPECT_EQ(get({{"host", "127.0.0.1:8470"}, {"origin", "null"}}).status, 403);
  EXPECT_EQ(get({{"host", "127.0.0.1:8470"}, {"origin", "http://127.0.0.1:8470"}}).status, 200);
  // A cross-site form or text/plain POST (no CORS preflight) is refused before it is read.
  auto post = [&](const std::string& type) {
    std::map<std::string, std::string> headers{auth, {"host", "127.0.0.1:8470"}};
    if (!type.empty()) headers["content-type"] = type;
    return a.handle({"POST", "/api/v1/sessions", headers, kLocal}).status;
  };
  EXPECT_EQ(post("text/plain"), 415);
  EXPECT_EQ(post(""), 415);
  EXPECT_EQ(post("application/json; charset=utf-8"), 201);
}

TEST(DaemonRequestGuard, HostPartAndWildcardAddresses) {
  EXPECT_EQ(hostPart("[::1]:8470"), "::1");
  EXPECT_EQ(hostPart("Example.ORG"), "example.org");
  EXPECT_EQ(hostPart("::1"), "");
  EXPECT_EQ(hostPart("[::1"), "");
  HostPolicy any{{"0.0.0.0"}, {"hv1.example"}};
  EXPECT_TRUE(hostAllowed(any, "192.0.2.7"));
  EXPECT_TRUE(hostAllowed(any, "hv1.example"));
  EXPECT_FALSE(hostAllowed(any, "evil.example"));
  HostPolicy v6{{"::1"}, {}};
  EXPECT_TRUE(hostAllowed(v6, "0:0::1"));
  EXPECT_FALSE(hostAllowed(v6, "127.0.0.1"));
}

TEST_F(DaemonApi, StaticFilesStayInsideTheRoot) {
  std::filesystem::create_directories(tmp_.path() / "web");
  std::ofstream(tmp_.path() / "web" / "app.js") << "1";
  std::ofstream(tmp_.path() / "secret") << "x";
  std::filesystem::create_symlink(tmp_.path() / "secret", tmp_.path() / "web" / "link");
  EXPECT_EQ(call("GET", "/app.js").status, 200);
  EXPECT_EQ(call("GET", "/app.js").content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(call("GET", "/../secret").status, 404);
  EXPECT_EQ(call("GET", "/%2e%2e/secret").status, 404);
  EXPECT_EQ(call("GET", "/link").status, 404);
  EXPECT_EQ(call("GET", "/missing.css").status, 404);
}

TEST_F(DaemonApi, MetricsCountResponsesAndSessions) {
  call("POST", "/api/v1/sessions", kLocal);
  call("GET", "/api/v1/sessions/nope");
  auto r = call("GET", "/metrics");
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  auto p = test::parsePrometheusText(r.body);
  ASSERT_EQ(p.error, "");
  EXPECT_EQ(p.value("ovs_erspan_session_state", {{"session", "web"}, {"state", "active"}}), 1);
  EXPECT_EQ(p.value("ovs_erspan_http_responses_total", {{"code", "404"}}), 1);
  EXPECT_EQ(p.value("ovs_erspan_http_responses_total", {{"code", "201"}}), 1);
  EXPECT_GE(p.value("ovs_erspan_reconcile_runs_total"), 1);
}

// Issue #16: a percent-decoded target holding invalid UTF-8 was echoed in the 404 message, and the
// strict JSON serialiser threw out of the handler, killing `serve`.
TEST_F(DaemonApi, InvalidUtf8InTheTargetIsA404WithValidJson) {
  for (const std::string target :
       {"/%FF", "/metrics%FF", "/api/v1/sessions/%FF", "/api/v1/sessions/%FF/stats", "/%C3",
        "/api/v1/sessions/a%FFb"}) {
    HttpResponse r;
    ASSERT_NO_THROW(r = call("GET", target)) << target;
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_EQ(r.content_type, "application/json");
    ASSERT_TRUE(json::accept(r.body)) << target << ": " << r.body;
    // The invalid byte is replaced by U+FFFD, the rest of the message kept.
    EXPECT_NE(body(r)["error"].get<std::string>().find("\xEF\xBF\xBD"), std::string::npos)
        << r.body;
  }
}

TEST_F(DaemonApi, InvalidUtf8InANameToWriteIsAnsweredInValidJson) {
  for (const std::string method : {"PUT", "PATCH", "DELETE"}) {
    auto r = call(method, "/api/v1/sessions/%FF", kLocal);
    EXPECT_GE(r.status, 400) << method;
    EXPECT_TRUE(json::accept(r.body)) << method << ": " << r.body;
  }
  auto enable = call("POST", "/api/v1/sessions/%FF/enable");
  EXPECT_EQ(enable.status, 404);
  EXPECT_TRUE(json::accept(enable.body)) << enable.body;
}

// Issue #16: 100k nested arrays in a body (with a large --body-limit) overflowed the stack.
TEST_F(DaemonApi, DeeplyNestedBodiesAreA400NamingTheByte) {
  ASSERT_EQ(call("POST", "/api/v1/sessions", kLocal).status, 201);
  const std::string arrays = std::string(100'000, '[') + std::string(100'000, ']');
  std::string objects;
  for (int i = 0; i < 100'000; ++i) objects += R"({"a":)";
  objects += "1" + std::string(100'000, '}');
  for (const auto& [method, target] :
       std::vector<std::pair<std::string, std::string>>{{"POST", "/api/v1/sessions"},
                                                        {"PUT", "/api/v1/sessions/web"},
                                                        {"PATCH", "/api/v1/sessions/web"}}) {
    auto r = call(method, target, arrays);
    EXPECT_EQ(r.status, 400) << method;
    EXPECT_EQ(body(r)["error"], "JSON nested deeper than 64 levels at byte 65") << r.body;
    r = call(method, target, R"({"name": "web", "destination": )" + objects + "}");
    EXPECT_EQ(r.status, 400) << method;
    EXPECT_EQ(body(r)["error"], "JSON nested deeper than 64 levels at byte 347") << r.body;
  }
  // A patch within the limit still works.
  EXPECT_EQ(call("PATCH", "/api/v1/sessions/web", R"({"enabled": false})").status, 200);
}

}  // namespace
}  // namespace ovse::manager::daemon
