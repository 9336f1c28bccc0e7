// StoreWatch and StoreFollower: when the three reconcile loops (serve, hosts --reconcile,
// ovn sync --watch) read the store again: a change of the file's time (appearing and
// disappearing included), SIGHUP's request, the re-sync period; an unreadable store is logged
// once per distinct error and hands over nothing.
#include "mirror_manager/store_watch.h"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "harness/process.h"
#include "mirror_manager/store.h"

namespace ovse::manager {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class StoreWatchTest : public ::testing::Test {
 protected:
  // Saves a store of `names` and gives the file a time of its own (`second` seconds after a
  // fixed point), so no two saves in one test share a time whatever the file system's clock.
  void save(const std::vector<std::string>& names, int second) {
    auto store = SessionStore::open(path_);
    ASSERT_TRUE(store) << store.error();
    for (const auto& name : names) {
      Session s;
      s.name = name;
      s.sources = {{.iface_id = "vm-a", .direction = Direction::kIngress}};
      s.destination = LocalDestination{"tap-" + name};
      store->upsert(std::move(s));
    }
    ASSERT_TRUE(store->save());
    setTime(second);
  }
  void setTime(int second) {
    fs::last_write_time(path_, fs::file_time_type(std::chrono::seconds(1'700'000'000 + second)));
  }
  static std::vector<std::string> names(const std::vector<Session>& sessions) {
    std::vector<std::string> out;
    for (const auto& s : sessions) out.push_back(s.name);
    return out;
  }

  test::TempDir dir_;
  fs::path path_ = dir_.path() / "sessions.json";
  std::vector<std::string> logged_;
  StoreFollower::Log log_ = [this](const std::string& line) { logged_.push_back(line); };
};

TEST_F(StoreWatchTest, FirstLookIsAChangeThenOnlyANewTime) {
  save({"a"}, 0);
  StoreWatch watch(path_);
  EXPECT_TRUE(watch.changed());
  EXPECT_FALSE(watch.changed());
  setTime(0);  // rewritten with the same time: nothing to see
  EXPECT_FALSE(watch.changed());
  setTime(1);
  EXPECT_TRUE(watch.changed());
  EXPECT_FALSE(watch.changed());
}

TEST_F(StoreWatchTest, AMissingStoreIsOneStateAndItsComingAndGoingAreChanges) {
  StoreWatch watch(path_);
  EXPECT_TRUE(watch.changed());  // the first look: the empty store
  EXPECT_FALSE(watch.changed());
  save({"a"}, 0);
  EXPECT_TRUE(watch.changed());
  fs::remove(path_);
  EXPECT_TRUE(watch.changed());
  EXPECT_FALSE(watch.changed());
}

TEST_F(StoreWatchTest, FollowerHandsOverTheSessionsOnEachChangeOnly) {
  save({"a"}, 0);
  StoreFollower follower(path_, log_);
  auto first = follower.poll();
  ASSERT_TRUE(first);
  EXPECT_EQ(names(*first), std::vector<std::string>{"a"});
  EXPECT_FALSE(follower.poll());
  save({"a", "b"}, 1);
  auto second = follower.poll();
  ASSERT_TRUE(second);
  EXPECT_EQ(names(*second), (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(follower.poll());
  EXPECT_TRUE(logged_.empty());
}

TEST_F(StoreWatchTest, ReloadRequestReadsTheUnchangedStoreAgain) {
  save({"a"}, 0);
  StoreFollower follower(path_, log_);
  ASSERT_TRUE(follower.poll());
  follower.requestReload();
  auto again = follower.poll();
  ASSERT_TRUE(again);
  EXPECT_EQ(names(*again), std::vector<std::string>{"a"});
  EXPECT_FALSE(follower.poll());  // one request, one read
}

TEST_F(StoreWatchTest, ResyncPeriodReadsTheStoreAgainWhenItRunsOut) {
  save({"a"}, 0);
  StoreFollower follower(path_, log_, 50ms);
  ASSERT_TRUE(follower.poll());
  EXPECT_FALSE(follower.poll());
  std::this_thread::sleep_for(60ms);
  EXPECT_TRUE(follower.poll());
}

TEST_F(StoreWatchTest, UnreadableStoreIsLoggedOncePerErrorAndHandsOverNothing) {
  save({"a"}, 0);
  StoreFollower follower(path_, log_);
  ASSERT_TRUE(follower.poll());
  std::ofstream(path_, std::ios::trunc) << "{\"schema_version\": 1, \"sessions\": [";
  setTime(1);
  EXPECT_FALSE(follower.poll());
  ASSERT_EQ(logged_.size(), 1u);
  EXPECT_NE(logged_[0].find(path_.string()), std::string::npos) << logged_[0];
  EXPECT_NE(logged_[0].find("the sessions applied before stay"), std::string::npos) << logged_[0];
  setTime(2);  // touched, still broken the same way: no second line
  EXPECT_FALSE(follower.poll());
  EXPECT_EQ(logged_.size(), 1u);
  fs::remove(path_);  // a broken store cannot be opened to be saved over
  save({"b"}, 3);
  auto fixed = follower.poll();
  ASSERT_TRUE(fixed);
  EXPECT_EQ(names(*fixed), std::vector<std::string>{"b"});
  EXPECT_EQ(logged_.size(), 1u);
}

}  // namespace
}  // namespace ovse::manager
