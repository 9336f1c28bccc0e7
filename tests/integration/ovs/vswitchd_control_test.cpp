// VswitchdControl against a frozen ovs-vswitchd (SIGSTOP: its unixctl socket still accepts, no
// reply ever comes): a call gives up after its timeout with an error saying so, finding the
// socket by asking every *.ctl does not hang, and calls work again once it runs.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "harness/sandbox.h"
#include "ovs_plugin/vswitchd_control.h"

namespace ovse::test {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

pid_t vswitchdPid(const Sandbox& sandbox) {
  std::ifstream in(sandbox.dir() / "ovs-vswitchd.pid");
  pid_t pid = 0;
  in >> pid;
  return pid;
}

// Resumes the stopped daemon however the test ends.
struct Resume {
  pid_t pid;
  ~Resume() { ::kill(pid, SIGCONT); }
};

TEST(VswitchdControl, ACallToAFrozenVswitchdTimesOutAndSaysSo) {
  OVSE_REQUIRE_SANDBOX();
  Sandbox sandbox;
  ovs::VswitchdControl control(sandbox.vswitchdCtl().string(), milliseconds(800));
  ASSERT_TRUE(control.isVswitchd());
  const pid_t pid = vswitchdPid(sandbox);
  ASSERT_GT(pid, 0);
  ASSERT_EQ(::kill(pid, SIGSTOP), 0);
  Resume resume{pid};

  const auto start = Clock::now();
  auto reply = control.call("revalidator/purge");
  const auto took = Clock::now() - start;
  ASSERT_FALSE(reply.has_value());
  EXPECT_NE(reply.error().find("no reply within 800 ms"), std::string::npos) << reply.error();
  EXPECT_GE(took, milliseconds(750));
  EXPECT_LT(took, milliseconds(2000));

  ::kill(pid, SIGCONT);
  auto again = control.call("version");
  ASSERT_TRUE(again.has_value()) << again.error();
  EXPECT_EQ(again->rfind("ovs-vswitchd ", 0), 0u) << *again;
}

// A socket under a name the search must ask about (`--unixctl=DIR/NAME.ctl`): with the daemon
// frozen, find() gives up on it after the probe's timeout instead of hanging.
TEST(VswitchdControl, FindingTheSocketDoesNotHangOnAFrozenDaemon) {
  OVSE_REQUIRE_SANDBOX();
  Sandbox sandbox;
  TempDir other;
  const auto renamed = other.path() / "vswitchd.ctl";
  std::filesystem::rename(sandbox.vswitchdCtl(), renamed);
  std::filesystem::create_symlink(sandbox.dir() / "db.sock", other.path() / "db.sock");
  const std::string remote = "unix:" + (other.path() / "db.sock").string();
  auto found = ovs::VswitchdControl::find(remote);
  ASSERT_TRUE(found.has_value()) << found.error();
  EXPECT_EQ(found->path(), renamed.string());

  const pid_t pid = vswitchdPid(sandbox);
  ASSERT_EQ(::kill(pid, SIGSTOP), 0);
  Resume resume{pid};
  const auto start = Clock::now();
  auto frozen = ovs::VswitchdControl::find(remote);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(3));
  EXPECT_FALSE(frozen.has_value()) << "a daemon that does not answer is not taken";
  std::filesystem::rename(renamed, sandbox.vswitchdCtl());
}

}  // namespace
}  // namespace ovse::test
