// The store's writer lock: one holder at a time, the holder named in the refusal and readable
// by others, released when the holder goes.
#include "mirror_manager/store_lock.h"

#include <gtest/gtest.h>

#include "harness/process.h"

namespace ovse::manager {
namespace {

TEST(StoreLock, SecondWriterIsRefusedWithTheHolderNamed) {
  test::TempDir tmp;
  const auto store = tmp.path() / "sub" / "sessions.json";
  auto first = StoreLock::acquire(store, {0, "mirrorctl serve", "unix:/run/x.sock"},
                                  std::chrono::milliseconds(0));
  ASSERT_TRUE(first) << first.error();
  auto second =
      StoreLock::acquire(store, {0, "mirrorctl session", ""}, std::chrono::milliseconds(100));
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().find("in use by mirrorctl serve (pid " + std::to_string(::getpid())),
            std::string::npos)
      << second.error();
  EXPECT_NE(second.error().find("API at unix:/run/x.sock"), std::string::npos) << second.error();
  auto holder = StoreLock::holder(store);
  ASSERT_TRUE(holder);
  EXPECT_EQ(holder->program, "mirrorctl serve");
  EXPECT_EQ(holder->server, "unix:/run/x.sock");
}

TEST(StoreLock, ReleasedWhenTheHolderGoes) {
  test::TempDir tmp;
  const auto store = tmp.path() / "sessions.json";
  {
    auto lock = StoreLock::acquire(store, {0, "mirrorctl session", ""}, std::chrono::seconds(0));
    ASSERT_TRUE(lock);
  }
  // The lock file stays, but nobody holds it.
  EXPECT_TRUE(std::filesystem::exists(storeLockPath(store)));
  EXPECT_FALSE(StoreLock::holder(store));
  EXPECT_TRUE(StoreLock::acquire(store, {0, "mirrorctl session", ""}, std::chrono::seconds(0)));
}

}  // namespace
}  // namespace ovse::manager
