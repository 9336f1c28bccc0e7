// pktcap-uw targets on a hand-built switch: names, ofports, iface-ids, bond members, internal
// ports, VMs, close-name suggestions; --dir and capture points; the temporary sessions; owners.
#include "mirror_manager/capture_plan.h"

#include <gtest/gtest.h>

#include "mirror_manager/capture_owner.h"
#include "mirror_manager/reconciler.h"

namespace ovse::manager {
namespace {

// br0: vm1 (ofport 1, iface-id vm1-iface, vm-uuid u1), vm2 (ofport 2), bond0 (eth0 + eth1),
// mgmt0 (internal), and a capture's own internal port.
class CapturePlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    addPort("vm1", {{"vm1", "", 1, {{"iface-id", "vm1-iface"}, {"vm-uuid", "u1"}}}});
    addPort("vm2", {{"vm2", "", 2, {{"vm-name", "web"}}}});
    addPort("bond0", {{"eth0", "", 3, {}}, {"eth1", "", 4, {}}});
    addPort("mgmt0", {{"mgmt0", "internal", 5, {}}});
    addPort("oe12345678i", {{"oe12345678i", "internal", 6, {}}}, {{kSessionKey, "x"}});
    state_.bridges.push_back(bridge_);
  }

  struct IfaceDef {
    std::string name, type;
    std::int64_t ofport;
    ovs::StringMap ids;
  };

  void addPort(const std::string& name, const std::vector<IfaceDef>& ifaces,
               ovs::StringMap port_ids = {}) {
    ovs::Port port{"p-" + name, name, {}, {}, {}, "", "", port_ids};
    for (const auto& i : ifaces) {
      ovs::Interface iface;
      iface.uuid = "i-" + i.name;
      iface.name = i.name;
      iface.type = i.type;
      iface.ofport = i.ofport;
      iface.external_ids = i.ids;
      state_.interfaces.push_back(iface);
      port.interface_uuids.push_back(iface.uuid);
    }
    state_.ports.push_back(port);
    bridge_.port_uuids.push_back(port.uuid);
  }

  std::expected<ResolvedTarget, std::string> resolve(CaptureTargetKind kind, const std::string& v) {
    return resolveTarget({kind, v}, state_);
  }

  ovs::Bridge bridge_{"b-br0", "br0", "netdev", {}, {}, {}};
  ovs::SwitchState state_;
};

TEST_F(CapturePlanTest, SwitchportByNameFollowsTheIfaceId) {
  auto r = resolve(CaptureTargetKind::kSwitchport, "vm1");
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->source.iface_id, "vm1-iface") << "a re-created port keeps its iface-id";
  EXPECT_EQ(r->port_names, std::vector<std::string>{"vm1"});
  EXPECT_EQ(r->label, "vm1");
}

TEST_F(CapturePlanTest, SwitchportByOfportAndByIfaceId) {
  auto by_ofport = resolve(CaptureTargetKind::kPort, "2");
  ASSERT_TRUE(by_ofport) << by_ofport.error();
  EXPECT_EQ(by_ofport->source.port, "vm2") << "no iface-id: followed by name";
  ASSERT_EQ(by_ofport->notes.size(), 1u);
  EXPECT_EQ(by_ofport->notes[0], "ofport 2 is port vm2");
  auto by_id = resolve(CaptureTargetKind::kSwitchport, "vm1-iface");
  ASSERT_TRUE(by_id);
  EXPECT_EQ(by_id->source.iface_id, "vm1-iface");
  EXPECT_EQ(by_id->label, "vm1");
}

TEST_F(CapturePlanTest, UnknownPortListsCloseNames) {
  auto r = resolve(CaptureTargetKind::kSwitchport, "vm3");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(),
            "--switchport vm3: no port name, ofport or iface-id 'vm3' on this switch (did you "
            "mean vm1, vm2?)");
  auto ours = resolve(CaptureTargetKind::kSwitchport, "oe12345678i");
  ASSERT_FALSE(ours) << "ports ovs-erspan created are not capture targets";
  const std::string error = ours.error();
  EXPECT_EQ(error.find("oe12345678i", error.find("did you mean")), std::string::npos)
      << "nor suggested: " << error;
}

TEST_F(CapturePlanTest, UplinkMemberMeansItsWholeBond) {
  auto bond = resolve(CaptureTargetKind::kUplink, "bond0");
  ASSERT_TRUE(bond);
  EXPECT_EQ(bond->notes.at(0), "bond bond0: every member at once (eth0, eth1)");
  auto member = resolve(CaptureTargetKind::kUplink, "eth1");
  ASSERT_TRUE(member) << member.error();
  EXPECT_EQ(member->source.port, "bond0");
  EXPECT_NE(member->notes.at(0).find("eth1 is a member of bond bond0"), std::string::npos);
}

TEST_F(CapturePlanTest, VmkMustBeInternal) {
  EXPECT_TRUE(resolve(CaptureTargetKind::kVmk, "mgmt0"));
  auto wrong = resolve(CaptureTargetKind::kVmk, "vm2");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error(),
            "--vmk vm2: port vm2 is of type 'system', not internal (use --switchport or --uplink)");
}

TEST_F(CapturePlanTest, VmMatchesUuidOrName) {
  auto by_uuid = resolve(CaptureTargetKind::kVm, "u1");
  ASSERT_TRUE(by_uuid);
  EXPECT_EQ(by_uuid->source.vm, "u1");
  EXPECT_EQ(by_uuid->port_names, std::vector<std::string>{"vm1"});
  EXPECT_TRUE(resolve(CaptureTargetKind::kVm, "web"));
  EXPECT_NE(resolve(CaptureTargetKind::kVm, "wbe").error().find("did you mean web"),
            std::string::npos);
}

TEST(CaptureDir, AcceptsPktcapNumbersAndWords) {
  EXPECT_EQ(*parseCaptureDir("0"), Direction::kIngress);
  EXPECT_EQ(*parseCaptureDir("rx"), Direction::kIngress);
  EXPECT_EQ(*parseCaptureDir("1"), Direction::kEgress);
  EXPECT_EQ(*parseCaptureDir("TX"), Direction::kEgress);
  EXPECT_EQ(*parseCaptureDir("2"), Direction::kBoth);
  EXPECT_EQ(parseCaptureDir("3").error().substr(0, 9), "--dir 3: ");
}

TEST(CapturePoints, SupportedOnesMapToDirectionsOthersSayWhyNot) {
  EXPECT_EQ(findCapturePoint("portinput")->direction, Direction::kIngress);
  EXPECT_EQ(findCapturePoint("VnicRx")->direction, Direction::kEgress);
  EXPECT_NE(findCapturePoint("Drop").error().find("no OVS equivalent"), std::string::npos);
  EXPECT_NE(findCapturePoint("Nope").error().find("supported: PortInput, PortOutput"),
            std::string::npos);
  for (const auto& p : capturePoints()) EXPECT_GT(std::string(p.ovs_meaning).size(), 10u);
}

TEST(CaptureSessions, OnePerTargetWithTheRunsDirection) {
  CaptureRequest req;
  req.targets = {{{.iface_id = "a"}, "vm1", {"vm1"}, {}}, {{.port = "bond0"}, "bond0", {}, {}}};
  req.direction = Direction::kEgress;
  req.owner = "capture-1-2-abcd";
  auto sessions = captureSessions(req);
  ASSERT_EQ(sessions.size(), 2u);
  EXPECT_EQ(sessions[0].name, "capture-1-2-abcd-1");
  EXPECT_EQ(sessions[1].name, "capture-1-2-abcd-2");
  EXPECT_EQ(sessions[0].type, SessionType::kCapture);
  EXPECT_EQ(sessions[1].sources.at(0).direction, Direction::kEgress);
  EXPECT_FALSE(sessions[0].mirrored_packet_length) << "no OVS truncation: original lengths";
}

TEST(CaptureOwner, RoundTripsAndRejectsOthers) {
  CaptureOwner o{4242, 987654, "7a1f2763"};
  EXPECT_EQ(formatCaptureOwner(o), "capture-4242-987654-7a1f2763");
  EXPECT_EQ(parseCaptureOwner(formatCaptureOwner(o)), o);
  for (const char* bad : {"capture-", "capture-x-1-b", "capture-1-2", "capture-1-2-", "serve",
                          "capture-0-1-b", "capture-1-2-b-c"}) {
    EXPECT_FALSE(parseCaptureOwner(bad)) << bad;
  }
}

TEST(CaptureOwner, AliveNeedsSameBootPidAndStartTime) {
  HostFacts facts{"boot1", {{10, 500}}};
  EXPECT_TRUE(ownerAlive({10, 500, "boot1"}, facts));
  EXPECT_FALSE(ownerAlive({10, 499, "boot1"}, facts)) << "pid reused by another process";
  EXPECT_FALSE(ownerAlive({11, 500, "boot1"}, facts)) << "no such process";
  EXPECT_FALSE(ownerAlive({10, 500, "boot0"}, facts)) << "rows from before a reboot";
}

}  // namespace
}  // namespace ovse::manager
