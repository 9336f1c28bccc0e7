// RSPAN against a real OVS with 802.1Q frames tagged by scapy (this kernel has no 8021q module):
// where output_vlan copies really go (every port that carries the VLAN, not only the uplink), that
// the session's warnings name those ports, and that preserving the original tag is refused
// because OVS replaces it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness/capture.h"
#include "integration/manager/manager_fixture.h"

namespace ovse::test {
namespace {

using nlohmann::json;

constexpr char kVm1Mac[] = "02:00:00:00:00:01";

class RspanReachTest : public ManagerTest {
 protected:
  void addHosts() override {
    sandbox_->addVm("vm1", "10.0.0.1/24", kVm1Mac, "vm-a");
    sandbox_->addVm("vm2", "10.0.0.2/24", "02:00:00:00:00:02", "vm-b");
    sandbox_->addVm("uplink1", "10.0.0.50/24", "02:00:00:00:00:50", "uplink");
  }

  json status(const std::string& name) {
    auto r = ctl({"session", "show", name, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    json j = json::parse(r.out, nullptr, false);
    return j.contains("status") ? j["status"] : j;
  }

  // vm1 sends `count` frames tagged with VLAN 5 (an unknown unicast destination: flooded).
  void sendVlan5(int count) {
    auto r = sandbox_->exec(
        "vm1", {"/usr/bin/python3", "-c",
                "from scapy.all import Ether, Dot1Q, IP, UDP, sendp\n"
                "sendp(Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:77')/Dot1Q(vlan=5)/"
                "IP(src='10.0.5.1', dst='10.0.5.2')/UDP(sport=4000, dport=4001), iface='eth0', "
                "count=" +
                    std::to_string(count) + ", verbose=False)"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
};

TEST_F(RspanReachTest, UntaggedPortsReceiveTheCopiesAndTheSessionNamesThem) {
  ASSERT_EQ(sandbox_->vsctl({"set", "port", "uplink1", "trunks=999"}).exit_code, 0);
  auto r = ctl({"session", "create", "r", "--type", "rspan", "--source",
                "iface_id=vm-a,direction=ingress", "--vlan", "999", "--uplink", "uplink1"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json s = status("r");
  EXPECT_EQ(s["state"], "active");
  ASSERT_EQ(s["warnings"].size(), 1u) << s.dump();
  const std::string warning = s["warnings"][0];
  EXPECT_NE(warning.find("RSPAN copies in VLAN 999 also leave by br0, vm1, vm2"), std::string::npos)
      << warning;

  auto on_vm2 = std::make_unique<PacketCapture>(*sandbox_, "vm2", "eth0", tmp_.path() / "vm2.pcap");
  auto on_up =
      std::make_unique<PacketCapture>(*sandbox_, "uplink1", "eth0", tmp_.path() / "up.pcap");
  sendVlan5(5);
  on_vm2->stop();
  on_up->stop();
  const std::string copies = "udp.dstport == 4001 && vlan.id == 999";
  // The uplink gets the copies, tagged 999 only: OVS replaced VLAN 5 (no second tag inside).
  auto up_rows = on_up->fields({"vlan.id"}, copies);
  EXPECT_EQ(up_rows.size(), 5u);
  for (const auto& row : up_rows) EXPECT_EQ(row[0], "999");
  // vm2 (no tag: all VLANs) gets them too, as the warning says, beside the VLAN-5 original flood.
  EXPECT_EQ(on_vm2->fields({"vlan.id"}, copies).size(), 5u);
  EXPECT_EQ(on_vm2->fields({"vlan.id"}, "udp.dstport == 4001 && vlan.id == 5").size(), 5u);
}

TEST_F(RspanReachTest, ConfinedToTheUplinkWhenOtherPortsLeaveTheVlanOut) {
  ASSERT_EQ(
      sandbox_
          ->vsctl({"set", "port", "uplink1", "trunks=5,999", "--", "set", "port", "vm2", "trunks=5",
                   "--", "set", "port", "vm1", "trunks=5", "--", "set", "port", "br0", "trunks=5"})
          .exit_code,
      0);
  auto r = ctl({"session", "create", "r", "--type", "rspan", "--source",
                "iface_id=vm-a,direction=ingress", "--vlan", "999", "--uplink", "uplink1"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(status("r")["warnings"].empty()) << status("r").dump();
  auto on_vm2 = std::make_unique<PacketCapture>(*sandbox_, "vm2", "eth0", tmp_.path() / "vm2.pcap");
  auto on_up =
      std::make_unique<PacketCapture>(*sandbox_, "uplink1", "eth0", tmp_.path() / "up.pcap");
  sendVlan5(5);
  on_vm2->stop();
  on_up->stop();
  EXPECT_EQ(on_up->fields({"vlan.id"}, "udp.dstport == 4001 && vlan.id == 999").size(), 5u);
  EXPECT_EQ(on_vm2->fields({"vlan.id"}, "udp.dstport == 4001 && vlan.id == 999").size(), 0u);
}

TEST_F(RspanReachTest, UplinkWithoutTheVlanIsAWarning) {
  ASSERT_EQ(sandbox_->vsctl({"set", "port", "uplink1", "trunks=10,20"}).exit_code, 0);
  auto r = ctl({"session", "create", "r", "--type", "rspan", "--source", "iface_id=vm-a", "--vlan",
                "999", "--uplink", "uplink1"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json s = status("r");
  ASSERT_FALSE(s["warnings"].empty());
  EXPECT_EQ(
      s["warnings"][0],
      "uplink uplink1 does not carry VLAN 999 (its trunks are 10,20): no RSPAN copy leaves by "
      "it; add 999 to its trunks");
}

TEST_F(RspanReachTest, PreservingTheOriginalVlanIsRefusedWithTheReason) {
  auto r = ctl({"session", "create", "r", "--type", "rspan", "--source", "iface_id=vm-a", "--vlan",
                "999", "--uplink", "uplink1", "--preserve-original-vlan"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("destination.preserve_original_vlan: true is not supported: OVS's "
                       "output_vlan replaces the mirrored frame's VLAN tag"),
            std::string::npos)
      << r.out << r.err;
  EXPECT_EQ(sandbox_->vsctl({"--columns=name", "list", "Mirror"}).out, "");
}

}  // namespace
}  // namespace ovse::test
