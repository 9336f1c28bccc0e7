// The capture's manager side over FakeSwitch (mirror_manager_capture): CaptureSwitch programs the
// run's rows under its owner, re-binds a re-created port and says so, lists the ports to read and
// removes every row at the end; removeDeadCaptures removes the rows of an owner whose process is
// gone and keeps a live one's.
#include "mirror_manager/capture_switch.h"

#include <gtest/gtest.h>

#include "manager/fake_switch.h"
#include "mirror_manager/capture_cleanup.h"

namespace ovse::manager {
namespace {

std::size_t ownedRows(const ovs::SwitchState& state, const std::string& owner) {
  for (const auto& rows : captureRows(state)) {
    if (rows.owner == owner) return rows.mirrors.size() + rows.ports.size();
  }
  return 0;
}

std::vector<Session> runSessions(const std::string& owner) {
  CaptureRequest request;
  request.targets = {{{.port = "vm1"}, "vm1", {"vm1"}, {}}};
  request.direction = Direction::kBoth;
  request.owner = owner;
  return captureSessions(request);
}

TEST(CaptureSwitch, ProgramsRebindsAndRemovesTheRunsRows) {
  test::FakeSwitch fake;
  fake.addPort("br0", "vm1");
  const std::string owner = formatCaptureOwner(selfOwner());
  CaptureSwitch sw(fake, runSessions(owner), {"vm1"}, owner);
  ASSERT_TRUE(sw.program());
  EXPECT_GT(ownedRows(*fake.state(), owner), 0u);
  EXPECT_FALSE(sw.taps().empty()) << "internal ports to read";
  EXPECT_EQ(sw.presence()[0].ports, std::vector<std::string>{"vm1"});

  fake.deletePort("vm1");
  auto gone = sw.refresh();
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_NE(gone[0].find("vm1: port vm1 is gone"), std::string::npos) << gone[0];
  fake.addPort("br0", "vm1");
  auto back = sw.refresh();
  ASSERT_EQ(back.size(), 1u);
  EXPECT_NE(back[0].find("vm1: back as port vm1"), std::string::npos) << back[0];
  EXPECT_EQ(sw.rebindCount(), 1u);

  ASSERT_TRUE(sw.remove());
  EXPECT_EQ(ownedRows(*fake.state(), owner), 0u);
}

TEST(CaptureCleanup, RemovesTheRowsOfDeadOwnersOnly) {
  test::FakeSwitch fake;
  fake.addPort("br0", "vm1");
  const std::string live = formatCaptureOwner(selfOwner());
  // A pid this kernel cannot have (above pid_max), so its process is gone.
  const std::string dead = formatCaptureOwner({99999999, 1, selfOwner().boot_id});
  CaptureSwitch live_run(fake, runSessions(live), {"vm1"}, live);
  ASSERT_TRUE(live_run.program());
  CaptureSwitch dead_run(fake, runSessions(dead), {"vm1"}, dead);
  ASSERT_TRUE(dead_run.program());

  auto removed = removeDeadCaptures(fake);
  ASSERT_TRUE(removed) << removed.error();
  ASSERT_EQ(removed->size(), 1u);
  EXPECT_EQ((*removed)[0].rows.owner, dead);
  EXPECT_EQ(ownedRows(*fake.state(), dead), 0u);
  EXPECT_GT(ownedRows(*fake.state(), live), 0u);
}

}  // namespace
}  // namespace ovse::manager
