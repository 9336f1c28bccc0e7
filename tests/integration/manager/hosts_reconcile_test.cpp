// `mirrorctl hosts --reconcile` against a real OVS: it follows the store as the daemon does
// (store_watch.h): a hand edit of the file is applied within a poll, SIGHUP reads the store again
// (an edit that kept the file's time), and two SIGINTs end it cleanly.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "integration/manager/manager_fixture.h"

namespace ovse::test {
namespace {

namespace fs = std::filesystem;

class HostsReconcileTest : public ManagerTest {
 protected:
  void addHosts() override {
    // Two sources (vm-a, vm-b) and two analyzers (an1, an2): one analyzer per session.
    int n = 0;
    for (const char* name : {"vm-a", "vm-b", "an1", "an2"}) {
      const std::string i = std::to_string(++n);
      sandbox_->addVm(name, "10.0.0." + i + "/24", "02:00:00:00:00:0" + i, name);
    }
  }

  // Stores (never applies) a local session `name` of `iface_id` into the port `analyzer`.
  void storeSession(const std::string& name, const std::string& iface_id,
                    const std::string& analyzer) {
    auto r =
        run({OVSE_MIRRORCTL, "session", "create", name, "--type", "local", "--source",
             "iface_id=" + iface_id, "--dest-port", analyzer, "--no-apply", "--store", store()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  std::string mirrorNames() const {
    return sandbox_->vsctl({"--bare", "--columns=name", "list", "Mirror"}).out;
  }

  // Waits up to 10 s for `has` to hold of the Mirror names.
  bool waitMirrors(const std::function<bool(const std::string&)>& has) const {
    for (int i = 0; i < 100; ++i) {
      if (has(mirrorNames())) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }
};

bool contains(const std::string& text, const std::string& word) {
  return text.find(word) != std::string::npos;
}

TEST_F(HostsReconcileTest, FollowsTheStoreReloadsOnSighupAndStopsOnTwoInterrupts) {
  storeSession("first", "vm-a", "an1");
  const fs::path log = sandbox_->dir() / "mirrorctl-hosts.log";
  Background hosts({OVSE_MIRRORCTL, "hosts", "--host", "hv=" + sandbox_->dbRemote(), "--store",
                    store(), "--reconcile"},
                   log);
  ASSERT_TRUE(waitMirrors([](const std::string& m) { return contains(m, "first"); }))
      << mirrorNames();

  // A second writer's save (a new file time): picked up without a signal.
  storeSession("second", "vm-b", "an2");
  ASSERT_TRUE(waitMirrors([](const std::string& m) { return contains(m, "second"); }))
      << mirrorNames();

  // An edit that keeps the file's time (made on a copy, renamed over the store at once) is not
  // seen until SIGHUP asks for a reload.
  const std::string copy = (tmp_.path() / "edited.json").string();
  fs::copy_file(store(), copy);
  auto r = run({OVSE_MIRRORCTL, "session", "delete", "first", "--no-apply", "--store", copy});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  fs::last_write_time(copy, fs::last_write_time(store()));
  fs::rename(copy, store());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_TRUE(contains(mirrorNames(), "first")) << "no change of the file's time, no reload";
  ASSERT_EQ(kill(hosts.pid(), SIGHUP), 0);
  EXPECT_TRUE(waitMirrors([](const std::string& m) { return !contains(m, "first"); }))
      << mirrorNames();
  EXPECT_TRUE(hosts.running()) << "SIGHUP reloads, it does not end the loop";
  EXPECT_TRUE(contains(mirrorNames(), "second"));

  // Ctrl-C twice: one clean exit.
  ASSERT_EQ(kill(hosts.pid(), SIGINT), 0);
  EXPECT_EQ(hosts.stop(SIGINT), 0);
  std::ifstream in(log);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(contains(text, "session second: active on hv")) << text;
}

}  // namespace
}  // namespace ovse::test
