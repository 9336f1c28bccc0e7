// A rspan-destination session (vSphere's Remote Mirroring Destination) against a real OVS, with
// 802.1Q frames tagged by scapy sent into the uplink from its namespace: the RSPAN VLAN's frames
// reach the analyzer namespace (tshark reads them there), a frame on another VLAN does not.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness/capture.h"
#include "integration/manager/manager_fixture.h"

namespace ovse::test {
namespace {

using nlohmann::json;

class RspanDestinationTest : public ManagerTest {
 protected:
  void addHosts() override {
    sandbox_->addVm("ul", "10.0.0.50/24", "02:00:00:00:00:50", "");
    sandbox_->addVm("ana", "10.0.0.8/24", "02:00:00:00:00:08", "");
    sandbox_->addVm("vm2", "10.0.0.2/24", "02:00:00:00:00:02", "vm-b");
  }

  // `count` frames tagged `vlan` arrive on the uplink (unknown unicast destination: flooded).
  void sendOnUplink(int vlan, int dport, int count) {
    auto r = sandbox_->exec(
        "ul", {"/usr/bin/python3", "-c",
               "from scapy.all import Ether, Dot1Q, IP, UDP, sendp\n"
               "sendp(Ether(src='02:00:00:00:00:50', dst='02:00:00:00:00:77')/Dot1Q(vlan=" +
                   std::to_string(vlan) +
                   ")/IP(src='10.9.0.1', dst='10.9.0.2')/UDP(sport=4000, dport=" +
                   std::to_string(dport) + "), iface='eth0', count=" + std::to_string(count) +
                   ", verbose=False)"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
};

TEST_F(RspanDestinationTest, TheRspanVlanArrivingOnTheUplinkReachesTheAnalyzerOnly) {
  auto r = ctl({"session", "create", "rd", "--type", "rspan-destination", "--source-vlan", "999",
                "--uplink", "ul", "--dest-port", "ana"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto show = ctl({"session", "show", "rd", "--json"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  json j = json::parse(show.out, nullptr, false);
  const json& status = j.contains("status") ? j["status"] : j;
  EXPECT_EQ(status["state"], "active") << show.out;
  EXPECT_EQ(sandbox_->vsctl({"--bare", "--columns=select_vlan", "list", "Mirror"}).out, "999\n");

  auto on_ana = std::make_unique<PacketCapture>(*sandbox_, "ana", "eth0", tmp_.path() / "ana.pcap");
  sendOnUplink(999, 4999, 5);
  sendOnUplink(5, 4005, 5);
  on_ana->stop();
  auto copies = on_ana->fields({"vlan.id"}, "udp.dstport == 4999");
  EXPECT_EQ(copies.size(), 5u);
  for (const auto& row : copies) EXPECT_EQ(row[0], "999");
  EXPECT_EQ(on_ana->fields({"vlan.id"}, "udp.dstport == 4005").size(), 0u);
}

TEST_F(RspanDestinationTest, FlagsOfOtherTypesAreRefused) {
  auto r = ctl({"session", "create", "rd", "--type", "rspan-destination", "--source-vlan", "999",
                "--uplink", "ul", "--dest-port", "ana", "--vlan", "999"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE((r.out + r.err).find("destination.vlan: unknown field for type rspan-destination"),
            std::string::npos)
      << r.out << r.err;
  r = ctl({"session", "create", "l", "--type", "local", "--source", "iface_id=vm-b",
           "--dest-port", "ana", "--source-vlan", "999"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE((r.out + r.err).find("source_vlans: given; needs type rspan-destination"),
            std::string::npos)
      << r.out << r.err;
}

}  // namespace
}  // namespace ovse::test
