// `mirrorctl session` and `mirrorctl serve` against a real OVS: what the analyzer (or collector)
// receives is checked with tcpdump + tshark, independent of our own decoders.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "harness/capture.h"
#include "integration/manager/manager_fixture.h"

namespace ovse::test {
namespace {

constexpr char kVm1Mac[] = "02:00:00:00:00:01";

class SessionTest : public ManagerTest {
 protected:
  void addHosts() override {
    sandbox_->addVm("vm1", "10.0.0.1/24", kVm1Mac, "vm-a");
    sandbox_->addVm("vm2", "10.0.0.2/24", "02:00:00:00:00:02", "vm-b");
    sandbox_->addVm("analyzer", "10.0.0.9/24", "02:00:00:00:00:09", "analyzer");
  }

  void ping(const std::string& from, const std::string& to, int count = 3, int size = 56) {
    auto r = sandbox_->exec(from, {"ping", "-c", std::to_string(count), "-i", "0.1", "-s",
                                   std::to_string(size), "-W", "2", to});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }

  std::unique_ptr<PacketCapture> capture(const std::string& host, const std::string& filter = "") {
    return std::make_unique<PacketCapture>(
        *sandbox_, host, "eth0", tmp_.path() / (host + "-" + std::to_string(++n_) + ".pcap"),
        filter);
  }

  std::unique_ptr<Background> serve() {
    return std::make_unique<Background>(
        std::vector<std::string>{OVSE_MIRRORCTL, "serve", "--db", sandbox_->dbRemote(), "--store",
                                 store(), "--listen",
                                 "unix:" + (tmp_.path() / "api.sock").string()},
        sandbox_->dir() / "mirrorctl-serve.log");  // kept with the sandbox logs on failure
  }

  int n_ = 0;
};

// Counts rows whose first column (eth.src) is / is not vm1.
std::pair<int, int> fromAndToVm1(const std::vector<std::vector<std::string>>& rows) {
  int from = 0, to = 0;
  for (const auto& r : rows) {
    if (r[0] == kVm1Mac) ++from;
    if (r[1] == kVm1Mac) ++to;
  }
  return {from, to};
}

TEST_F(SessionTest, IngressMirrorsOnlyWhatTheVmSends) {
  auto r = ctl({"session", "create", "in", "--type", "local", "--source",
                "iface_id=vm-a,direction=ingress", "--dest-port", "analyzer"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto cap = capture("analyzer");
  ping("vm1", "10.0.0.2");
  auto rows = cap->fields({"eth.src", "eth.dst"});
  auto [from, to] = fromAndToVm1(rows);
  EXPECT_GE(from, 3);
  EXPECT_EQ(from, static_cast<int>(rows.size())) << "only frames sent by vm1";
}

TEST_F(SessionTest, EgressMirrorsOnlyWhatTheVmReceives) {
  auto r = ctl({"session", "create", "out", "--type", "local", "--source",
                "iface_id=vm-a,direction=egress", "--dest-port", "analyzer"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto cap = capture("analyzer");
  ping("vm1", "10.0.0.2");
  auto rows = cap->fields({"eth.src", "eth.dst"});
  auto [from, to] = fromAndToVm1(rows);
  EXPECT_EQ(from, 0);
  EXPECT_GE(to, 3);
}

TEST_F(SessionTest, BothDirectionsAndMirroredPacketLength) {
  auto r = ctl({"session", "create", "both", "--type", "local", "--source", "iface_id=vm-a",
                "--dest-port", "analyzer", "--mirrored-packet-length", "60"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto cap = capture("analyzer");
  ping("vm1", "10.0.0.2", 3, 400);
  auto rows = cap->fields({"eth.src", "eth.dst", "frame.len", "icmp.type"});
  auto [from, to] = fromAndToVm1(rows);
  EXPECT_GE(from, 3);
  EXPECT_GE(to, 3);
  int cut = 0;
  for (const auto& row : rows) {
    // Frames shorter than the limit (ARP) pass whole; the 442-byte pings are cut to 60.
    EXPECT_LE(std::stoi(row[2]), 60) << row[0] << " -> " << row[1];
    cut += !row[3].empty() && row[2] == "60";
  }
  EXPECT_GE(cut, 6);
}

TEST_F(SessionTest, RspanTagsMirroredFramesWithTheEncapsulationVlan) {
  // VMs on access VLAN 10, the analyzer's port is the uplink trunk carrying VLAN 999.
  ASSERT_EQ(sandbox_->vsctl({"set", "port", "vm1", "tag=10", "--", "set", "port", "vm2", "tag=10"})
                .exit_code,
            0);
  auto r = ctl({"session", "create", "r", "--type", "rspan", "--source", "iface_id=vm-a", "--vlan",
                "999", "--uplink", "analyzer"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto cap = capture("analyzer");
  ping("vm1", "10.0.0.2");
  // The uplink is an ordinary trunk: it also carries VLAN 10's normal floods (the ARP broadcast).
  // Every frame mirrored from or to vm1 arrives tagged 999.
  auto mirrored = cap->fields({"eth.src", "eth.dst", "vlan.id"}, "vlan.id == 999");
  auto [from, to] = fromAndToVm1(mirrored);
  EXPECT_GE(from, 4);  // ARP request + 3 echo requests
  EXPECT_GE(to, 4);    // ARP reply + 3 echo replies
  EXPECT_EQ(cap->fields({"eth.src"}, "icmp && !(vlan.id == 999)").size(), 0u)
      << "unicast pings reach the uplink only as mirror copies";
}

TEST_F(SessionTest, NativeErspanIIIReachesTheCollectorWithDirections) {
  sandbox_->addCollector("col", "10.99.0.2/24", "10.99.0.1/24");
  auto r = ctl({"session", "create", "e3", "--type", "erspan", "--source", "iface_id=vm-a",
                "--remote-ip", "10.99.0.2", "--version", "3", "--session-id", "77", "--hwid", "5"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto cap = capture("col", "ip proto 47");
  ping("vm1", "10.0.0.2");
  auto rows = cap->fields({"erspan.version", "erspan.spanid", "erspan.direction", "erspan.hw"});
  int ingress = 0, egress = 0;
  for (const auto& row : rows) {
    EXPECT_EQ(row[0], "2");
    EXPECT_EQ(row[1], "77");
    EXPECT_EQ(row[3], "5");
    (row[2] == "0" ? ingress : egress)++;
  }
  EXPECT_GE(ingress, 3);
  EXPECT_GE(egress, 3);
}

// OVS cuts the encapsulated packet to Mirror.snaplen; the session's length is the mirrored
// frame's. The collector, reading what arrived, writes 128-byte frames with their whole length.
TEST_F(SessionTest, NativeErspanMirroredPacketLengthIsTheInnerFrames) {
  sandbox_->addCollector("col", "10.99.0.2/24", "10.99.0.1/24");
  auto r = ctl({"session", "create", "cut", "--type", "erspan", "--source", "iface_id=vm-a",
                "--remote-ip", "10.99.0.2", "--version", "3", "--session-id", "78",
                "--mirrored-packet-length", "128"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto cap = capture("col", "ip proto 47");
  ping("vm1", "10.0.0.2", 3, 400);
  // Outer Ethernet 14 + IPv4 20 + GRE 8 + ERSPAN III 12 in front of 128 bytes of the frame.
  auto outer = cap->fields({"frame.cap_len"}, "icmp");
  ASSERT_GE(outer.size(), 6u);
  for (const auto& row : outer) EXPECT_EQ(row[0], "182");
  auto pcapng = (tmp_.path() / "inner.pcapng").string();
  auto collected =
      run({OVSE_MIRRORCTL, "collect", "--read", cap->file().string(), "--allow-any", "-w", pcapng});
  ASSERT_EQ(collected.exit_code, 0) << collected.err;
  auto inner = run({"tshark", "-r", pcapng, "-Y", "icmp", "-T", "fields", "-e", "frame.cap_len",
                    "-e", "frame.len"});
  std::string expected;
  for (std::size_t i = 0; i < outer.size(); ++i) expected += "128\t442\n";
  EXPECT_EQ(inner.out, expected);
}

// OVS's userspace datapath drops an encapsulated mirror copy that does not fit the underlay's
// MTU, silently: on br-ul's 1500 bytes an ERSPAN III copy of a 1514-byte frame never leaves.
// The session says so, with the limit, and a jumbo underlay makes it deliver everything.
TEST_F(SessionTest, NativeErspanFramesOverTheUnderlayMtuAreAWarningUntilItFits) {
  sandbox_->addCollector("col", "10.99.0.2/24", "10.99.0.1/24");
  auto r = ctl({"session", "create", "big", "--type", "erspan", "--source", "iface_id=vm-a",
                "--remote-ip", "10.99.0.2", "--version", "3", "--session-id", "79"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto warnings = [&] {
    auto show = ctl({"session", "show", "big", "--json"});
    EXPECT_EQ(show.exit_code, 0) << show.err;
    return nlohmann::json::parse(show.out)["status"].value("warnings", nlohmann::json::array());
  };
  auto waitFor = [&](bool want_warning) {
    // ovs-vswitchd refreshes Interface.status and mtu every few seconds.
    for (int i = 0; i < 100; ++i) {
      if (warnings().empty() != want_warning) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "warnings still " << warnings().dump();
  };
  waitFor(true);
  EXPECT_EQ(warnings()[0].get<std::string>().substr(0, 56),
            "mirrored frames over 1460 bytes are dropped by OVS: 40 b")
      << warnings().dump();

  auto small_and_big = [&](const std::string& filter) {
    auto cap = capture("col", "ip proto 47");
    ping("vm1", "10.0.0.2", 2, 56);
    ping("vm1", "10.0.0.2", 2, 1472);  // 1514-byte frames
    return cap->fields({"frame.len"}, filter).size();
  };
  EXPECT_EQ(small_and_big("icmp && frame.len < 200"), 4u);
  EXPECT_EQ(small_and_big("icmp && frame.len > 1500"), 0u) << "OVS delivered what it drops?";

  ASSERT_EQ(sandbox_->exec("col", {"ip", "link", "set", "eth0", "mtu", "9000"}).exit_code, 0);
  ASSERT_EQ(sandbox_
                ->vsctl({"set", "interface", "col", "mtu_request=9000", "--", "set", "interface",
                         "br-ul", "mtu_request=9000"})
                .exit_code,
            0);
  waitFor(false);
  EXPECT_EQ(small_and_big("icmp && frame.len > 1500"), 4u);
}

TEST_F(SessionTest, NativeErspanIIMarksEgressInTheIndex) {
  sandbox_->addCollector("col", "10.99.0.2/24", "10.99.0.1/24");
  auto r =
      ctl({"session", "create", "e2", "--type", "erspan", "--source", "iface_id=vm-a",
           "--remote-ip", "10.99.0.2", "--version", "2", "--session-id", "12", "--index", "51"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto cap = capture("col", "ip proto 47");
  ping("vm1", "10.0.0.2");
  auto rows = cap->fields({"erspan.version", "erspan.spanid", "erspan.index"});
  int ingress = 0, egress = 0;
  for (const auto& row : rows) {
    EXPECT_EQ(row[0], "1");
    EXPECT_EQ(row[1], "12");
    if (row[2] == "51") ++ingress;
    if (row[2] == std::to_string(51 | 0x80000)) ++egress;
  }
  EXPECT_GE(ingress, 3);
  EXPECT_GE(egress, 3);
  EXPECT_EQ(ingress + egress, static_cast<int>(rows.size()));
}

TEST_F(SessionTest, RecreatedPortIsMirroredAgainWithinASecond) {
  auto daemon = serve();
  auto r = ctl({"session", "create", "web", "--type", "local", "--source", "iface_id=vm-a",
                "--dest-port", "analyzer"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // vm2 knows vm1's MAC for good, so its pings flow as soon as the port is back (otherwise the
  // measurement would be vm2's ARP retry interval, 1 s).
  ASSERT_EQ(sandbox_
                ->exec("vm2", {"ip", "neigh", "replace", "10.0.0.1", "lladdr", kVm1Mac, "dev",
                               "eth0", "nud", "permanent"})
                .exit_code,
            0);
  // A VM reset: its port disappears and comes back (new OVSDB row, same identity).
  ASSERT_EQ(sandbox_->vsctl({"del-port", "br0", "vm1"}).exit_code, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  Background pinger(
      {"ip", "netns", "exec", sandbox_->netns("vm2"), "ping", "-i", "0.02", "-w", "4", "10.0.0.1"},
      tmp_.path() / "ping.log");
  auto cap = capture("analyzer");
  auto readded = std::chrono::system_clock::now();
  ASSERT_EQ(sandbox_
                ->vsctl({"add-port", "br0", "vm1", "--", "set", "interface", "vm1",
                         "external_ids:iface-id=vm-a",
                         std::string("external_ids:attached-mac=") + kVm1Mac})
                .exit_code,
            0);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  auto rows = cap->fields({"frame.time_epoch", "eth.dst"}, std::string("eth.dst == ") + kVm1Mac);
  ASSERT_FALSE(rows.empty()) << "no mirrored frame after the port came back";
  double t0 = std::chrono::duration<double>(readded.time_since_epoch()).count();
  double delay = std::stod(rows.front()[0]) - t0;
  std::cout << "[ MEASURED ] port re-created -> first mirrored frame: " << delay * 1000 << " ms\n";
  EXPECT_LT(delay, 1.0);
}

TEST_F(SessionTest, SessionSurvivesOvsRestartsAndHandDeletion) {
  auto daemon = serve();
  auto r = ctl({"session", "create", "web", "--type", "local", "--source", "iface_id=vm-a",
                "--dest-port", "analyzer"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // A user's own mirror, without our tag, must survive everything below. (Its output port gets
  // nothing but mirrored frames, so it is a spare VM.)
  sandbox_->addVm("spare", "10.0.0.8/24");
  ASSERT_EQ(sandbox_
                ->vsctl({"--", "--id=@p", "get", "port", "spare", "--", "--id=@m", "create",
                         "mirror", "name=mine", "select-all=true", "output-port=@p", "--", "add",
                         "bridge", "br0", "mirrors", "@m"})
                .exit_code,
            0);
  auto mirrorNames = [&] {
    return sandbox_->vsctl({"--bare", "--columns=name", "list", "mirror"}).out;
  };
  auto waitForMirror = [&](const std::string& name) {
    for (int i = 0; i < 50; ++i) {
      if (mirrorNames().find(name) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  };
  sandbox_->restartOvsdb();
  sandbox_->restartVswitchd();
  // Someone deletes our mirror by hand: serve puts it back.
  auto uuid = sandbox_->vsctl({"--bare", "--columns=_uuid", "find", "mirror", "name=web"}).out;
  uuid.erase(uuid.find_last_not_of(" \n") + 1);
  auto removed = sandbox_->vsctl({"remove", "bridge", "br0", "mirrors", uuid});
  ASSERT_EQ(removed.exit_code, 0) << "uuid '" << uuid << "': " << removed.err
                                  << sandbox_->vsctl({"list", "mirror"}).out;
  EXPECT_TRUE(waitForMirror("web")) << mirrorNames();
  EXPECT_NE(mirrorNames().find("mine"), std::string::npos);
  auto cap = capture("analyzer");
  ping("vm1", "10.0.0.2");
  auto rows = cap->fields({"eth.src", "eth.dst"});
  EXPECT_GE(fromAndToVm1(rows).first, 3) << "mirroring works after the restarts";
  daemon->stop();
  ctl({"session", "delete", "web"});
  EXPECT_NE(mirrorNames().find("mine"), std::string::npos);
  EXPECT_EQ(mirrorNames().find("web"), std::string::npos);
}

// The loop guard, with the kernel's own route: the underlay bridge br-ul carries the host's
// address toward the collector, so mirroring its uplink would mirror the session's own ERSPAN.
TEST_F(SessionTest, SessionThatWouldMirrorItsOwnErspanIsRefused) {
  sandbox_->addCollector("col", "10.99.0.2/24", "10.99.0.1/24");
  auto inHv = [&](std::vector<std::string> args) {  // where ovs-vswitchd routes its tunnels
    args.insert(args.begin(), OVSE_MIRRORCTL);
    args.insert(args.end(), {"--db", sandbox_->dbRemote(), "--store", store()});
    return sandbox_->exec("hv", args);
  };
  auto loop = inHv({"session", "create", "loop", "--type", "erspan", "--source", "port=col",
                    "--remote-ip", "10.99.0.2", "--session-id", "5"});
  EXPECT_EQ(loop.exit_code, 1) << loop.out << loop.err;
  EXPECT_NE(loop.err.find("10.99.0.2 is reached through br-ul, a port of bridge br-ul, and this "
                          "session mirrors col"),
            std::string::npos)
      << loop.err;
  EXPECT_EQ(sandbox_->vsctl({"--bare", "--columns=name", "list", "mirror"}).out, "");
  // A refused create leaves nothing behind: a retry is not told the session exists.
  EXPECT_NE(loop.err.find("refused and not kept"), std::string::npos) << loop.err;
  auto vm = inHv({"session", "create", "vm", "--type", "erspan", "--source", "iface_id=vm-a",
                  "--remote-ip", "10.99.0.2", "--session-id", "6"});
  EXPECT_EQ(vm.exit_code, 0) << vm.out << vm.err;
  auto list = inHv({"session", "list"});
  EXPECT_EQ(list.out.find("loop"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("vm"), std::string::npos) << list.out;
}

// One JSON shape for a session everywhere: what `show --json` prints, `create --from-json`
// takes back; `list --json` has the daemon's keys (session, status, mirrored).
TEST_F(SessionTest, ShowJsonRoundTripsThroughFromJsonAndListHasTheDaemonsShape) {
  ASSERT_EQ(ctl({"session", "create", "web", "--type", "local", "--source",
                 "iface_id=vm-a,direction=both", "--dest-port", "analyzer",
                 "--mirrored-packet-length", "96", "--description", "round trip"})
                .exit_code,
            0);
  auto shown = ctl({"session", "show", "web", "--json"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  const auto before = nlohmann::json::parse(shown.out);
  EXPECT_EQ(before["status"]["state"], "active");
  const auto file = tmp_.path() / "web.json";
  std::ofstream(file) << shown.out;
  ASSERT_EQ(ctl({"session", "delete", "web"}).exit_code, 0);
  auto again = ctl({"session", "create", "--from-json", file.string()});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  auto after = nlohmann::json::parse(ctl({"session", "show", "web", "--json"}).out);
  EXPECT_EQ(after["session"], before["session"]);
  auto list = nlohmann::json::parse(ctl({"session", "list", "--json"}).out);
  ASSERT_EQ(list.size(), 1u);
  for (const char* key : {"session", "status", "mirrored"}) {
    EXPECT_TRUE(list[0].contains(key)) << key << " in " << list.dump();
  }
}

TEST_F(SessionTest, BadInputIsRefusedWithTheFieldAndValue) {
  auto r = ctl({"session", "create", "bad", "--type", "erspan", "--source", "port=vm1",
                "--remote-ip", "10.99.0.2", "--session-id", "1500"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("destination.session_id"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1500"), std::string::npos) << r.err;
  r = ctl({"session", "create", "bad", "--type", "local", "--source", "colour=red", "--dest-port",
           "analyzer"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("colour"), std::string::npos) << r.err;
  EXPECT_EQ(ctl({"session", "list", "--json"}).out, "[]\n") << "nothing was stored";
}

TEST_F(SessionTest, ListShowsStateAndOvsStatistics) {
  auto r = ctl({"session", "create", "web", "--type", "local", "--source", "iface_id=vm-a",
                "--source", "iface_id=not-here", "--dest-port", "analyzer"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto list = ctl({"session", "list"});
  EXPECT_NE(list.out.find("degraded"), std::string::npos) << list.out;
  auto show = ctl({"session", "show", "web", "--json"});
  EXPECT_NE(show.out.find("iface_id not-here (not present)"), std::string::npos) << show.out;
}

}  // namespace
}  // namespace ovse::test
