// VXLAN and Geneve destinations: the JSON form (version strings, vni), the validation rules (VNI
// required and below 2^24, no session ID / index / hardware ID, no VNI on ERSPAN), the OVS rows a
// native session gets (one vxlan/geneve port, key = VNI) and the snaplen's encapsulation.
#include <gtest/gtest.h>

#include "fake_switch.h"
#include "mirror_manager/reconciler.h"
#include "mirror_manager/session_json.h"
#include "unit/manager/validation_helpers.h"

namespace ovse::manager {
namespace {

using nlohmann::json;
using test::check;
using test::Texts;

Session udpTunnelSession(ErspanVersion version, std::optional<std::uint32_t> vni,
                         std::string remote_ip = "10.99.0.2") {
  Session s;
  s.name = "to-vtep";
  s.type = SessionType::kErspan;
  s.sources = {{.iface_id = "vm-a"}};
  s.destination =
      ErspanDestination{.remote_ip = std::move(remote_ip), .version = version, .vni = vni};
  return s;
}

TEST(UdpTunnelSessionJson, ReadsAndWritesVersionAndVni) {
  auto s = sessionFromJson(json::parse(R"({"name": "v", "type": "erspan",
      "destination": {"remote_ip": "10.0.0.2", "version": "vxlan", "vni": 123456}})"));
  ASSERT_TRUE(s) << s.error().text();
  const auto& d = std::get<ErspanDestination>(s->destination);
  EXPECT_EQ(d.version, ErspanVersion::kVxlan);
  EXPECT_EQ(d.vni, 123456u);
  const json out = sessionToJson(*s);
  EXPECT_EQ(out["destination"]["version"], "vxlan");
  EXPECT_EQ(out["destination"]["vni"], 123456);
  auto back = sessionFromJson(out);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, *s);

  auto g = sessionFromJson(json::parse(R"({"name": "g", "type": "erspan",
      "destination": {"remote_ip": "fd00::2", "version": "geneve", "vni": 0}})"));
  ASSERT_TRUE(g);
  EXPECT_EQ(std::get<ErspanDestination>(g->destination).version, ErspanVersion::kGeneve);
  EXPECT_EQ(sessionToJson(*g)["destination"]["version"], "geneve");
  // An ERSPAN session's JSON has no vni at all.
  auto e = sessionFromJson(json::parse(R"({"name": "e", "type": "erspan",
      "destination": {"remote_ip": "10.0.0.2", "version": 3}})"));
  ASSERT_TRUE(e);
  EXPECT_FALSE(sessionToJson(*e)["destination"].contains("vni"));
}

TEST(UdpTunnelValidation, VniIsRequiredAndHas24Bits) {
  EXPECT_EQ(check(udpTunnelSession(ErspanVersion::kVxlan, std::nullopt)),
            Texts{"destination.vni: required for version vxlan"});
  EXPECT_EQ(check(udpTunnelSession(ErspanVersion::kGeneve, 1u << 24)),
            Texts{"destination.vni: 16777216 is above 16777215"});
  EXPECT_EQ(check(udpTunnelSession(ErspanVersion::kVxlan, (1u << 24) - 1)), Texts{});
  EXPECT_EQ(check(udpTunnelSession(ErspanVersion::kGeneve, 0, "fd00::2")), Texts{});
}

TEST(UdpTunnelValidation, ErspanFieldsAreRefusedWithTheirPath) {
  Session s = udpTunnelSession(ErspanVersion::kVxlan, 7);
  auto& d = std::get<ErspanDestination>(s.destination);
  d.session_id = 5;
  EXPECT_EQ(check(s), Texts{"destination.session_id: 5 does not apply to version vxlan: it "
                            "carries a VNI (destination.vni), not an ERSPAN session ID (remove "
                            "it)"});
  d.session_id = 0;
  d.index = 9;
  ASSERT_EQ(check(s).size(), 1u);
  EXPECT_TRUE(check(s)[0].starts_with("destination.index: 9 needs version 2")) << check(s)[0];
  d.index = 0;
  d.hwid = 3;
  ASSERT_EQ(check(s).size(), 1u);
  EXPECT_TRUE(check(s)[0].starts_with("destination.hwid: 3 needs version 3")) << check(s)[0];
}

TEST(UdpTunnelValidation, VniIsRefusedOnErspanAndGre) {
  Session s = udpTunnelSession(ErspanVersion::kTypeII, 77);
  EXPECT_EQ(check(s), Texts{"destination.vni: 77 does not apply to version 2: only vxlan and "
                            "geneve carry a VNI (remove it)"});
  std::get<ErspanDestination>(s.destination).version = ErspanVersion::kGre;
  EXPECT_EQ(check(s), Texts{"destination.vni: 77 does not apply to version gre: only vxlan and "
                            "geneve carry a VNI (remove it)"});
}

TEST(UdpTunnelValidation, SameVniToOneCollectorIsAWarning) {
  Session other = udpTunnelSession(ErspanVersion::kVxlan, 7);
  other.name = "other";
  std::vector<Session> peers{other};
  EXPECT_EQ(check(udpTunnelSession(ErspanVersion::kVxlan, 7), peers),
            Texts{"warning: destination.vni: 7 is also used by session \"other\" to 10.99.0.2; "
                  "the collector cannot tell them apart"});
  EXPECT_EQ(check(udpTunnelSession(ErspanVersion::kVxlan, 8), peers), Texts{});
}

class UdpTunnelRowsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake.addPort("br0", "vm1", {{"iface-id", "vm-a"}, {"attached-mac", "02:00:00:00:00:01"}});
  }
  ovse::test::FakeSwitch fake;
};

TEST_F(UdpTunnelRowsTest, NativeSessionMirrorsBothDirectionsIntoOneTunnelPortKeyedByVni) {
  for (auto [version, type] : {std::pair{ErspanVersion::kVxlan, "vxlan"},
                               std::pair{ErspanVersion::kGeneve, "geneve"}}) {
    Session s = udpTunnelSession(version, 4242, "fd00::2");
    std::get<ErspanDestination>(s.destination).dscp = 10;
    auto plan = reconcile(std::vector<Session>{s}, *fake.state(), {});
    ASSERT_EQ(plan.actions.size(), 2u) << type;
    const auto& port = std::get<ovs::CreatePort>(plan.actions[0]).spec;
    EXPECT_EQ(port.type, type);
    EXPECT_EQ(port.options, (ovs::StringMap{{"remote_ip", "fd00::2"}, {"key", "4242"},
                                            {"tos", "40"}}));
    const auto& mirror = std::get<ovs::CreateMirror>(plan.actions[1]).spec;
    EXPECT_EQ(mirror.name, "to-vtep");
    EXPECT_EQ(mirror.output_port, port.name);
    EXPECT_EQ(mirror.select_src_ports, std::vector<std::string>{"vm1"});
    EXPECT_EQ(mirror.select_dst_ports, std::vector<std::string>{"vm1"});
  }
}

TEST_F(UdpTunnelRowsTest, SnaplenAddsTheUdpTunnelHeaders) {
  Session s = udpTunnelSession(ErspanVersion::kVxlan, 1);
  s.mirrored_packet_length = 128;
  auto plan = reconcile(std::vector<Session>{s}, *fake.state(), {});
  ASSERT_EQ(plan.actions.size(), 2u);
  // Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8.
  EXPECT_EQ(std::get<ovs::CreateMirror>(plan.actions[1]).spec.snaplen, 128 + 50);
  Session g = udpTunnelSession(ErspanVersion::kGeneve, 1, "fd00::2");
  g.mirrored_packet_length = 128;
  plan = reconcile(std::vector<Session>{g}, *fake.state(), {});
  ASSERT_EQ(plan.actions.size(), 2u);
  // Ethernet 14 + IPv6 40 + UDP 8 + Geneve 8 (no options).
  EXPECT_EQ(std::get<ovs::CreateMirror>(plan.actions[1]).spec.snaplen, 128 + 70);
}

TEST_F(UdpTunnelRowsTest, ExporterBackedSessionGetsItsInternalPortsPerDirection) {
  Session s = udpTunnelSession(ErspanVersion::kGeneve, 9);
  std::get<ErspanDestination>(s.destination).backend = ErspanBackend::kExporter;
  auto plan = reconcile(std::vector<Session>{s}, *fake.state(), {});
  int internal = 0;
  for (const auto& a : plan.actions) {
    if (auto* p = std::get_if<ovs::CreatePort>(&a)) internal += p->spec.type == "internal";
  }
  EXPECT_EQ(internal, 2);
}

}  // namespace
}  // namespace ovse::manager
