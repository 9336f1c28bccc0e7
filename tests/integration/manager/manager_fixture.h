// The part every manager integration test shares: a private OVS sandbox (the test is skipped with
// the reason where sandboxes cannot run), a temp dir, and `mirrorctl` run against that sandbox
// with a session store of its own in the temp dir (no daemon: sessions apply in-process).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "harness/process.h"
#include "harness/sandbox.h"

namespace ovse::test {

/// Base of the manager integration fixtures. A test's fixture names the namespaces its sandbox
/// starts with in addHosts(); its TEST_F suite name stays its own class's.
class ManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    OVSE_REQUIRE_SANDBOX();
    sandbox_ = std::make_unique<Sandbox>();
    addHosts();
  }

  /// Adds the VMs, analyzers and collectors the test needs to the fresh sandbox.
  virtual void addHosts() = 0;

  /// The session store of this test: a file in its temp dir.
  std::string store() const { return (tmp_.path() / "sessions.json").string(); }

  /// `mirrorctl ARGS --db <this sandbox's ovsdb-server>`, in argv form.
  std::vector<std::string> mirrorctlArgv(std::vector<std::string> args) const {
    args.insert(args.begin(), OVSE_MIRRORCTL);
    args.insert(args.end(), {"--db", sandbox_->dbRemote()});
    return args;
  }

  /// mirrorctlArgv with `--store store()` appended: the form of every `session` command.
  std::vector<std::string> sessionArgv(std::vector<std::string> args) const {
    args = mirrorctlArgv(std::move(args));
    args.insert(args.end(), {"--store", store()});
    return args;
  }

  /// Runs sessionArgv(args) in the test's own namespace.
  CommandResult ctl(std::vector<std::string> args) const {
    return run(sessionArgv(std::move(args)));
  }

  TempDir tmp_;
  std::unique_ptr<Sandbox> sandbox_;
};

}  // namespace ovse::test
