// The OVN planner and type rspan-destination: OVN's Mirror rows select logical switch ports and
// send to a remote sink, so an RSPAN VLAN arriving on an uplink has no OVN form. The session is
// refused with the reason (state error, no NB rows) and the sessions beside it keep theirs.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mirror_manager/ovn_plan.h"
#include "mirror_manager/session_json.h"

namespace ovse::manager {
namespace {

Session fromJson(const char* text) {
  auto s = sessionFromJson(nlohmann::json::parse(text));
  EXPECT_TRUE(s) << s.error().text();
  return *s;
}

const char kRspanDestination[] =
    R"({"name": "rd", "type": "rspan-destination", "source_vlans": [999], "uplink": "eth1",
        "destination": {"port": "analyzer"}})";

TEST(OvnPlanRspanDestination, IsRefusedWithTheReasonAndHasNoRows) {
  const auto p = planOvnMirrors(std::vector<Session>{fromJson(kRspanDestination)});
  EXPECT_TRUE(p.mirrors.empty());
  ASSERT_EQ(p.statuses.size(), 1u);
  EXPECT_EQ(p.statuses[0].name, "rd");
  EXPECT_EQ(p.statuses[0].state, SessionState::kError);
  // A session valid on OVS: the type is the one reason, said once, with the type's name.
  EXPECT_EQ(p.statuses[0].problems,
            std::vector<std::string>{"type rspan-destination: OVN 23.03 mirrors only to a "
                                     "remote sink (type erspan)"});
  EXPECT_TRUE(p.statuses[0].mirrors.empty());
}

TEST(OvnPlanRspanDestination, TheSessionBesideItKeepsItsRows) {
  const auto p = planOvnMirrors(std::vector<Session>{fromJson(kRspanDestination),
                                                     fromJson(R"({"name": "web", "type": "erspan",
                   "sources": [{"iface_id": "vm1", "direction": "ingress"}],
                   "destination": {"remote_ip": "172.31.99.2", "version": 2, "session_id": 10}})")});
  ASSERT_EQ(p.mirrors.size(), 1u);
  EXPECT_EQ(p.mirrors[0].owner, "web");
  ASSERT_EQ(p.statuses.size(), 2u);
  EXPECT_EQ(p.statuses[0].state, SessionState::kError);
  EXPECT_EQ(p.statuses[1].state, SessionState::kActive);
}

}  // namespace
}  // namespace ovse::manager
