// OvsdbClient::connect, the one "connect and wait for the contents" every command uses: the
// contents are there when it returns; a remote that is not there fails at once without
// reconnecting, and after the timeout with it; each error names the remote.
#include <gtest/gtest.h>

#include <chrono>

#include "harness/sandbox.h"
#include "ovs_plugin/ovsdb_client.h"

namespace ovse::test {
namespace {

using Clock = std::chrono::steady_clock;

TEST(OvsdbConnect, ContentsHaveArrivedWhenItReturns) {
  OVSE_REQUIRE_SANDBOX();
  Sandbox sandbox;
  sandbox.addVm("vm1", "10.0.0.1/24");
  auto client =
      ovs::OvsdbClient::connect({.remote = sandbox.dbRemote(), .retry = false}, std::chrono::seconds(5));
  ASSERT_TRUE(client.has_value()) << client.error();
  ASSERT_NE((*client)->snapshot(), nullptr);
  EXPECT_NE((*client)->snapshot()->portByName("vm1"), nullptr);
}

TEST(OvsdbConnect, MissingSocketFailsAtOnceNamingTheRemoteWithoutRetry) {
  TempDir tmp;
  const std::string remote = "unix:" + (tmp.path() / "db.sock").string();
  const auto start = Clock::now();
  auto client = ovs::OvsdbClient::connect({.remote = remote, .retry = false},
                                          std::chrono::seconds(10));
  ASSERT_FALSE(client.has_value());
  EXPECT_NE(client.error().find(remote), std::string::npos) << client.error();
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5)) << "no waiting for the timeout";
}

TEST(OvsdbConnect, MissingSocketIsWaitedForUntilTheTimeoutWithRetry) {
  TempDir tmp;
  const std::string remote = "unix:" + (tmp.path() / "db.sock").string();
  const auto start = Clock::now();
  auto client = ovs::OvsdbClient::connect({.remote = remote, .retry = true},
                                          std::chrono::milliseconds(500));
  ASSERT_FALSE(client.has_value());
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(500));
  EXPECT_NE(client.error().find("timed out after 0.5 s waiting for OVSDB at " + remote),
            std::string::npos)
      << client.error();
}

}  // namespace
}  // namespace ovse::test
