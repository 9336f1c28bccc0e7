// reconcileAndApply against FakeSwitch: convergence, refusals attributed to their sessions.
#include "mirror_manager/apply.h"

#include <gtest/gtest.h>

#include "fake_switch.h"

namespace ovse::manager {
namespace {

Session local(const std::string& name, const std::string& iface_id) {
  Session s;
  s.name = name;
  s.sources = {{.iface_id = iface_id}};
  s.destination = LocalDestination{"tap"};
  return s;
}

TEST(ReconcileAndApply, ConvergesInOneTransaction) {
  test::FakeSwitch fake;
  fake.addPort("br0", "vm1", {{"iface-id", "a"}});
  fake.addPort("br0", "tap");
  std::vector<Session> sessions{local("web", "a")};
  auto out = reconcileAndApply(sessions, fake);
  EXPECT_FALSE(out.error);
  EXPECT_EQ(out.actions_applied, 1u);
  EXPECT_EQ(fake.applyCount(), 1);
  EXPECT_EQ(out.statuses[0].state, SessionState::kActive);
  out = reconcileAndApply(sessions, fake);
  EXPECT_EQ(out.actions_applied, 0u);
  EXPECT_EQ(fake.applyCount(), 1);
}

TEST(ReconcileAndApply, StalePlanIsPlannedAgainNotAppliedTwice) {
  test::FakeSwitch fake;
  fake.addPort("br0", "vm1", {{"iface-id", "a"}});
  fake.addPort("br0", "tap");
  std::vector<Session> sessions{local("web", "a")};
  fake.refuseAsStale(2);
  auto out = reconcileAndApply(sessions, fake);
  EXPECT_FALSE(out.error);
  EXPECT_EQ(fake.applyCount(), 3);
  EXPECT_EQ(fake.state()->mirrors.size(), 1u);
  EXPECT_EQ(out.statuses[0].state, SessionState::kActive);
}

TEST(ReconcileAndApply, AnotherWriterCreatingTheMirrorFirstLeavesOneRow) {
  test::FakeSwitch fake;
  fake.addPort("br0", "vm1", {{"iface-id", "a"}});
  fake.addPort("br0", "tap");
  std::vector<Session> sessions{local("web", "a")};
  auto planned_on = fake.state()->seqno;
  auto plan = reconcile(sessions, *fake.state(), {});
  ASSERT_TRUE(fake.apply(plan.actions, planned_on).has_value());  // the other writer
  auto late = fake.apply(plan.actions, planned_on);                // ours, planned before it
  ASSERT_FALSE(late.has_value());
  EXPECT_TRUE(late.error().stale);
  auto out = reconcileAndApply(sessions, fake);
  EXPECT_EQ(out.actions_applied, 0u);
  EXPECT_EQ(fake.state()->mirrors.size(), 1u);
}

TEST(ReconcileAndApply, EndlesslyStaleReportsTheError) {
  test::FakeSwitch fake;
  fake.addPort("br0", "vm1", {{"iface-id", "a"}});
  fake.addPort("br0", "tap");
  std::vector<Session> sessions{local("web", "a")};
  fake.refuseAsStale(100);
  auto out = reconcileAndApply(sessions, fake);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.statuses[0].state, SessionState::kError);
  EXPECT_TRUE(fake.state()->mirrors.empty());
}

TEST(ReconcileAndApply, RefusalMarksTheTouchedSessionsOnly) {
  test::FakeSwitch fake;
  fake.addPort("br0", "vm1", {{"iface-id", "a"}});
  fake.addPort("br0", "tap");
  std::vector<Session> sessions{local("web", "a"), local("idle", "absent")};
  // Two sessions may not share an analyzer port (the later one would be an error).
  sessions[1].destination = LocalDestination{"tap2"};
  fake.failNextApply("constraint violation");
  auto out = reconcileAndApply(sessions, fake);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(*out.error, "constraint violation");
  EXPECT_EQ(out.statuses[0].state, SessionState::kError);
  EXPECT_EQ(out.statuses[0].problems.back(), "constraint violation");
  EXPECT_EQ(out.statuses[1].state, SessionState::kWaiting);
  EXPECT_TRUE(fake.state()->mirrors.empty());
}

}  // namespace
}  // namespace ovse::manager
