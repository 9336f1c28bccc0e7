// VXLAN and Geneve sessions against a real OVS: a native session mirrors vm1 into OVS's own
// `vxlan` / `geneve` tunnel port, an exporter-backed one into internal ports read by `mirrorctl
// serve`'s exporter. On the collector, tshark reads the VNI and scapy finds every ICMP frame vm1 sent or received, byte for
// byte, inside the VXLAN packets (checked against tcpdump on the VMs' eth0: the harness captures
// what an interface receives, so vm1's replies on vm1 and its requests, forwarded unchanged at L2,
// on vm2).
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "harness/capture.h"
#include "integration/daemon/daemon_process.h"
#include "integration/manager/manager_fixture.h"

namespace ovse::test {
namespace {

// Scapy: the ICMP frames of VM1.pcap and VM2.pcap against the VXLAN inner frames of COL.pcap. Prints
// "vm N inner M missing K foreign F" (foreign: an inner ICMP frame vm1 never had on its wire).
constexpr const char* kCompare = R"(import sys
from scapy.all import rdpcap, ICMP, Ether
from scapy.layers.vxlan import VXLAN
from scapy.contrib.geneve import GENEVE
vm = [bytes(p) for f in sys.argv[1:3] for p in rdpcap(f) if p.haslayer(ICMP)]
layer = VXLAN if sys.argv[5] == 'vxlan' else GENEVE
inner = []
for p in rdpcap(sys.argv[3]):
    if p.haslayer(layer) and p[layer].vni == int(sys.argv[4]):
        f = bytes(p[layer].payload)
        if Ether(f).haslayer(ICMP):
            inner.append(f)
missing = [f for f in vm if f not in inner]
foreign = [f for f in inner if f not in vm]
print('vm', len(vm), 'inner', len(inner), 'missing', len(missing), 'foreign', len(foreign))
)";

class UdpTunnelSessionTest : public ManagerTest {
 protected:
  void SetUp() override {
    // Root before the tools, as before (ManagerTest::SetUp checks it again, cheaply).
    OVSE_REQUIRE_SANDBOX();
    if (!haveProgram("tshark") || !haveProgram("/usr/bin/python3")) {
      GTEST_SKIP() << "needs tshark and /usr/bin/python3 with scapy";
    }
    ManagerTest::SetUp();
  }

  void addHosts() override {
    sandbox_->addVm("vm1", "10.0.0.1/24", "02:00:00:00:00:01", "vm-a");
    sandbox_->addVm("vm2", "10.0.0.2/24", "02:00:00:00:00:02", "vm-b");
    sandbox_->addCollector("col", "10.99.0.2/24", "10.99.0.1/24");
  }

  // Pings vm2 from vm1 while capturing the VMs' eth0 and the collector's VXLAN (or Geneve);
  // returns the comparison line and checks the VNI of every packet.
  std::string mirroredPings(const std::string& name, int vni, const std::string& type = "vxlan") {
    const bool vxlan = type == "vxlan";
    PacketCapture vm1(*sandbox_, "vm1", "eth0", tmp_.path() / (name + "-vm1.pcap"), "icmp");
    PacketCapture vm2(*sandbox_, "vm2", "eth0", tmp_.path() / (name + "-vm2.pcap"), "icmp");
    PacketCapture col(*sandbox_, "col", "eth0", tmp_.path() / (name + "-col.pcap"),
                      vxlan ? "udp dst port 4789" : "udp dst port 6081");
    auto ping = sandbox_->exec("vm1", {"ping", "-c", "5", "-i", "0.1", "-s", "300", "-W", "2",
                                       "10.0.0.2"});
    EXPECT_EQ(ping.exit_code, 0) << ping.out << ping.err;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    vm1.stop();
    vm2.stop();
    const auto rows = col.fields({vxlan ? "vxlan.vni" : "geneve.vni"}, "icmp");
    EXPECT_GE(rows.size(), 10u);
    for (const auto& row : rows) {
      // tshark prints the Geneve VNI in hex.
      EXPECT_EQ(std::stoul(row[0], nullptr, 0), static_cast<unsigned long>(vni));
    }
    const auto compared = run({"/usr/bin/python3", "-c", kCompare, vm1.file().string(),
                               vm2.file().string(), col.file().string(), std::to_string(vni),
                               type});
    EXPECT_EQ(compared.exit_code, 0) << compared.err;
    return compared.out;
  }
};

TEST_F(UdpTunnelSessionTest, NativeVxlanDeliversTheVmsFramesByteExact) {
  auto r = ctl({"session", "create", "vx", "--type", "erspan", "--source", "iface_id=vm-a",
                "--remote-ip", "10.99.0.2", "--version", "vxlan", "--vni", "123456"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto port = sandbox_->vsctl({"--bare", "--columns=type,options", "find", "Interface",
                                     "external_ids:ovs-erspan-session=vx"});
  EXPECT_NE(port.out.find("vxlan"), std::string::npos) << port.out;
  EXPECT_NE(port.out.find("key=123456 remote_ip=10.99.0.2"), std::string::npos) << port.out;
  const auto show = ctl({"session", "show", "vx", "--json"});
  EXPECT_NE(show.out.find("\"active\""), std::string::npos) << show.out;
  EXPECT_EQ(mirroredPings("native", 123456), "vm 10 inner 10 missing 0 foreign 0\n");
}

TEST_F(UdpTunnelSessionTest, NativeGeneveDeliversTheVmsFramesByteExact) {
  auto r = ctl({"session", "create", "gn", "--type", "erspan", "--source", "iface_id=vm-a",
                "--remote-ip", "10.99.0.2", "--version", "geneve", "--vni", "77"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(mirroredPings("geneve", 77, "geneve"), "vm 10 inner 10 missing 0 foreign 0\n");
}

TEST_F(UdpTunnelSessionTest, ExporterBackedVxlanDeliversTheVmsFramesByteExact) {
  // The daemon runs where ovs-vswitchd runs, beside the internal ports OVS mirrors to.
  DaemonProcess d(sandbox_->dbRemote(), store(), tmp_.path() / "serve.log", {},
                  sandbox_->netns("hv"));
  auto created =
      d.http("POST", "/api/v1/sessions",
             R"({"name":"vx","type":"erspan","sources":[{"iface_id":"vm-a","direction":"both"}],)"
             R"("destination":{"remote_ip":"10.99.0.2","version":"vxlan","vni":4242,)"
             R"("backend":"exporter"}})");
  ASSERT_EQ(created.status, 201) << created.body;
  bool running = false;
  for (int i = 0; i < 50 && !running; ++i) {
    auto stats = nlohmann::json::parse(d.http("GET", "/api/v1/sessions/vx/stats").body, nullptr,
                                       false);
    running = !stats.is_discarded() && stats.contains("exporter") && stats["exporter"]["running"];
    if (!running) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_TRUE(running) << d.logText();
  EXPECT_EQ(mirroredPings("exporter", 4242), "vm 10 inner 10 missing 0 foreign 0\n");
}

}  // namespace
}  // namespace ovse::test
