// OutputLru: which capture output is closed when --max-outputs or the buffer budget is reached,
// and the exporter-trust check that makes `collect` refuse to start without --allow/--allow-any.
#include "erspan/collector/output_lru.h"

#include <gtest/gtest.h>

#include "erspan/collector/config.h"

namespace ovse::erspan::collector {
namespace {

using Order = std::vector<std::size_t>;

TEST(OutputLru, OpensWithoutVictimBelowTheCaps) {
  OutputLru lru(3, 1000);
  EXPECT_EQ(lru.victimFor(100), std::nullopt);
  lru.opened(0, 100);
  lru.opened(1, 100);
  EXPECT_EQ(lru.victimFor(100), std::nullopt);
  EXPECT_EQ(lru.openCount(), 2u);
  EXPECT_EQ(lru.bufferBytes(), 200u);
}

TEST(OutputLru, ClosesTheLeastRecentlyWrittenAtTheCountCap) {
  OutputLru lru(3, 1'000'000);
  lru.opened(0, 1);
  lru.opened(1, 1);
  lru.opened(2, 1);
  EXPECT_EQ(lru.victimFor(1), 0u);
  lru.touch(0);  // output 0 written again: output 1 is now the oldest
  EXPECT_EQ(lru.order(), (Order{1, 2, 0}));
  EXPECT_EQ(lru.victimFor(1), 1u);
  lru.closed(1);
  EXPECT_EQ(lru.victimFor(1), std::nullopt);
  lru.opened(7, 1);
  EXPECT_EQ(lru.order(), (Order{2, 0, 7}));
}

TEST(OutputLru, ClosesUntilTheBuffersFitTheBudget) {
  OutputLru lru(100, 1000);
  lru.opened(0, 400);
  lru.opened(1, 400);
  lru.opened(2, 100);
  // 900 open: a 300-byte output needs the two oldest closed (one is not enough: 500 + 300 ok).
  EXPECT_EQ(lru.victimFor(300), 0u);
  lru.closed(0);
  EXPECT_EQ(lru.victimFor(300), std::nullopt);
  EXPECT_EQ(lru.victimFor(600), 1u);
  lru.closed(1);
  EXPECT_EQ(lru.victimFor(600), std::nullopt);
  EXPECT_EQ(lru.bufferBytes(), 100u);
}

TEST(OutputLru, AnOutputLargerThanTheBudgetStillOpensAlone) {
  OutputLru lru(4, 100);
  EXPECT_EQ(lru.victimFor(500), std::nullopt) << "nothing to close: the first output opens";
  lru.opened(3, 500);
  EXPECT_EQ(lru.victimFor(1), 3u);
}

TEST(OutputLru, TouchAndCloseOfUnknownOrClosedIdsChangeNothing) {
  OutputLru lru(2, 100);
  lru.touch(5);
  lru.closed(5);
  lru.opened(1, 10);
  lru.closed(1);
  lru.closed(1);
  lru.touch(1);
  EXPECT_EQ(lru.openCount(), 0u);
  EXPECT_EQ(lru.bufferBytes(), 0u);
  EXPECT_TRUE(lru.order().empty());
  EXPECT_FALSE(lru.isOpen(1));
}

TEST(OutputLru, ReopeningAnOpenIdDoesNotCountItTwice) {
  OutputLru lru(2, 100);
  lru.opened(0, 10);
  lru.opened(0, 20);
  EXPECT_EQ(lru.openCount(), 1u);
  EXPECT_EQ(lru.bufferBytes(), 20u);
}

TEST(OutputLru, ManyOutputsKeepTheMostRecentAndAHotOne) {
  // A flood of one-packet outputs interleaved with one busy output (id 0): the busy one is
  // never the victim while it is written at least once per `cap` new outputs.
  constexpr std::size_t kCap = 8;
  OutputLru lru(kCap, 1'000'000);
  lru.opened(0, 1);
  std::size_t evicted_busy = 0;
  for (std::size_t id = 1; id < 1000; ++id) {
    while (auto victim = lru.victimFor(1)) {
      evicted_busy += *victim == 0;
      lru.closed(*victim);
    }
    lru.opened(id, 1);
    if (id % (kCap - 1) == 0) lru.touch(0);
    ASSERT_LE(lru.openCount(), kCap);
  }
  EXPECT_EQ(evicted_busy, 0u);
  EXPECT_TRUE(lru.isOpen(0));
  EXPECT_TRUE(lru.isOpen(999));
}

TEST(CheckExporterTrust, RefusesNeitherAndBothNamingTheFlags) {
  CollectorConfig config;
  auto none = checkExporterTrust(config);
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().find("--allow CIDR"), std::string::npos) << none.error();
  EXPECT_NE(none.error().find("--allow-any"), std::string::npos) << none.error();
  config.allow_any = true;
  EXPECT_TRUE(checkExporterTrust(config));
  config.allow = *parseCidrList("10.0.0.0/8");
  EXPECT_FALSE(checkExporterTrust(config));
  config.allow_any = false;
  EXPECT_TRUE(checkExporterTrust(config));
}

}  // namespace
}  // namespace ovse::erspan::collector
