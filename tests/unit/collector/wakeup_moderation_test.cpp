// Wake-up moderation: no wait for a quiet ring, the full wait for a busy one, and never longer
// than the ring's headroom at the rate just seen.
#include "erspan/io/wakeup_moderation.h"

#include <gtest/gtest.h>

namespace ovse::erspan::io {
namespace {

constexpr std::uint64_t kRing = 32u << 20;

TEST(WakeupModeration, AQuietRingIsPolledAtOnce) {
  // 100 frames in 20 ms: the block timeout retired a part-full block.
  EXPECT_EQ(moderationDelayNs({100, 100 * 190, 20'000'000}, kRing), 0u);
  EXPECT_EQ(moderationDelayNs({kModerationMinFrames - 1, 1u << 20, 1'000'000}, kRing), 0u);
  EXPECT_EQ(moderationDelayNs({5000, 5000 * 190, 0}, kRing), 0u);
}

TEST(WakeupModeration, ABusyRingWaitsTheLongestWait) {
  // 620 kpps of 190-byte frames: one 256 KiB block every ~1.6 ms; a quarter of 32 MiB lasts 50 ms.
  EXPECT_EQ(moderationDelayNs({1000, 1000 * 190, 1'600'000}, kRing), kModerationMaxNs);
}

TEST(WakeupModeration, TheWaitNeverFillsMoreThanAQuarterOfTheRing) {
  // 1 MiB ring, 1500-byte frames at 800 kpps (~10 Gbit/s): a quarter lasts ~0.2 ms.
  const DrainedBurst burst{800, 800 * 1500, 1'000'000};
  const std::uint64_t delay = moderationDelayNs(burst, 1u << 20);
  EXPECT_GT(delay, 0u);
  EXPECT_LT(delay, kModerationMaxNs);
  const std::uint64_t per_ns_x1000 =
      (burst.byte_count + burst.frame_count * kRingFrameOverheadBytes) * 1000 / burst.elapsed_ns;
  EXPECT_LE(delay * per_ns_x1000 / 1000, (1u << 20) / 4);
}

TEST(WakeupModeration, HugeRingsAndLongGapsDoNotOverflow) {
  EXPECT_EQ(moderationDelayNs({300, 300 * 64, 5'000'000'000}, 4'000'000'000u), kModerationMaxNs);
}

}  // namespace
}  // namespace ovse::erspan::io
