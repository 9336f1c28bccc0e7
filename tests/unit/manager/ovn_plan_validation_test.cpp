// The OVN planner holds stored sessions to validateSession's rules, as the reconciler does: a
// hand-edited store reaches `ovn sync` too.
#include <gtest/gtest.h>

#include "mirror_manager/ovn_plan.h"

namespace ovse::manager {
namespace {

Session ingressTo(std::string name, std::uint16_t session_id) {
  Session s;
  s.name = std::move(name);
  s.type = SessionType::kErspan;
  s.sources = {{.iface_id = "vm1", .direction = Direction::kIngress}};
  s.destination = ErspanDestination{.remote_ip = "172.31.99.2", .session_id = session_id};
  return s;
}

TEST(OvnPlanValidation, HandEditedSessionIdOutOfRangeIsAnErrorNamingTheFieldAndHasNoRows) {
  const auto p = planOvnMirrors(std::vector<Session>{ingressTo("big", 5000)});
  EXPECT_TRUE(p.mirrors.empty());
  ASSERT_EQ(p.statuses.size(), 1u);
  EXPECT_EQ(p.statuses[0].state, SessionState::kError);
  ASSERT_FALSE(p.statuses[0].problems.empty());
  EXPECT_NE(p.statuses[0].problems[0].find("destination.session_id"), std::string::npos)
      << p.statuses[0].problems[0];
}

TEST(OvnPlanValidation, ALaterSessionThatClashesIsTheErrorTheEarlierOneKeepsItsRows) {
  const auto p = planOvnMirrors(std::vector<Session>{ingressTo("web", 10), ingressTo("web", 11)});
  ASSERT_EQ(p.statuses.size(), 2u);
  EXPECT_EQ(p.statuses[0].state, SessionState::kActive);
  EXPECT_EQ(p.statuses[1].state, SessionState::kError);
  ASSERT_EQ(p.mirrors.size(), 1u);
  EXPECT_EQ(p.mirrors[0].index, 10);
}

}  // namespace
}  // namespace ovse::manager
