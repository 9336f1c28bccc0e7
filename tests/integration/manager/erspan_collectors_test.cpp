// Several collectors on one erspan session against a real OVS: each collector (a namespace
// behind the underlay bridge, captured with tcpdump and read by tshark) receives every mirrored
// ICMP frame of vm1, for the native backend (a tunnel port and Mirror per collector and
// direction) and the exporter backend (one `mirrorctl serve` exporter sending to both); taking a
// collector out of the list removes its rows and leaves the other delivering.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "harness/capture.h"
#include "integration/daemon/daemon_process.h"
#include "integration/manager/manager_fixture.h"

namespace ovse::test {
namespace {

using nlohmann::json;

class ErspanCollectorsTest : public ManagerTest {
 protected:
  void SetUp() override {
    OVSE_REQUIRE_SANDBOX();
    if (!haveProgram("tshark")) GTEST_SKIP() << "needs tshark";
    ManagerTest::SetUp();
  }

  void addHosts() override {
    sandbox_->addVm("vm1", "10.0.0.1/24", "02:00:00:00:00:01", "vm-a");
    sandbox_->addVm("vm2", "10.0.0.2/24", "02:00:00:00:00:02", "vm-b");
    sandbox_->addCollector("col1", "10.99.0.2/24", "10.99.0.1/24");
    sandbox_->addCollector("col2", "10.99.0.3/24", "10.99.0.1/24");
  }

  // Pings vm2 from vm1 five times while both collectors capture ERSPAN; returns, per collector,
  // the mirrored ICMP frames as "type/seq/direction bit" rows, sorted.
  std::vector<std::vector<std::string>> mirroredPings(const std::string& name) {
    PacketCapture col1(*sandbox_, "col1", "eth0", tmp_.path() / (name + "-col1.pcap"),
                       "ip proto 47");
    PacketCapture col2(*sandbox_, "col2", "eth0", tmp_.path() / (name + "-col2.pcap"),
                       "ip proto 47");
    auto ping = sandbox_->exec("vm1", {"ping", "-c", "5", "-i", "0.1", "-W", "2", "10.0.0.2"});
    EXPECT_EQ(ping.exit_code, 0) << ping.out << ping.err;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    std::vector<std::vector<std::string>> out;
    for (PacketCapture* col : {&col1, &col2}) {
      col->stop();
      std::vector<std::string> frames;
      for (const auto& row : col->fields({"erspan.spanid", "icmp.type", "icmp.seq"}, "icmp")) {
        frames.push_back(row[0] + "/" + row[1] + "/" + row[2]);
      }
      std::sort(frames.begin(), frames.end());
      out.push_back(std::move(frames));
    }
    return out;
  }

  std::vector<std::string> ovsColumn(const std::string& table, const std::string& column) {
    auto r = sandbox_->vsctl({"--bare", "--columns=" + column, "find", table,
                              "external_ids:ovs-erspan-session=two"});
    std::vector<std::string> values;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) values.push_back(line);
    }
    std::sort(values.begin(), values.end());
    return values;
  }
};

// 5 requests vm1 sends (ingress) and 5 replies it receives (egress), session ID 5.
std::vector<std::string> tenFrames() {
  std::vector<std::string> frames;
  for (int seq = 1; seq <= 5; ++seq) {
    frames.push_back("5/0/" + std::to_string(seq));
    frames.push_back("5/8/" + std::to_string(seq));
  }
  std::sort(frames.begin(), frames.end());
  return frames;
}

TEST_F(ErspanCollectorsTest, NativeEachCollectorGetsEveryCopyAndOneCanBeTakenOut) {
  auto r = ctl({"session", "create", "two", "--type", "erspan", "--source", "iface_id=vm-a",
                "--remote-ip", "10.99.0.2", "--remote-ip", "10.99.0.3", "--version", "2",
                "--session-id", "5"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(ovsColumn("Mirror", "name"),
            (std::vector<std::string>{"two:egress@10.99.0.2", "two:egress@10.99.0.3",
                                      "two:ingress@10.99.0.2", "two:ingress@10.99.0.3"}));
  auto show = json::parse(ctl({"session", "show", "two", "--json"}).out, nullptr, false);
  ASSERT_FALSE(show.is_discarded());
  EXPECT_EQ(show["session"]["destination"]["remote_ips"], json::parse(R"(["10.99.0.2", "10.99.0.3"])"));
  EXPECT_EQ(show["status"]["state"], "active") << show.dump(1);
  auto list = ctl({"session", "list"});
  EXPECT_NE(list.out.find("erspan II 10.99.0.2, 10.99.0.3 id 5 (native)"), std::string::npos)
      << list.out;
  const auto both = mirroredPings("both");
  EXPECT_EQ(both[0], tenFrames()) << "collector 10.99.0.2";
  EXPECT_EQ(both[1], tenFrames()) << "collector 10.99.0.3";

  r = ctl({"session", "set", "two", "--remote-ip", "10.99.0.2"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(ovsColumn("Mirror", "name"), (std::vector<std::string>{"two:egress", "two:ingress"}));
  for (const auto& options : ovsColumn("Interface", "options")) {
    EXPECT_NE(options.find("remote_ip=10.99.0.2"), std::string::npos) << options;
  }
  const auto one = mirroredPings("one");
  EXPECT_EQ(one[0], tenFrames()) << "collector 10.99.0.2";
  EXPECT_TRUE(one[1].empty()) << "10.99.0.3 is no longer a collector";
}

TEST_F(ErspanCollectorsTest, ExporterBackedSendsEveryCopyToEachCollector) {
  // The daemon runs where ovs-vswitchd runs, beside the internal ports OVS mirrors to.
  DaemonProcess d(sandbox_->dbRemote(), store(), tmp_.path() / "serve.log", {},
                  sandbox_->netns("hv"));
  auto created =
      d.http("POST", "/api/v1/sessions",
             R"({"name":"two","type":"erspan","sources":[{"iface_id":"vm-a"}],)"
             R"("destination":{"remote_ips":["10.99.0.2","10.99.0.3"],"version":2,)"
             R"("session_id":5,"backend":"exporter"}})");
  ASSERT_EQ(created.status, 201) << created.body;
  bool running = false;
  for (int i = 0; i < 50 && !running; ++i) {
    auto stats = json::parse(d.http("GET", "/api/v1/sessions/two/stats").body, nullptr, false);
    running = !stats.is_discarded() && stats.contains("exporter") && stats["exporter"]["running"];
    if (!running) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_TRUE(running) << d.logText();
  EXPECT_NE(d.logText().find("-> 10.99.0.2, 10.99.0.3)"), std::string::npos) << d.logText();
  const auto both = mirroredPings("exporter");
  EXPECT_EQ(both[0], tenFrames()) << "collector 10.99.0.2";
  EXPECT_EQ(both[1], tenFrames()) << "collector 10.99.0.3";
}

// Before Finish, OVS has no tunnel port to report a route for: the dry run foretells it from the
// host's routing table (the hypervisor's namespace routes 10.99.0.0/24 only), per collector.
TEST_F(ErspanCollectorsTest, TheDryRunWarnsOfACollectorWithoutARoute) {
  DaemonProcess d(sandbox_->dbRemote(), store(), tmp_.path() / "serve.log", {},
                  sandbox_->netns("hv"));
  auto dry = d.http("POST", "/api/v1/sessions?dry_run=1",
                    R"({"name":"two","type":"erspan","sources":[{"iface_id":"vm-a"}],)"
                    R"("destination":{"remote_ips":["10.99.0.2","198.51.100.9"]}})");
  ASSERT_EQ(dry.status, 200) << dry.body;
  const json warnings = json::parse(dry.body)["status"]["warnings"];
  ASSERT_EQ(warnings.size(), 1u) << dry.body;
  EXPECT_EQ(warnings[0].get<std::string>().rfind(
                "no route to the collector 198.51.100.9 in this host's routing table", 0),
            0u)
      << warnings[0];
  EXPECT_EQ(ovsColumn("Mirror", "name"), std::vector<std::string>{}) << "nothing applied";
}

}  // namespace
}  // namespace ovse::test
