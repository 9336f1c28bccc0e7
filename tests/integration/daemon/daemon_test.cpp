// `mirrorctl serve` against a real OVS: REST changes reach OVSDB and mirror traffic, metrics count
// it, every error status, the token off loopback, `session --server`, SIGTERM and SIGHUP.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "daemon/prometheus_text.h"
#include "harness/capture.h"
#include "harness/sandbox.h"
#include "integration/daemon/daemon_process.h"

namespace ovse::test {
namespace {

using nlohmann::json;

constexpr char kSession[] =
    R"({"name":"mon","type":"local","sources":[{"iface_id":"vm-a","direction":"ingress"}],)"
    R"("destination":{"port":"analyzer"}})";

class DaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    OVSE_REQUIRE_SANDBOX();
    sandbox_ = std::make_unique<Sandbox>();
    sandbox_->addVm("vm1", "10.0.0.1/24", "02:00:00:00:00:01", "vm-a", "uuid-vm1");
    sandbox_->addVm("vm2", "10.0.0.2/24", "02:00:00:00:00:02", "vm-b");
    sandbox_->addVm("analyzer", "10.0.0.9/24", "02:00:00:00:00:09", "analyzer");
    // OVS refreshes Mirror.statistics every 5 s by default; once a second keeps the test short.
    sandbox_->vsctl({"set", "Open_vSwitch", ".", "other_config:stats-update-interval=1000"});
  }

  std::unique_ptr<DaemonProcess> start(std::vector<std::string> extra = {}) {
    return std::make_unique<DaemonProcess>(sandbox_->dbRemote(), store(),
                                           tmp_.path() / ("serve" + std::to_string(++n_) + ".log"),
                                           std::move(extra));
  }

  std::filesystem::path store() const { return tmp_.path() / "sessions.json"; }

  std::string mirrorColumn(const std::string& name, const std::string& column) {
    return sandbox_->vsctl({"--if-exists", "get", "Mirror", name, column}).out;
  }

  CommandResult ctl(std::vector<std::string> args) {
    args.insert(args.begin(), OVSE_MIRRORCTL);
    return run(args);
  }

  TempDir tmp_;
  std::unique_ptr<Sandbox> sandbox_;
  int n_ = 0;
};

TEST_F(DaemonTest, RestCreateProgramsOvsAndMetricsCountMirroredTraffic) {
  auto d = start();
  auto created = d->http("POST", "/api/v1/sessions", kSession);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(json::parse(created.body)["status"]["state"], "active");
  EXPECT_NE(mirrorColumn("mon", "select_src_port"), "[]\n");
  EXPECT_NE(mirrorColumn("mon", "output_port"), "");

  auto ping = sandbox_->exec("vm1", {"ping", "-c", "5", "-i", "0.1", "-W", "2", "10.0.0.2"});
  ASSERT_EQ(ping.exit_code, 0) << ping.out << ping.err;
  double packets = 0;
  PromParse metrics;
  for (int i = 0; i < 40 && packets <= 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    metrics = parsePrometheusText(d->http("GET", "/metrics").body);
    ASSERT_EQ(metrics.error, "");
    packets = metrics.value("ovs_erspan_session_mirrored_packets_total", {{"session", "mon"}});
  }
  EXPECT_GE(packets, 5) << "vm1 sent 5 pings (plus ARP)";
  EXPECT_GT(metrics.value("ovs_erspan_session_mirrored_bytes_total", {{"session", "mon"}}), 0);
  EXPECT_EQ(metrics.value("ovs_erspan_session_state", {{"session", "mon"}, {"state", "active"}}),
            1);
  EXPECT_EQ(metrics.value("ovs_erspan_ovsdb_connection_state", {{"state", "connected"}}), 1);
  auto stats = json::parse(d->http("GET", "/api/v1/sessions/mon/stats").body);
  EXPECT_GE(stats["mirrored"]["packets"].get<int>(), 5);

  auto ports = json::parse(d->http("GET", "/api/v1/ports").body);
  bool found = false;
  for (const auto& p : ports["ports"]) {
    found |= p["name"] == "vm1" && p["interfaces"][0]["vm_uuid"] == "uuid-vm1" &&
             p["interfaces"][0]["attached_mac"] == "02:00:00:00:00:01";
  }
  EXPECT_TRUE(found) << ports.dump();
}

TEST_F(DaemonTest, DisableDeleteAndPatchReachOvsAtOnce) {
  auto d = start();
  ASSERT_EQ(d->http("POST", "/api/v1/sessions", kSession).status, 201);
  auto patched = d->http("PATCH", "/api/v1/sessions/mon", R"({"mirrored_packet_length": 100})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(mirrorColumn("mon", "snaplen"), "100\n");
  EXPECT_EQ(d->http("POST", "/api/v1/sessions/mon/disable").status, 200);
  EXPECT_EQ(mirrorColumn("mon", "name"), "");
  EXPECT_EQ(d->http("POST", "/api/v1/sessions/mon/enable").status, 200);
  EXPECT_EQ(mirrorColumn("mon", "name"), "mon\n");
  EXPECT_EQ(d->http("DELETE", "/api/v1/sessions/mon").status, 200);
  EXPECT_EQ(mirrorColumn("mon", "name"), "");
  EXPECT_EQ(json::parse(d->http("GET", "/api/v1/sessions").body)["sessions"].size(), 0u);
}

// curl sends `Expect: 100-continue` with bodies over 1 KiB and waits up to a second for the
// server's go-ahead: the daemon gives it at once, or refuses an oversized body before it is sent.
TEST_F(DaemonTest, ExpectContinueIsAnsweredAtOnce) {
  auto d = start({"--body-limit", "4096"});
  auto post = [&](const std::string& body) {
    TempDir tmp;
    std::ofstream(tmp.path() / "in") << body;
    auto started = std::chrono::steady_clock::now();
    auto r = run({"curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10", "-H",
                  "Content-Type: application/json", "-H", "Expect: 100-continue",
                  "--expect100-timeout", "5", "--data-binary", "@" + (tmp.path() / "in").string(),
                  "-H", "Authorization: Bearer " + d->token(), d->url() + "/api/v1/sessions"});
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return std::pair{r.out, seconds};
  };
  std::string session(kSession);
  session.insert(session.size() - 1, R"(,"description":")" + std::string(2000, 'd') + R"(")");
  auto [created, created_s] = post(session);
  EXPECT_EQ(created, "201");
  EXPECT_LT(created_s, 2.0) << "curl waited for 100 Continue";
  auto [refused, refused_s] = post(R"({"description":")" + std::string(8000, 'x') + R"("})");
  EXPECT_EQ(refused, "413");
  EXPECT_LT(refused_s, 2.0);
}

TEST_F(DaemonTest, ErrorStatusesCarryMessageAndPath) {
  auto d = start({"--body-limit", "1024"});
  auto bad = d->http("POST", "/api/v1/sessions", "{\"name\":");
  EXPECT_EQ(bad.status, 400);
  auto unknown = d->http("POST", "/api/v1/sessions",
                         R"({"name":"x","type":"local","destination":{"port":"a","colour":1}})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(json::parse(unknown.body)["path"], "destination.colour");
  auto invalid = d->http("POST", "/api/v1/sessions",
                         R"({"name":"x","type":"erspan","sources":[{"iface_id":"vm-a"}],)"
                         R"("destination":{"remote_ip":"10.0.0.9","session_id":1500}})");
  EXPECT_EQ(invalid.status, 400);
  EXPECT_EQ(json::parse(invalid.body)["path"], "destination.session_id");
  EXPECT_EQ(json::parse(invalid.body)["error"], "destination.session_id: 1500 is above 1023");
  EXPECT_EQ(d->http("GET", "/api/v1/sessions/nope").status, 404);
  EXPECT_EQ(d->http("GET", "/api/v1/nope").status, 404);
  ASSERT_EQ(d->http("POST", "/api/v1/sessions", kSession).status, 201);
  auto dup = d->http("POST", "/api/v1/sessions", kSession);
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(json::parse(dup.body)["path"], "name");
  std::string big = R"({"name":"big","description":")" + std::string(2000, 'x') + R"("})";
  auto too_big = d->http("POST", "/api/v1/sessions", big);
  EXPECT_EQ(too_big.status, 413) << too_big.body;
  EXPECT_NE(too_big.body.find("larger than 1024 bytes"), std::string::npos);
  EXPECT_EQ(d->http("DELETE", "/api/v1/sessions").status, 405);
  // The daemon still serves after all of that.
  EXPECT_EQ(d->http("GET", "/api/v1/health").status, 200);
}

TEST_F(DaemonTest, TcpNeedsAPrivateTokenLoopbackIncludedAndRequestsWithoutItGet401) {
  for (const char* address : {"0.0.0.0:0", "127.0.0.1:0"}) {
    auto refused = run({OVSE_MIRRORCTL, "serve", "--db", sandbox_->dbRemote(), "--store",
                        store().string(), "--listen", address});
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_NE(refused.err.find("needs --token-file"), std::string::npos) << refused.err;
  }
  const auto token = tmp_.path() / "token";
  std::ofstream(token) << "t0ken-123\n";
  std::filesystem::permissions(token, std::filesystem::perms(0644));
  auto readable =
      run({OVSE_MIRRORCTL, "serve", "--db", sandbox_->dbRemote(), "--store", store().string(),
           "--listen", "127.0.0.1:0", "--token-file", token.string()});
  EXPECT_EQ(readable.exit_code, 1);
  EXPECT_NE(readable.err.find("other users can access it (mode 0644)"), std::string::npos)
      << readable.err;
  std::filesystem::permissions(token, std::filesystem::perms(0600));

  auto d = start({"--listen", "0.0.0.0:0", "--token-file", token.string()});
  std::string local = "http://127.0.0.1:" + d->port();
  EXPECT_EQ(DaemonProcess::curl("GET", local + "/api/v1/sessions", "", {}).status, 401);
  EXPECT_EQ(
      DaemonProcess::curl("GET", local + "/metrics", "", {"-H", "Authorization: Bearer x"}).status,
      401);
  EXPECT_EQ(DaemonProcess::curl("GET", local + "/api/v1/sessions", "",
                                {"-H", "Authorization: Bearer t0ken-123"})
                .status,
            200);
  EXPECT_EQ(DaemonProcess::curl("GET", local + "/", "", {}).status, 200) << "the UI's files";
  auto cli = ctl({"session", "list", "--server", local, "--token-file", token.string()});
  EXPECT_EQ(cli.exit_code, 0) << cli.err;
  auto no_token = ctl({"session", "list", "--server", local});
  EXPECT_EQ(no_token.exit_code, 1);
  EXPECT_NE(no_token.err.find("bearer token"), std::string::npos) << no_token.err;
}

// One writer: a second daemon on the same store is refused; the CLI pointed at the store sends
// its change through the daemon that owns it (named in the store's lock file).
TEST_F(DaemonTest, TheStoreHasOneWriterAndTheCliGoesThroughIt) {
  auto d = start();
  auto second = run({OVSE_MIRRORCTL, "serve", "--db", sandbox_->dbRemote(), "--store",
                     store().string(), "--listen", "unix:" + (tmp_.path() / "b.sock").string()});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find("is in use by mirrorctl serve"), std::string::npos) << second.err;
  auto created =
      ctl({"session", "create", "vialock", "--type", "local", "--source", "iface_id=vm-a",
           "--dest-port", "analyzer", "--store", store().string(), "--db", sandbox_->dbRemote()});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_EQ(d->http("GET", "/api/v1/sessions/vialock").status, 200) << "the daemon made it";
  auto behind =
      ctl({"session", "delete", "vialock", "--store", store().string(), "--server", "none"});
  EXPECT_EQ(behind.exit_code, 1);
  EXPECT_NE(behind.err.find("in use by mirrorctl serve"), std::string::npos) << behind.err;
}

TEST_F(DaemonTest, CliSessionCommandsTalkToTheDaemonWithServer) {
  auto d = start();
  auto created = ctl({"session", "create", "viacli", "--type", "local", "--source", "iface_id=vm-a",
                      "--dest-port", "analyzer", "--server", d->server()});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_NE(created.out.find("state:        active"), std::string::npos) << created.out;
  EXPECT_EQ(mirrorColumn("viacli", "name"), "viacli\n");
  auto set = ctl({"session", "set", "viacli", "--mirrored-packet-length", "90", "--server",
                  d->server(), "--json"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_EQ(json::parse(set.out)["session"]["mirrored_packet_length"], 90);
  auto invalid = ctl({"session", "create", "bad", "--type", "erspan", "--source", "iface_id=vm-a",
                      "--remote-ip", "10.0.0.9", "--session-id", "1500", "--server", d->server()});
  EXPECT_EQ(invalid.exit_code, 1);
  EXPECT_NE(invalid.err.find("destination.session_id: 1500 is above 1023"), std::string::npos);
  auto list = ctl({"session", "list", "--server", d->server()});
  EXPECT_NE(list.out.find("viacli"), std::string::npos);
  EXPECT_EQ(ctl({"session", "delete", "viacli", "--server", d->server()}).exit_code, 0);
  EXPECT_EQ(mirrorColumn("viacli", "name"), "");
  EXPECT_EQ(ctl({"session", "show", "viacli", "--server", d->server()}).exit_code, 1);
}

TEST_F(DaemonTest, SigtermLeavesMirrorsAndSighupReloadsTheStore) {
  auto d = start();
  ASSERT_EQ(d->http("POST", "/api/v1/sessions", kSession).status, 201);
  // Another writer (the CLI without --server) adds a session; SIGHUP (or the poll) picks it up.
  auto local = ctl({"session", "create", "other", "--type", "local", "--source", "iface_id=vm-a",
                    "--dest-port", "vm2", "--no-apply", "--store", store().string()});
  ASSERT_EQ(local.exit_code, 0) << local.err;
  kill(d->process().pid(), SIGHUP);
  std::string name;
  for (int i = 0; i < 40 && name.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    name = mirrorColumn("other", "name");
  }
  EXPECT_EQ(name, "other\n") << d->logText();
  EXPECT_EQ(d->process().stop(SIGTERM), 0);
  EXPECT_NE(d->logText().find("OVS mirrors stay in place"), std::string::npos);
  EXPECT_EQ(mirrorColumn("mon", "name"), "mon\n");
  EXPECT_EQ(mirrorColumn("other", "name"), "other\n");
}

// An exporter-backed session: the daemon, run where ovs-vswitchd runs (beside the internal ports
// OVS mirrors to), runs the session's exporter pipeline; tshark on the collector sees ERSPAN III
// of both directions, and again after a vswitchd restart (the daemon restarts a pipeline whose
// ports were re-created; OVS 3.1's userspace datapath was seen to keep its taps instead).
TEST_F(DaemonTest, ExporterBackedSessionRunsItsPipelineAcrossAVswitchdRestart) {
  sandbox_->addCollector("col", "10.99.0.2/24", "10.99.0.1/24");
  auto d = std::make_unique<DaemonProcess>(sandbox_->dbRemote(), store(),
                                           tmp_.path() / "serve-exporter.log",
                                           std::vector<std::string>{}, sandbox_->netns("hv"));
  auto created =
      d->http("POST", "/api/v1/sessions",
              R"({"name":"x","type":"erspan","sources":[{"iface_id":"vm-a","direction":"both"}],)"
              R"("destination":{"remote_ip":"10.99.0.2","version":3,"session_id":55,"hwid":4,)"
              R"("backend":"exporter"}})");
  ASSERT_EQ(created.status, 201) << created.body;
  auto exporterRunning = [&] {
    for (int i = 0; i < 50; ++i) {
      auto stats = json::parse(d->http("GET", "/api/v1/sessions/x/stats").body, nullptr, false);
      if (!stats.is_discarded() && stats.contains("exporter") && stats["exporter"]["running"]) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
  };
  auto mirroredPings = [&](int round) {
    PacketCapture cap(*sandbox_, "col", "eth0",
                      tmp_.path() / ("x" + std::to_string(round) + ".pcap"), "ip proto 47");
    auto ping = sandbox_->exec("vm1", {"ping", "-c", "5", "-i", "0.1", "-W", "2", "10.0.0.2"});
    EXPECT_EQ(ping.exit_code, 0) << ping.out << ping.err;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    int requests = 0, replies = 0;
    for (const auto& row : cap.fields(
             {"erspan.version", "erspan.spanid", "erspan.hw", "erspan.direction", "icmp.type"},
             "icmp")) {
      EXPECT_EQ(row[0], "2");
      EXPECT_EQ(row[1], "55");
      EXPECT_EQ(row[2], "4");
      requests += row[3] == "0" && row[4] == "8";  // ingress: what vm1 sends
      replies += row[3] == "1" && row[4] == "0";   // egress: what vm1 receives
    }
    EXPECT_GE(requests, 5) << "round " << round;
    EXPECT_GE(replies, 5) << "round " << round;
  };
  ASSERT_TRUE(exporterRunning()) << d->logText();
  mirroredPings(1);
  auto metrics = parsePrometheusText(d->http("GET", "/metrics").body);
  ASSERT_EQ(metrics.error, "");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // a progress tick
  metrics = parsePrometheusText(d->http("GET", "/metrics").body);
  EXPECT_GE(metrics.value("ovs_erspan_exporter_frames_total",
                          {{"session", "x"}, {"outcome", "exported"}}),
            10);
  EXPECT_EQ(metrics.value("ovs_erspan_exporter_running", {{"session", "x"}}), 1);

  sandbox_->restartVswitchd();
  std::this_thread::sleep_for(std::chrono::seconds(3));  // vswitchd reconfigures; the 2 s check
  ASSERT_TRUE(exporterRunning()) << d->logText();
  mirroredPings(2);
}

}  // namespace
}  // namespace ovse::test
