// GRE sequence tracker: in-order, gaps, late and duplicate packets, wrap-around and restarts.
#include "erspan/seq_tracker.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <random>

namespace ovse::erspan {
namespace {

constexpr SeqResult kFirst{SeqVerdict::kFirst, 0};
constexpr SeqResult kInOrder{SeqVerdict::kInOrder, 0};
constexpr SeqResult kLate{SeqVerdict::kLate, 0};
constexpr SeqResult kDuplicate{SeqVerdict::kDuplicate, 0};
constexpr SeqResult kStale{SeqVerdict::kStale, 0};
constexpr SeqResult kRestart{SeqVerdict::kRestart, 0};
constexpr SeqResult kInvalid{SeqVerdict::kInvalid, 0};
constexpr SeqResult gap(std::uint32_t n) { return {SeqVerdict::kGap, n}; }

void observeAll(SeqTracker& tracker, std::initializer_list<std::uint32_t> seqs) {
  for (std::uint32_t s : seqs) tracker.observe(s);
}

TEST(SeqTracker, InOrderFromZero) {
  SeqTracker t;
  EXPECT_EQ(t.observe(0), kFirst);
  EXPECT_EQ(t.observe(1), kInOrder);
  EXPECT_EQ(t.observe(2), kInOrder);
  EXPECT_EQ(t.counters(), (SeqCounters{.received_count = 3}));
}

TEST(SeqTracker, FirstPacketNotZeroIsNotLoss) {
  SeqTracker t;
  EXPECT_EQ(t.observe(123456), kFirst);
  EXPECT_EQ(t.observe(123457), kInOrder);
  EXPECT_EQ(t.counters().lost_count, 0u);
}

TEST(SeqTracker, GapReportsMissingCount) {
  SeqTracker t;
  observeAll(t, {10, 11});
  EXPECT_EQ(t.observe(15), gap(3));
  EXPECT_EQ(t.observe(16), kInOrder);
  EXPECT_EQ(t.counters(), (SeqCounters{.received_count = 4, .lost_count = 3}));
}

TEST(SeqTracker, LateArrivalInsideWindowFillsGap) {
  SeqTracker t;
  observeAll(t, {1, 2, 5});
  EXPECT_EQ(t.observe(3), kLate);
  EXPECT_EQ(t.observe(4), kLate);
  EXPECT_EQ(t.observe(6), kInOrder);
  EXPECT_EQ(t.counters(),
            (SeqCounters{.received_count = 6, .lost_count = 0, .reordered_count = 2}));
}

TEST(SeqTracker, DuplicatesOfHighestAndOfOlder) {
  SeqTracker t;
  observeAll(t, {1, 2, 3});
  EXPECT_EQ(t.observe(3), kDuplicate);
  EXPECT_EQ(t.observe(2), kDuplicate);
  observeAll(t, {6});
  EXPECT_EQ(t.observe(4), kLate);
  EXPECT_EQ(t.observe(4), kDuplicate);  // a late packet seen twice is not reordered twice
  EXPECT_EQ(t.counters(),
            (SeqCounters{
                .received_count = 8, .lost_count = 1, .reordered_count = 1, .duplicate_count = 3}));
}

TEST(SeqTracker, LateArrivalOutsideWindowIsStale) {
  SeqTracker t;
  observeAll(t, {0});
  EXPECT_EQ(t.observe(2), gap(1));
  EXPECT_EQ(t.observe(2 + SeqTracker::kWindow), gap(SeqTracker::kWindow - 1));
  // Seq 1 is now kWindow + 1 behind: we cannot tell a late packet from a duplicate any more.
  EXPECT_EQ(t.observe(1), kStale);
  EXPECT_EQ(t.counters().lost_count, SeqTracker::kWindow);
  EXPECT_EQ(t.counters().stale_count, 1u);
  EXPECT_EQ(t.counters().reordered_count, 0u);
}

TEST(SeqTracker, WindowEdgeIsStillTracked) {
  SeqTracker t;
  observeAll(t, {0});
  const std::uint32_t last = SeqTracker::kWindow;
  EXPECT_EQ(t.observe(last), gap(last - 1));
  EXPECT_EQ(t.observe(1), kLate);   // exactly kWindow - 1 behind: the oldest remembered number
  EXPECT_EQ(t.observe(0), kStale);  // kWindow behind: forgotten
}

TEST(SeqTracker, OlderThanSessionStartIsStaleNotLate) {
  SeqTracker t;
  observeAll(t, {100, 101});
  EXPECT_EQ(t.observe(99), kStale);
  EXPECT_EQ(t.counters().lost_count, 0u);
}

TEST(SeqTracker, BigGapClearsWholeWindow) {
  SeqTracker t;
  observeAll(t, {0, 1, 2});
  EXPECT_EQ(t.observe(50000), kInvalid);    // far ahead: on probation
  EXPECT_EQ(t.observe(50001), gap(49997));  // continued: a loss burst
  EXPECT_EQ(t.counters().invalid_count, 0u);
  EXPECT_EQ(t.observe(49999), kLate);
  EXPECT_EQ(t.observe(49999), kDuplicate);
  EXPECT_EQ(t.observe(50000 - 5), kLate);
}

TEST(SeqTracker, Wraps32Bit) {
  SeqTracker t({.width = SeqWidth::kBits32});
  observeAll(t, {0xFFFFFFFE});
  EXPECT_EQ(t.observe(0xFFFFFFFF), kInOrder);
  EXPECT_EQ(t.observe(0), kInOrder);
  EXPECT_EQ(t.observe(3), gap(2));
  EXPECT_EQ(t.observe(1), kLate);
  EXPECT_EQ(t.observe(0xFFFFFFFF), kDuplicate);
  EXPECT_EQ(t.counters().restart_count, 0u);
}

TEST(SeqTracker, Wraps30BitWhenConfigured) {
  SeqTracker t({.width = SeqWidth::kBits30});
  observeAll(t, {0x3FFFFFFE});
  EXPECT_EQ(t.observe(0x3FFFFFFF), kInOrder);
  EXPECT_EQ(t.observe(0), kInOrder);
  EXPECT_EQ(t.observe(2), gap(1));
  EXPECT_EQ(t.observe(1), kLate);
  EXPECT_EQ(t.observe(0x3FFFFFFF), kDuplicate);
  EXPECT_EQ(t.counters().restart_count, 0u);
}

TEST(SeqTracker, AutoDetects30BitWrap) {
  SeqTracker t;
  EXPECT_EQ(t.width(), SeqWidth::kAuto);
  observeAll(t, {0x3FFFFFFD, 0x3FFFFFFE});
  EXPECT_EQ(t.observe(1), gap(2));  // 0x3FFFFFFF and 0 missing
  EXPECT_EQ(t.width(), SeqWidth::kBits30);
  EXPECT_EQ(t.observe(0), kLate);
  EXPECT_EQ(t.observe(0x3FFFFFFF), kLate);
  EXPECT_EQ(t.counters(), (SeqCounters{.received_count = 5, .reordered_count = 2}));
}

TEST(SeqTracker, AutoPinsTo32BitOnLargeNumber) {
  SeqTracker t;
  observeAll(t, {0x7FFFFFFF});
  EXPECT_EQ(t.width(), SeqWidth::kBits32);
  EXPECT_EQ(t.observe(0x80000000), kInOrder);
  EXPECT_EQ(t.observe(0x80000003), gap(2));
}

TEST(SeqTracker, AutoCountingPast2To30Is32Bit) {
  SeqTracker t;
  observeAll(t, {0x3FFFFFFE, 0x3FFFFFFF});
  EXPECT_EQ(t.observe(0x40000000), kInOrder);
  EXPECT_EQ(t.width(), SeqWidth::kBits32);
  EXPECT_EQ(t.observe(0), kStale);  // a 32-bit counter never steps from 2^30 to 0
  EXPECT_EQ(t.observe(1), kRestart);
}

TEST(SeqTracker, AutoRestartNearTopOf30BitsIsNotAWrap) {
  SeqTracker t;
  observeAll(t, {0x3FFFFFF0});
  EXPECT_EQ(t.observe(5000), kStale);  // 5017 ahead modulo 2^30: too far for a wrap
  EXPECT_EQ(t.observe(5001), kRestart);
  EXPECT_EQ(t.width(), SeqWidth::kAuto);
}

TEST(SeqTracker, Auto32BitWrapStillWorks) {
  SeqTracker t;
  observeAll(t, {0xFFFFFFFF});
  EXPECT_EQ(t.observe(0), kInOrder);
  EXPECT_EQ(t.width(), SeqWidth::kBits32);
}

TEST(SeqTracker, BigBackwardJumpIsRestartNotLoss) {
  SeqTracker t;
  observeAll(t, {5'000'000, 5'000'001});
  EXPECT_EQ(t.observe(0), kStale);  // on probation
  EXPECT_EQ(t.observe(1), kRestart);
  EXPECT_EQ(t.observe(2), kInOrder);
  EXPECT_EQ(t.observe(5'000'002), kInvalid);  // one stray number of the old stream
  EXPECT_EQ(t.observe(3), kInOrder);
  EXPECT_EQ(t.counters(),
            (SeqCounters{.received_count = 7, .restart_count = 1, .invalid_count = 1}));
}

TEST(SeqTracker, RestartForgetsOldGaps) {
  SeqTracker t;
  observeAll(t, {1'000'000, 1'000'005});
  EXPECT_EQ(t.observe(7), kStale);
  EXPECT_EQ(t.observe(8), kRestart);
  EXPECT_EQ(t.counters().lost_count, 4u);  // counted before the restart, kept
  EXPECT_EQ(t.observe(6), kStale);         // before the new start: not a late fill
  EXPECT_EQ(t.observe(9), kInOrder);
}

TEST(SeqTracker, RestartDistanceIsConfigurable) {
  SeqTracker t({.restart_distance = 2000});
  observeAll(t, {10000});
  EXPECT_EQ(t.observe(10000 + 1500), kInvalid);
  EXPECT_EQ(t.observe(10000 + 1501), gap(1499));  // confirmed, within the distance: loss
  EXPECT_EQ(t.observe(11501 + 2001), kInvalid);
  EXPECT_EQ(t.observe(11501 + 2002), kRestart);  // confirmed, beyond it: a new start
  EXPECT_EQ(t.counters().lost_count, 1499u);
  EXPECT_EQ(t.counters().restart_count, 1u);
}

TEST(SeqTracker, RestartDistanceNeverBelowWindow) {
  SeqTracker t({.restart_distance = 1});
  observeAll(t, {100, 103});
  EXPECT_EQ(t.observe(101), kLate);
}

TEST(SeqTracker, ForgedOutlierIsInvalidAndDoesNotMoveTheWindow) {
  SeqTracker t;
  for (std::uint32_t s = 1; s <= 20; ++s) t.observe(s);
  EXPECT_EQ(t.observe(0x7FFFFFFF), kInvalid);
  for (std::uint32_t s = 21; s <= 40; ++s) EXPECT_EQ(t.observe(s), kInOrder) << s;
  EXPECT_EQ(t.counters(), (SeqCounters{.received_count = 41, .invalid_count = 1}));
}

TEST(SeqTracker, OutlierBehindIsStaleWhenNothingContinuesIt) {
  SeqTracker t;
  for (std::uint32_t s = 5000; s <= 7000; ++s) t.observe(s);
  EXPECT_EQ(t.observe(10), kStale);
  EXPECT_EQ(t.observe(7001), kInOrder);
  EXPECT_EQ(t.observe(7002), kInOrder);
  EXPECT_EQ(t.observe(11), kStale);  // too late: the probation ended with the second packet
  EXPECT_EQ(t.observe(7003), kInOrder);
  EXPECT_EQ(t.counters().restart_count, 0u);
  EXPECT_EQ(t.counters().stale_count, 2u);
}

TEST(SeqTracker, ConfirmationMayFollowOneStrayPacket) {
  SeqTracker t;
  for (std::uint32_t s = 5000; s <= 7000; ++s) t.observe(s);
  EXPECT_EQ(t.observe(1), kStale);
  EXPECT_EQ(t.observe(7001), kInOrder);  // still in flight from before the restart
  EXPECT_EQ(t.observe(2), kRestart);
  EXPECT_EQ(t.observe(3), kInOrder);
  EXPECT_EQ(t.counters().stale_count, 0u);
}

TEST(SeqTracker, RestartBelowInsideTheWindowIsARestartNotDuplicates) {
  // 1..1000, then the exporter starts again at 1 and sends 1..500 with 10 missing (100..109).
  SeqTracker t;
  for (std::uint32_t s = 1; s <= 1000; ++s) t.observe(s);
  for (std::uint32_t s = 1; s <= 500; ++s) {
    if (s < 100 || s > 109) t.observe(s);
  }
  EXPECT_EQ(t.counters(),
            (SeqCounters{.received_count = 1490, .lost_count = 10, .restart_count = 1}));
}

TEST(SeqTracker, RestartAfterAGapCountsLossFromTheNewStart) {
  SeqTracker t;
  for (std::uint32_t s = 1; s <= 6000; ++s) t.observe(s);
  EXPECT_EQ(t.observe(0), kStale);
  EXPECT_EQ(t.observe(3), (SeqResult{SeqVerdict::kRestart, 2}));
  EXPECT_EQ(t.observe(2), kLate);
  EXPECT_EQ(t.counters().lost_count, 1u);
  EXPECT_EQ(t.counters().restart_count, 1u);
}

TEST(SeqTracker, NearbyDuplicatesAreNeverARestart) {
  SeqTracker t;
  for (std::uint32_t s = 1; s <= 100; ++s) {
    t.observe(s);
    t.observe(s);  // a network that sends everything twice
  }
  EXPECT_EQ(t.counters().duplicate_count, 100u);
  EXPECT_EQ(t.counters().restart_count, 0u);
}

TEST(SeqTracker, ReorderingInsideTheWindow) {
  SeqTracker t;
  observeAll(t, {1, 2, 5, 3, 6, 4, 4, 7});
  EXPECT_EQ(t.counters(),
            (SeqCounters{.received_count = 8, .reordered_count = 2, .duplicate_count = 1}));
}

TEST(SeqTracker, NoCounterEverUnderflowsWhateverArrives) {
  std::mt19937 random(18);
  for (int round = 0; round < 50; ++round) {
    SeqTracker t;
    std::uint32_t seq = random();
    for (int i = 0; i < 5000; ++i) {
      switch (random() % 8) {
        case 0:
          seq = random();  // anything at all
          break;
        case 1:
          seq -= random() % 2000;  // back, inside or outside the window
          break;
        case 2:
          seq += random() % 3000;  // ahead
          break;
        default:
          ++seq;
      }
      t.observe(seq);
      const SeqCounters& c = t.counters();
      ASSERT_LT(c.lost_count + c.duplicate_count + c.stale_count + c.invalid_count,
                std::uint64_t{1} << 40)
          << "round " << round << " packet " << i;
    }
    EXPECT_EQ(t.counters().received_count, 5000u);
  }
}

}  // namespace
}  // namespace ovse::erspan
