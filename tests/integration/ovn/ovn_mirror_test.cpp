// The OVN backend against a private OVN 23.03 (tests/harness/ovn-sandbox): OvnNbClient writes NB
// Mirror rows and Logical_Switch_Port.mirror_rules; ovn-northd and ovn-controller realize them
// as OVS ERSPAN ports; tcpdump + tshark at the collector show what a collector really receives.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "harness/capture.h"
#include "harness/process.h"
#include "harness/sandbox.h"
#include "ovs_plugin/ovn_nb_client.h"

namespace ovse::test {
namespace {

using namespace std::chrono_literals;

constexpr char kOwnerKey[] = "ovs-erspan-session";

class OvnMirrorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    OVSE_REQUIRE_SANDBOX();
    if (!haveProgram("ovn-northd")) GTEST_SKIP() << "OVN is not installed (packaging/setup.sh)";
    auto r = run({script(), "start", dir().string()});
    started_ = true;
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto nb = ovs::OvnNbClient::connect("unix:" + (dir() / "ovnnb_db.sock").string(), 5s);
    ASSERT_TRUE(nb.has_value()) << nb.error();
    nb_ = std::move(*nb);
  }
  void TearDown() override {
    nb_.reset();
    if (started_) run({script(), "stop", dir().string()});
  }

  static std::string script() { return sourcePath("tests/harness/ovn-sandbox").string(); }
  std::filesystem::path dir() const { return tmp_.path() / "ovn"; }
  std::string ns(const std::string& host) { return run({script(), "ns", dir(), host}).out; }
  CommandResult nbctl(std::vector<std::string> args) {
    args.insert(args.begin(), {"ovn-nbctl", "--db=unix:" + (dir() / "ovnnb_db.sock").string()});
    return run(args);
  }
  // `mirrorctl ARGS --store <the test's session store>`.
  CommandResult ctl(std::vector<std::string> args) {
    args.insert(args.begin(), OVSE_MIRRORCTL);
    args.insert(args.end(), {"--store", (tmp_.path() / "sessions.json").string()});
    return run(args);
  }
  // Waits until every chassis has caught up with the NB database.
  void syncHv() { ASSERT_EQ(nbctl({"--wait=hv", "--timeout=20", "sync"}).exit_code, 0); }

  // vm1 pings vm2 while tcpdump listens at the collector; tshark's fields per mirrored ICMP
  // packet, comma-separated.
  std::vector<std::string> mirroredPings() {
    std::string col = ns("col");
    col.pop_back();
    std::string vm1 = ns("vm1");
    vm1.pop_back();
    PacketCapture capture(col, "eth0", tmp_.path() / "col.pcap", "ip proto 47");
    auto r =
        run({"ip", "netns", "exec", vm1, "ping", "-c", "3", "-i", "0.2", "-W", "2", "10.98.0.2"});
    EXPECT_EQ(r.exit_code, 0) << r.out;
    std::this_thread::sleep_for(500ms);
    std::vector<std::string> rows;
    for (const auto& fields : capture.fields(
             {"gre.key", "erspan.version", "erspan.spanid", "erspan.index", "icmp.type"}, "icmp")) {
      std::string row;
      for (std::size_t k = 0; k < fields.size(); ++k) row += (k == 0 ? "" : ",") + fields[k];
      rows.push_back(row);
    }
    return rows;
  }

  TempDir tmp_;
  bool started_ = false;
  std::unique_ptr<ovs::OvnNbClient> nb_;
};

// Both directions of vm1's traffic, as OVN realizes them (two OVS Mirror rows, two ERSPAN v1
// ports on br-int): every echo request and every reply arrives at the collector, the first one
// (an upcall) and the rest (the installed datapath flow, whose actions carry the mirror's
// clone(tnl_push(...))) alike.
TEST_F(OvnMirrorTest, BothDirectionsAreTwoRowsAndArriveAsErspanV1) {
  std::vector<ovs::OvnMirrorSpec> mirrors{
      {"web:from-lport", "from-lport", "172.31.99.2", "erspan", 10, {"vm1"}, "web"},
      {"web:to-lport", "to-lport", "172.31.99.2", "erspan", 11, {"vm1"}, "web"}};
  auto missing = nb_->syncMirrors(kOwnerKey, mirrors);
  ASSERT_TRUE(missing.has_value()) << missing.error();
  EXPECT_TRUE(missing->empty());
  syncHv();
  // ovn-controller has created the OVS Mirror rows and tunnel ports once both exist; then, as the
  // manager does for OVS itself, purge the datapath flows (no flow of vm1's may predate them).
  std::string vsctl = "ovs-vsctl --db=unix:" + (dir() / "db.sock").string();
  auto waited = runShell("for i in $(seq 100); do [ \"$(" + vsctl +
                         " --bare --columns=_uuid list mirror | grep -c .)\" = 2 ] && exit 0;"
                         " sleep 0.1; done; exit 1");
  ASSERT_EQ(waited.exit_code, 0) << "ovn-controller created no OVS mirrors";
  std::this_thread::sleep_for(500ms);
  run({"ovs-appctl", "-t", (dir() / "ovs-vswitchd.ctl").string(), "dpctl/del-flows"});
  auto rows = mirroredPings();
  int out = 0, in = 0;
  for (const auto& row : rows) {
    // from-lport: vm1's echo requests (type 8); to-lport: the replies it receives (type 0).
    // ovn-controller writes erspan_idx as the decimal index; OVS parses it as hex.
    out += row == ",1,10,16,8";
    in += row == ",1,11,17,0";
  }
  std::cout << "[ MEASURED ] OVN mirror, 3 pings: " << out << " requests, " << in
            << " replies mirrored\n";
  EXPECT_EQ(out, 3) << ::testing::PrintToString(rows);
  EXPECT_EQ(in, 3) << ::testing::PrintToString(rows);
  EXPECT_EQ(static_cast<std::size_t>(out + in), rows.size()) << ::testing::PrintToString(rows);
}

TEST_F(OvnMirrorTest, SyncRemovesOwnedRowsOnlyAndReportsMissingPorts) {
  ASSERT_EQ(nbctl({"mirror-add", "theirs", "gre", "7", "to-lport", "172.31.99.2"}).exit_code, 0);
  std::vector<ovs::OvnMirrorSpec> mirrors{
      {"m:from-lport", "from-lport", "172.31.99.2", "gre", 3, {"vm1", "nope"}, "m"}};
  auto missing = nb_->syncMirrors(kOwnerKey, mirrors);
  ASSERT_TRUE(missing.has_value()) << missing.error();
  EXPECT_EQ(*missing, std::vector<std::string>{"nope"});
  EXPECT_NE(nbctl({"get", "logical_switch_port", "vm1", "mirror_rules"}).out, "[]\n");
  ASSERT_TRUE(nb_->syncMirrors(kOwnerKey, {}).has_value());
  EXPECT_EQ(nbctl({"get", "logical_switch_port", "vm1", "mirror_rules"}).out, "[]\n");
  auto names = nbctl({"--bare", "--columns=name", "list", "mirror"}).out;
  EXPECT_EQ(names, "theirs\n");
}

// `mirrorctl ovn sync`: the store's sessions become NB rows (both directions: two rows, the
// to-lport one at session ID + 512), a session OVN cannot express is reported with why, and
// deleting a session from the store removes its rows.
TEST_F(OvnMirrorTest, OvnSyncWritesTheStoresSessionsAsNbRows) {
  ASSERT_EQ(ctl({"session", "create", "web", "--type", "erspan", "--source", "iface_id=vm1",
                 "--remote-ip", "172.31.99.2", "--session-id", "10", "--no-apply"})
                .exit_code,
            0);
  ASSERT_EQ(ctl({"session", "create", "three", "--type", "erspan", "--source", "port=vm1",
                 "--remote-ip", "172.31.99.2", "--session-id", "20", "--version", "3",
                 "--no-apply"})
                .exit_code,
            0);
  const std::string nb = "unix:" + (dir() / "ovnnb_db.sock").string();
  auto r = ctl({"ovn", "sync", "--nb", nb, "--json"});
  EXPECT_EQ(r.exit_code, 1) << "session three has no OVN form: " << r.out << r.err;
  auto out = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(out.is_discarded()) << r.out;
  EXPECT_EQ(out["rows"], 2);
  EXPECT_EQ(out["sessions"][0]["state"], "active");
  EXPECT_EQ(out["sessions"][1]["state"], "error");
  EXPECT_NE(out["sessions"][1]["problems"][0].get<std::string>().find("Type II only"),
            std::string::npos);
  auto rows = nbctl({"--bare", "--columns=name,filter,index,sink,type", "--format=csv",
                     "--no-headings", "list", "mirror"});
  EXPECT_NE(rows.out.find("web:from-lport,from-lport,10,172.31.99.2,erspan"), std::string::npos)
      << rows.out;
  EXPECT_NE(rows.out.find("web:to-lport,to-lport,522,172.31.99.2,erspan"), std::string::npos)
      << rows.out;
  EXPECT_NE(nbctl({"get", "logical_switch_port", "vm1", "mirror_rules"}).out, "[]\n");

  ASSERT_EQ(ctl({"session", "delete", "web", "--no-apply"}).exit_code, 0);
  ASSERT_EQ(ctl({"session", "delete", "three", "--no-apply"}).exit_code, 0);
  r = ctl({"ovn", "sync", "--nb", nb});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(nbctl({"--bare", "--columns=name", "list", "mirror"}).out, "");
  EXPECT_EQ(nbctl({"get", "logical_switch_port", "vm1", "mirror_rules"}).out, "[]\n");
}

// Several collectors: OVN's Mirror has one sink, so `ovn sync` writes a row per collector and
// direction, each attached to the port.
TEST_F(OvnMirrorTest, OvnSyncWritesARowPerCollector) {
  ASSERT_EQ(ctl({"session", "create", "web", "--type", "erspan", "--source", "iface_id=vm1",
                 "--remote-ip", "172.31.99.2", "--remote-ip", "172.31.99.3", "--session-id",
                 "10", "--no-apply"})
                .exit_code,
            0);
  auto r = ctl({"ovn", "sync", "--nb", "unix:" + (dir() / "ovnnb_db.sock").string(), "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto rows = nbctl({"--bare", "--columns=name,filter,index,sink", "--format=csv",
                     "--no-headings", "list", "mirror"});
  for (const char* row : {"web:from-lport@172.31.99.2,from-lport,10,172.31.99.2",
                          "web:from-lport@172.31.99.3,from-lport,10,172.31.99.3",
                          "web:to-lport@172.31.99.2,to-lport,522,172.31.99.2",
                          "web:to-lport@172.31.99.3,to-lport,522,172.31.99.3"}) {
    EXPECT_NE(rows.out.find(row), std::string::npos) << row << "\n" << rows.out;
  }
  auto rules = nbctl({"--bare", "get", "logical_switch_port", "vm1", "mirror_rules"});
  EXPECT_EQ(std::count(rules.out.begin(), rules.out.end(), ',') + 1, 4) << rules.out;
}

}  // namespace
}  // namespace ovse::test
