// The OVN planner: rows per direction, indexes, and every session OVN 23.03 cannot express.
#include "mirror_manager/ovn_plan.h"

#include <gtest/gtest.h>

namespace ovse::manager {
namespace {

Session ovnSession(std::vector<Source> sources, ErspanVersion version = ErspanVersion::kTypeII) {
  Session s;
  s.name = "web";
  s.type = SessionType::kErspan;
  s.sources = std::move(sources);
  s.destination =
      ErspanDestination{.remote_ip = "172.31.99.2", .version = version, .session_id = 10};
  return s;
}

OvnPlan plan(const Session& s) { return planOvnMirrors(std::vector<Session>{s}); }

TEST(OvnPlan, BothDirectionsAreTwoRowsWithDistinctIndexes) {
  auto p =
      plan(ovnSession({{.iface_id = "vm1"}, {.port = "vm2", .direction = Direction::kIngress}}));
  ASSERT_EQ(p.mirrors.size(), 2u);
  EXPECT_EQ(
      p.mirrors[0],
      (ovs::OvnMirrorSpec{
          "web:from-lport", "from-lport", "172.31.99.2", "erspan", 10, {"vm1", "vm2"}, "web"}));
  EXPECT_EQ(p.mirrors[1],
            (ovs::OvnMirrorSpec{
                "web:to-lport", "to-lport", "172.31.99.2", "erspan", 10 + 512, {"vm1"}, "web"}));
  EXPECT_EQ(p.statuses[0].state, SessionState::kActive);
  EXPECT_EQ(p.statuses[0].mirrors, (std::vector<std::string>{"web:from-lport", "web:to-lport"}));
}

TEST(OvnPlan, OneDirectionIsOneRowNamedLikeTheSession) {
  auto p =
      plan(ovnSession({{.iface_id = "vm1", .direction = Direction::kEgress}}, ErspanVersion::kGre));
  ASSERT_EQ(p.mirrors.size(), 1u);
  EXPECT_EQ(p.mirrors[0],
            (ovs::OvnMirrorSpec{"web", "to-lport", "172.31.99.2", "gre", 10, {"vm1"}, "web"}));
}

TEST(OvnPlan, WhatOvnCannotExpressIsTheSessionsError) {
  auto problems = [](const Session& s) {
    auto p = plan(s);
    EXPECT_TRUE(p.mirrors.empty());
    EXPECT_EQ(p.statuses[0].state, SessionState::kError);
    return p.statuses[0].problems;
  };
  EXPECT_EQ(problems(ovnSession({{.iface_id = "vm1"}}, ErspanVersion::kTypeIII)),
            std::vector<std::string>{"destination.version 3: OVN 23.03 sends ERSPAN Type II "
                                     "only (OVS erspan_ver=1), or GRE"});
  EXPECT_EQ(problems(ovnSession({{.iface_id = "vm1"}}, ErspanVersion::kVxlan)).at(0),
            "destination.version vxlan: OVN 23.03 sends ERSPAN Type II only (OVS erspan_ver=1), "
            "or GRE");
  EXPECT_EQ(problems(ovnSession({{.mac = "02:00:00:00:00:01"}})),
            std::vector<std::string>{"sources[0]: mac 02:00:00:00:00:01: OVN mirrors name "
                                     "logical switch ports; use port= or iface_id="});
  Session big = ovnSession({{.iface_id = "vm1"}});
  std::get<ErspanDestination>(big.destination).session_id = 600;
  EXPECT_EQ(problems(big), std::vector<std::string>{
                               "destination.session_id 600 is above 511: with OVN the to-lport "
                               "row of a both-directions session uses the session ID + 512"});
  Session local = ovnSession({{.iface_id = "vm1"}});
  local.type = SessionType::kLocal;
  local.destination = LocalDestination{"tap"};
  EXPECT_EQ(problems(local), std::vector<std::string>{"type local: OVN 23.03 mirrors only to a "
                                                      "remote sink (type erspan)"});
  Session cut = ovnSession({{.iface_id = "vm1"}});
  cut.mirrored_packet_length = 128;
  std::get<ErspanDestination>(cut.destination).remote_ip = "2001:db8::2";
  std::get<ErspanDestination>(cut.destination).backend = ErspanBackend::kExporter;
  EXPECT_EQ(problems(cut).size(), 3u);
}

TEST(OvnPlan, DisabledSessionsHaveNoRowsAndMissingPortsDegrade) {
  Session off = ovnSession({{.iface_id = "vm1"}});
  off.enabled = false;
  EXPECT_EQ(plan(off).statuses[0].state, SessionState::kDisabled);
  EXPECT_TRUE(plan(off).mirrors.empty());

  std::vector<Session> sessions{ovnSession({{.iface_id = "vm1"}, {.iface_id = "gone"}})};
  auto p = planOvnMirrors(sessions);
  markMissingPorts(p, sessions, {"gone"});
  EXPECT_EQ(p.statuses[0].state, SessionState::kDegraded);
  EXPECT_EQ(p.statuses[0].missing,
            std::vector<std::string>{"iface_id gone (no such logical switch port)"});
  auto none = planOvnMirrors(sessions);
  markMissingPorts(none, sessions, {"gone", "vm1"});
  EXPECT_EQ(none.statuses[0].state, SessionState::kWaiting);
}

}  // namespace
}  // namespace ovse::manager
