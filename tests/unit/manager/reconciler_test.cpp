// The reconciler's diff against an in-memory switch: mapping of each session type, convergence,
// re-binding by identity, hand edits, limits and ownership.
#include "mirror_manager/reconciler.h"

#include <gtest/gtest.h>

#include "converge.h"
#include "fake_switch.h"

namespace ovse::manager {
namespace {

using test::FakeSwitch;

// reconcile() over a braced list of sessions.
ReconcilePlan reconcileAll(const std::vector<Session>& sessions, const ovs::SwitchState& state,
                           const ReconcileScope& scope = {}) {
  return reconcile(sessions, state, scope);
}

Session localSession(const std::string& name, Direction dir = Direction::kBoth) {
  Session s;
  s.name = name;
  s.type = SessionType::kLocal;
  s.sources = {{.iface_id = "vm-a", .direction = dir}};
  s.destination = LocalDestination{"tap"};
  s.mirrored_packet_length = 60;
  return s;
}

Session erspanSession(ErspanVersion version, Direction dir = Direction::kBoth) {
  Session s;
  s.name = "to-collector";
  s.type = SessionType::kErspan;
  s.sources = {{.iface_id = "vm-a", .direction = dir}};
  // Index and hardware ID only where the version carries them (others are refused).
  s.destination = ErspanDestination{
      .remote_ip = "10.99.0.2",
      .version = version,
      .session_id = 123,
      .index = version == ErspanVersion::kTypeII ? 0x33u : 0u,
      .hwid = static_cast<std::uint8_t>(version == ErspanVersion::kTypeIII ? 13 : 0)};
  return s;
}

class ReconcilerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake.addPort("br0", "vm1", {{"iface-id", "vm-a"}, {"attached-mac", "02:00:00:00:00:01"}});
    fake.addPort("br0", "vm2", {{"iface-id", "vm-b"}});
    fake.addPort("br0", "tap");
  }

  std::vector<SessionStatus> converge(const std::vector<Session>& sessions) {
    return ovse::test::converge(fake, sessions);
  }

  std::vector<std::string> names(const std::vector<std::string>& uuids) {
    std::vector<std::string> out;
    auto state = fake.state();
    for (const auto& u : uuids) out.push_back(state->portByUuid(u)->name);
    return out;
  }

  FakeSwitch fake;
};

TEST_F(ReconcilerTest, LocalSessionMirrorsBothDirectionsToThePort) {
  std::vector<Session> sessions{localSession("web")};
  auto plan = reconcile(sessions, *fake.state());
  ASSERT_EQ(plan.actions.size(), 1u);
  const auto& create = std::get<ovs::CreateMirror>(plan.actions[0]);
  EXPECT_EQ(create.spec.bridge, "br0");
  EXPECT_EQ(create.spec.name, "web");
  EXPECT_EQ(create.spec.select_src_ports, std::vector<std::string>{"vm1"});
  EXPECT_EQ(create.spec.select_dst_ports, std::vector<std::string>{"vm1"});
  EXPECT_EQ(create.spec.output_port, "tap");
  EXPECT_EQ(create.spec.snaplen, 60);
  EXPECT_EQ(create.spec.external_ids.at(kSessionKey), "web");
  EXPECT_EQ(plan.statuses[0].state, SessionState::kActive);
}

TEST_F(ReconcilerTest, IngressSelectsSourceOnlyAndEgressDestinationOnly) {
  std::vector<Session> in{localSession("in", Direction::kIngress)};
  auto spec = std::get<ovs::CreateMirror>(reconcile(in, *fake.state()).actions[0]).spec;
  EXPECT_EQ(spec.select_src_ports, std::vector<std::string>{"vm1"});
  EXPECT_TRUE(spec.select_dst_ports.empty());
  std::vector<Session> out{localSession("out", Direction::kEgress)};
  spec = std::get<ovs::CreateMirror>(reconcile(out, *fake.state()).actions[0]).spec;
  EXPECT_TRUE(spec.select_src_ports.empty());
  EXPECT_EQ(spec.select_dst_ports, std::vector<std::string>{"vm1"});
}

TEST_F(ReconcilerTest, ReconcilingTwiceChangesNothing) {
  std::vector<Session> sessions{localSession("web"), erspanSession(ErspanVersion::kTypeIII)};
  converge(sessions);
  int applies = fake.applyCount();
  EXPECT_TRUE(reconcile(sessions, *fake.state()).actions.empty());
  EXPECT_EQ(fake.applyCount(), applies);
}

TEST_F(ReconcilerTest, RecreatedPortIsReboundByIdentity) {
  std::vector<Session> sessions{localSession("web")};
  converge(sessions);
  fake.deletePort("vm1");
  auto plan = reconcile(sessions, *fake.state());
  EXPECT_TRUE(plan.actions.empty());
  EXPECT_EQ(plan.statuses[0].state, SessionState::kWaiting);
  EXPECT_EQ(plan.statuses[0].missing, std::vector<std::string>{"iface_id vm-a (not present)"});
  // The VM comes back on a new port (new UUID, new name even): same iface-id.
  fake.addPort("br0", "vm1-new", {{"iface-id", "vm-a"}});
  auto statuses = converge(sessions);
  EXPECT_EQ(statuses[0].state, SessionState::kActive);
  auto state = fake.state();
  const ovs::Mirror* m = state->mirrorByName("web");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(names(m->select_src_port), std::vector<std::string>{"vm1-new"});
}

TEST_F(ReconcilerTest, OneMissingSourceOfTwoIsDegraded) {
  Session s = localSession("web");
  s.sources.push_back({.mac = "02:00:00:00:00:99"});
  auto statuses = converge({s});
  EXPECT_EQ(statuses[0].state, SessionState::kDegraded);
  EXPECT_EQ(statuses[0].missing, std::vector<std::string>{"mac 02:00:00:00:00:99 (not present)"});
  EXPECT_NE(fake.state()->mirrorByName("web"), nullptr);
}

TEST_F(ReconcilerTest, SourcesResolveByMacPortNameAndVm) {
  fake.addPort("br0", "vm3", {{"vm-uuid", "1111"}, {"iface-id", "c"}});
  Session s = localSession("web", Direction::kIngress);
  s.sources = {{.port = "vm2", .direction = Direction::kIngress},
               {.mac = "02:00:00:00:00:01", .direction = Direction::kIngress},
               {.vm = "1111", .direction = Direction::kIngress}};
  auto spec = std::get<ovs::CreateMirror>(reconcileAll({s}, *fake.state()).actions[0]).spec;
  EXPECT_EQ(spec.select_src_ports, (std::vector<std::string>{"vm1", "vm2", "vm3"}));
}

TEST_F(ReconcilerTest, HandDeletedMirrorIsRecreated) {
  std::vector<Session> sessions{localSession("web")};
  converge(sessions);
  fake.deleteMirror("web");
  auto plan = reconcile(sessions, *fake.state());
  ASSERT_EQ(plan.actions.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<ovs::CreateMirror>(plan.actions[0]));
}

TEST_F(ReconcilerTest, UsersOwnMirrorIsNeverTouched) {
  fake.addForeignMirror("br0", "web", "tap");  // same name, no tag
  std::vector<Session> sessions{localSession("other", Direction::kIngress)};
  converge(sessions);
  converge({});
  auto state = fake.state();
  ASSERT_EQ(state->mirrors.size(), 1u);
  EXPECT_EQ(state->mirrors[0].name, "web");
  EXPECT_TRUE(state->mirrors[0].select_all);
}

TEST_F(ReconcilerTest, DeletedOrDisabledSessionLosesItsRows) {
  std::vector<Session> sessions{localSession("web"), erspanSession(ErspanVersion::kTypeII)};
  converge(sessions);
  EXPECT_EQ(fake.state()->mirrors.size(), 3u);
  sessions[1].enabled = false;
  auto statuses = converge(sessions);
  EXPECT_EQ(statuses[1].state, SessionState::kDisabled);
  EXPECT_EQ(fake.state()->mirrors.size(), 1u);
  converge({});
  EXPECT_TRUE(fake.state()->mirrors.empty());
  auto state = fake.state();
  for (const auto& p : state->ports) EXPECT_FALSE(p.external_ids.contains(kSessionKey));
}

TEST_F(ReconcilerTest, ErspanIIIBothDirectionsUsesOneTunnelPerDirection) {
  auto plan = reconcileAll({erspanSession(ErspanVersion::kTypeIII)}, *fake.state());
  std::vector<ovs::PortSpec> ports;
  std::vector<ovs::MirrorSpec> mirrors;
  for (const auto& a : plan.actions) {
    if (auto* p = std::get_if<ovs::CreatePort>(&a)) ports.push_back(p->spec);
    if (auto* m = std::get_if<ovs::CreateMirror>(&a)) mirrors.push_back(m->spec);
  }
  ASSERT_EQ(ports.size(), 2u);
  ASSERT_EQ(mirrors.size(), 2u);
  for (const auto& p : ports) {
    EXPECT_EQ(p.type, "erspan");
    EXPECT_EQ(p.options.at("erspan_ver"), "2");
    EXPECT_EQ(p.options.at("out_key"), "123");
    EXPECT_EQ(p.options.at("erspan_hwid"), "0xd");  // OVS reads it as hex
    EXPECT_EQ(p.options.at("remote_ip"), "10.99.0.2");
  }
  const auto& ingress = ports[0].external_ids.at(kRoleKey) == "ingress" ? ports[0] : ports[1];
  const auto& egress = ports[0].external_ids.at(kRoleKey) == "egress" ? ports[0] : ports[1];
  EXPECT_EQ(ingress.options.at("erspan_dir"), "0");
  EXPECT_EQ(egress.options.at("erspan_dir"), "1");
  // OVS refuses two tunnel ports with the same receive config: the in_keys differ.
  EXPECT_EQ(ingress.options.at("in_key"), "123");
  EXPECT_EQ(egress.options.at("in_key"), std::to_string(123 + 0x10000));
  for (const auto& m : mirrors) {
    bool is_ingress = m.external_ids.at(kRoleKey) == "ingress";
    EXPECT_EQ(m.name, is_ingress ? "to-collector:ingress" : "to-collector:egress");
    EXPECT_EQ(m.output_port, is_ingress ? ingress.name : egress.name);
    EXPECT_EQ(is_ingress ? m.select_src_ports : m.select_dst_ports,
              std::vector<std::string>{"vm1"});
    EXPECT_TRUE(is_ingress ? m.select_dst_ports.empty() : m.select_src_ports.empty());
  }
}

TEST_F(ReconcilerTest, ErspanIIMarksEgressInTheIndexInHex) {
  auto plan = reconcileAll({erspanSession(ErspanVersion::kTypeII)}, *fake.state());
  std::vector<std::string> idx;
  for (const auto& a : plan.actions) {
    if (auto* p = std::get_if<ovs::CreatePort>(&a)) {
      EXPECT_EQ(p->spec.options.at("erspan_ver"), "1");
      idx.push_back(p->spec.options.at("erspan_idx"));
    }
  }
  std::sort(idx.begin(), idx.end());
  EXPECT_EQ(idx, (std::vector<std::string>{"0x33", "0x80033"}));
}

TEST_F(ReconcilerTest, GreAndIpv6UseOneTunnel) {
  Session s = erspanSession(ErspanVersion::kGre);
  std::get<ErspanDestination>(s.destination).remote_ip = "fd00::2";
  auto plan = reconcileAll({s}, *fake.state());
  ASSERT_EQ(plan.actions.size(), 2u);
  const auto& port = std::get<ovs::CreatePort>(plan.actions[0]).spec;
  EXPECT_EQ(port.type, "ip6gre");
  EXPECT_EQ(port.options.at("out_key"), "123");
  EXPECT_EQ(std::get<ovs::CreateMirror>(plan.actions[1]).spec.name, "to-collector");
}

TEST_F(ReconcilerTest, RspanMirrorsToTheVlan) {
  fake.addPort("br0", "uplink");
  Session s = localSession("r");
  s.type = SessionType::kRspan;
  s.destination = RspanDestination{.vlan = 999, .uplink = "uplink"};
  auto spec = std::get<ovs::CreateMirror>(reconcileAll({s}, *fake.state()).actions[0]).spec;
  EXPECT_EQ(spec.output_vlan, 999);
  EXPECT_FALSE(spec.output_port.has_value());
}

// OVS cuts the encapsulated packet to snaplen: the mirrored frame keeps the length asked for.
TEST_F(ReconcilerTest, NativeTunnelSnaplenAddsTheEncapsulation) {
  auto snaplen = [&](ErspanVersion version, const std::string& remote, ErspanBackend backend) {
    Session s = erspanSession(version, Direction::kIngress);
    s.mirrored_packet_length = 128;
    std::get<ErspanDestination>(s.destination).remote_ip = remote;
    std::get<ErspanDestination>(s.destination).backend = backend;
    for (const auto& a : reconcileAll({s}, *fake.state()).actions) {
      if (const auto* m = std::get_if<ovs::CreateMirror>(&a)) return m->spec.snaplen;
    }
    return std::optional<std::int64_t>();
  };
  EXPECT_EQ(snaplen(ErspanVersion::kTypeIII, "10.99.0.2", ErspanBackend::kNative), 128 + 54);
  EXPECT_EQ(snaplen(ErspanVersion::kTypeII, "10.99.0.2", ErspanBackend::kNative), 128 + 50);
  EXPECT_EQ(snaplen(ErspanVersion::kGre, "10.99.0.2", ErspanBackend::kNative), 128 + 42);
  EXPECT_EQ(snaplen(ErspanVersion::kTypeIII, "2001:db8::2", ErspanBackend::kNative), 128 + 74);
  EXPECT_EQ(snaplen(ErspanVersion::kTypeIII, "10.99.0.2", ErspanBackend::kExporter), 128);
}

// A capture session's writer cuts frames itself and keeps their wire length in the file.
TEST_F(ReconcilerTest, CaptureSessionLeavesSnaplenToItsWriter) {
  Session s = localSession("cap");
  s.type = SessionType::kCapture;
  s.destination = CaptureDestination{.file = "cap.pcapng"};  // inside the capture directory
  s.mirrored_packet_length = 128;
  auto actions = reconcileAll({s}, *fake.state()).actions;
  int mirrors = 0;
  for (const auto& a : actions) {
    if (const auto* m = std::get_if<ovs::CreateMirror>(&a)) {
      EXPECT_FALSE(m->spec.snaplen.has_value());
      ++mirrors;
    }
  }
  EXPECT_GT(mirrors, 0);
}

TEST_F(ReconcilerTest, ChangedSessionUpdatesTheRowInPlace) {
  std::vector<Session> sessions{localSession("web")};
  converge(sessions);
  sessions[0].mirrored_packet_length = 128;
  auto plan = reconcile(sessions, *fake.state());
  ASSERT_EQ(plan.actions.size(), 1u);
  EXPECT_EQ(std::get<ovs::UpdateMirror>(plan.actions[0]).spec.snaplen, 128);
}

TEST_F(ReconcilerTest, MissingDestinationWaits) {
  Session s = localSession("web");
  s.destination = LocalDestination{"analyzer"};
  auto plan = reconcileAll({s}, *fake.state());
  EXPECT_TRUE(plan.actions.empty());
  EXPECT_EQ(plan.statuses[0].state, SessionState::kWaiting);
  EXPECT_EQ(plan.statuses[0].missing, std::vector<std::string>{"destination port analyzer"});
}

TEST_F(ReconcilerTest, DestinationThatIsAlsoASourceIsAnError) {
  Session s = localSession("web");
  s.sources.push_back({.port = "tap"});
  auto plan = reconcileAll({s}, *fake.state());
  EXPECT_TRUE(plan.actions.empty());
  EXPECT_EQ(plan.statuses[0].state, SessionState::kError);
  // The static rule (the same as a create's) names the field before the switch is looked at.
  EXPECT_EQ(plan.statuses[0].problems,
            std::vector<std::string>{R"(destination.port: "tap" is also a source (sources[1]))"});
}

TEST_F(ReconcilerTest, RefusesTheThirtyThirdMirrorBeforeOvsDoes) {
  for (int i = 0; i < 31; ++i) fake.addForeignMirror("br0", "user" + std::to_string(i), "tap");
  auto plan = reconcileAll({erspanSession(ErspanVersion::kTypeIII)}, *fake.state());
  EXPECT_TRUE(plan.actions.empty());
  EXPECT_EQ(plan.statuses[0].state, SessionState::kError);
  EXPECT_EQ(plan.statuses[0].problems,
            std::vector<std::string>{"bridge br0 would have 33 mirrors; OVS allows at most 32"});
}

TEST_F(ReconcilerTest, PortNameTakenBySomeoneElseIsAnError) {
  Session s = erspanSession(ErspanVersion::kGre);
  fake.addPort("br0", ownedPortName(s.name, "all"));
  auto plan = reconcileAll({s}, *fake.state());
  EXPECT_TRUE(plan.actions.empty());
  ASSERT_EQ(plan.statuses[0].problems.size(), 1u);
  EXPECT_NE(plan.statuses[0].problems[0].find("is taken by a port"), std::string::npos);
}

TEST_F(ReconcilerTest, OtherOwnersRowsAreLeftAlone) {
  std::vector<Session> capture{erspanSession(ErspanVersion::kTypeIII)};
  capture[0].name = "capture-1";
  auto plan = reconcile(capture, *fake.state(), {.owner = "capture-42"});
  ASSERT_TRUE(fake.apply(plan.actions).has_value());
  // The store's reconciler (no owner) must not delete the capture's rows.
  EXPECT_TRUE(reconcileAll({}, *fake.state()).actions.empty());
  // Its owner converges to nothing when it is done.
  EXPECT_FALSE(reconcileAll({}, *fake.state(), {.owner = "capture-42"}).actions.empty());
}

TEST_F(ReconcilerTest, PortErrorsFromOvsAreReported) {
  std::vector<Session> sessions{erspanSession(ErspanVersion::kGre)};
  converge(sessions);
  fake.setInterfaceError(ownedPortName("to-collector", "all"), "could not add (File exists)");
  auto plan = reconcile(sessions, *fake.state());
  EXPECT_TRUE(plan.actions.empty());
  EXPECT_EQ(plan.statuses[0].state, SessionState::kError);
  EXPECT_EQ(plan.statuses[0].problems,
            std::vector<std::string>{"OVS: port " + ownedPortName("to-collector", "all") +
                                     ": could not add (File exists)"});
}

// OVS drops a tunnel packet too big for the interface it leaves by; the status says so, with
// the limit, and the session stays active (it still delivers the frames that fit).
TEST_F(ReconcilerTest, NativeTunnelFramesTooBigForTheUnderlayAreAWarning) {
  fake.addPort("br-ul", "br-ul", {}, "internal");
  std::vector<Session> sessions{erspanSession(ErspanVersion::kTypeIII)};
  const auto tunnels = converge(sessions)[0].ports;  // one per direction
  ASSERT_EQ(tunnels.size(), 2u);
  EXPECT_TRUE(reconcile(sessions, *fake.state()).statuses[0].warnings.empty())
      << "no warning before OVS says where the tunnels leave";

  fake.reportInterface("br-ul", 1500);
  for (const auto& t : tunnels)
    fake.reportInterface(t, std::nullopt, {{"tunnel_egress_iface", "br-ul"}});
  auto plan = reconcile(sessions, *fake.state());
  EXPECT_TRUE(plan.actions.empty());
  EXPECT_EQ(plan.statuses[0].state, SessionState::kActive);
  // ERSPAN III over IPv4 adds 40 bytes to the IP packet; vm1 (MTU 1500, not an access port)
  // sends frames of up to 1518 bytes.
  EXPECT_EQ(plan.statuses[0].warnings,
            std::vector<std::string>{
                "mirrored frames over 1460 bytes are dropped by OVS: 40 bytes of encapsulation do "
                "not fit the MTU of br-ul (1500), and frames here reach 1518 bytes; set a mirrored "
                "packet length of at most 1460 or an MTU of at least 1558 on br-ul"});

  fake.reportInterface("br-ul", 9000);
  EXPECT_TRUE(reconcile(sessions, *fake.state()).statuses[0].warnings.empty());

  fake.reportInterface("br-ul", 1500);
  sessions[0].mirrored_packet_length = 1460;
  EXPECT_TRUE(reconcile(sessions, *fake.state()).statuses[0].warnings.empty());
  sessions[0].mirrored_packet_length = 1461;
  EXPECT_EQ(reconcile(sessions, *fake.state()).statuses[0].warnings.size(), 1u);
}

TEST_F(ReconcilerTest, ErspanSessionWhoseOnlySourceLeftWaitsAndKeepsItsRows) {
  // Two bridges: with vm1 gone, no source says which bridge the session lives on.
  fake.addPort("br-ul", "uplink");
  std::vector<Session> sessions{erspanSession(ErspanVersion::kTypeIII)};
  converge(sessions);
  fake.deletePort("vm1");
  auto plan = reconcile(sessions, *fake.state());
  EXPECT_TRUE(plan.actions.empty());
  EXPECT_EQ(plan.statuses[0].state, SessionState::kWaiting);
  EXPECT_EQ(plan.statuses[0].missing, std::vector<std::string>{"iface_id vm-a (not present)"});
  EXPECT_TRUE(plan.statuses[0].problems.empty());
}

TEST_F(ReconcilerTest, OwnedPortNamesFitTheKernelLimit) {
  EXPECT_EQ(ownedPortName("a-very-long-session-name-indeed", "ingress").size(), 11u);
  EXPECT_NE(ownedPortName("a", "ingress"), ownedPortName("b", "ingress"));
  EXPECT_NE(ownedPortName("a", "ingress"), ownedPortName("a", "egress"));
}

}  // namespace
}  // namespace ovse::manager
