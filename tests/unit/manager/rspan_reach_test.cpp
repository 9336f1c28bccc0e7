// Where OVS floods an RSPAN (output_vlan) mirror's copies, as the session's warnings say: the
// uplink that does not carry the VLAN, and the other ports that receive the copies too.
#include <gtest/gtest.h>

#include "fake_switch.h"
#include "mirror_manager/reconciler.h"

namespace ovse::manager {
namespace {

class RspanReachTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake.addPort("br0", "vm1", {{"iface-id", "vm-a"}});
    fake.addPort("br0", "vm2");
    fake.addPort("br0", "uplink");
    session.name = "r";
    session.type = SessionType::kRspan;
    session.sources = {{.iface_id = "vm-a"}};
    session.destination = RspanDestination{.vlan = 999, .uplink = "uplink"};
    state = *fake.state();
  }

  ovs::Port& port(const std::string& name) {
    for (auto& p : state.ports) {
      if (p.name == name) return p;
    }
    throw std::runtime_error("no port " + name);
  }

  std::vector<std::string> warnings() {
    std::vector<Session> sessions{session};
    return reconcile(sessions, state).statuses.at(0).warnings;
  }

  test::FakeSwitch fake;
  Session session;
  ovs::SwitchState state;
};

TEST_F(RspanReachTest, PortsWithoutATagAlsoReceiveTheCopies) {
  // Every port trunks all VLANs (no tag, no trunks): the uplink carries 999, and so do the VMs.
  EXPECT_EQ(warnings(),
            std::vector<std::string>{
                "RSPAN copies in VLAN 999 also leave by vm1, vm2: OVS floods them to every "
                "port that carries the VLAN (ports without a tag trunk all VLANs); give those "
                "ports a tag or trunks without 999"});
}

TEST_F(RspanReachTest, ConfinedWhenOnlyTheUplinkCarriesTheVlan) {
  port("vm1").tag = 10;
  port("vm2").tag = 10;
  port("uplink").trunks = {10, 999};
  EXPECT_TRUE(warnings().empty());
}

TEST_F(RspanReachTest, UplinkWhoseTrunksLeaveTheVlanOut) {
  port("vm1").tag = 10;
  port("vm2").tag = 10;
  port("uplink").trunks = {10, 20};
  EXPECT_EQ(warnings(), std::vector<std::string>{
                            "uplink uplink does not carry VLAN 999 (its trunks are 10,20): no "
                            "RSPAN copy leaves by it; add 999 to its trunks"});
}

TEST_F(RspanReachTest, UplinkThatIsAnAccessPortOfAnotherVlan) {
  port("vm1").tag = 10;
  port("vm2").tag = 999;  // an access port of the RSPAN VLAN receives the copies untagged
  port("uplink").tag = 5;
  EXPECT_EQ(warnings(),
            (std::vector<std::string>{
                "uplink uplink does not carry VLAN 999 (it is an access port of VLAN 5): no RSPAN "
                "copy leaves by it; add 999 to its trunks",
                "RSPAN copies in VLAN 999 also leave by vm2: OVS floods them to every port that "
                "carries the VLAN (ports without a tag trunk all VLANs); give those ports a tag or "
                "trunks without 999"}));
}

TEST_F(RspanReachTest, NativeVlanModesTrunkTheirTagAndTheirTrunks) {
  port("vm1").tag = 10;
  port("vm2").tag = 10;
  port("uplink").tag = 999;  // native VLAN 999, trunks 7: carries 999 (as the native VLAN)
  port("uplink").trunks = {7};
  port("uplink").vlan_mode = "native-untagged";
  EXPECT_TRUE(warnings().empty());
  port("uplink").vlan_mode = "trunk";  // a trunk's tag is ignored: only 7
  EXPECT_EQ(warnings().size(), 1u);
}

}  // namespace
}  // namespace ovse::manager
