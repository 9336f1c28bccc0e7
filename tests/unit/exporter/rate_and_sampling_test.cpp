// Unit tests of the 1-in-N sampler and the two-rate token bucket (clock driven by hand).
#include <gtest/gtest.h>

#include "erspan/exporter/sampler.h"
#include "erspan/exporter/token_bucket.h"

namespace ovse::erspan::exporter {
namespace {

TEST(Sampler, DeterministicKeepsExactlyOneInN) {
  Sampler s(4);
  std::vector<bool> kept;
  for (int i = 0; i < 8; ++i) kept.push_back(s.keep());
  EXPECT_EQ(kept, (std::vector<bool>{true, false, false, false, true, false, false, false}));
}

TEST(Sampler, OneAndZeroKeepEverything) {
  Sampler one(1), zero(0);
  for (int i = 0; i < 10; ++i) {
    EXPECT_TRUE(one.keep());
    EXPECT_TRUE(zero.keep());
  }
}

TEST(Sampler, RandomIsNearOneInNAndReproducible) {
  Sampler a(10, SampleMode::kRandom, 42), b(10, SampleMode::kRandom, 42);
  int kept = 0;
  for (int i = 0; i < 100000; ++i) {
    const bool k = a.keep();
    EXPECT_EQ(k, b.keep());
    kept += k;
  }
  EXPECT_NEAR(kept, 10000, 500);
}

TEST(TokenBucket, UnlimitedAdmitsEverything) {
  TokenBucket b;
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(b.admit(0, 12000));
}

TEST(TokenBucket, PacketRateHoldsOverTime) {
  TokenBucket b({.packets_per_s = 1000, .burst_ns = 10'000'000});
  int admitted = 0;
  // 10 000 packets offered evenly over one second (one every 100 µs).
  for (std::uint64_t i = 0; i < 10000; ++i) admitted += b.admit(i * 100'000, 800);
  // 1000 per second plus the 10-packet burst it starts with.
  EXPECT_NEAR(admitted, 1010, 2);
}

TEST(TokenBucket, BitRateCountsPacketSizes) {
  TokenBucket b({.bits_per_s = 1'000'000, .burst_ns = 10'000'000, .min_burst_bits = 12000});
  int admitted = 0;
  for (std::uint64_t i = 0; i < 10000; ++i) admitted += b.admit(i * 100'000, 10'000);
  // 1 Mbit/s of 10 kbit packets = 100 per second, plus a 12 kbit burst (one packet).
  EXPECT_NEAR(admitted, 101, 2);
}

TEST(TokenBucket, DropTakesNoTokens) {
  TokenBucket b(
      {.packets_per_s = 1000, .bits_per_s = 80'000, .burst_ns = 10'000'000, .min_burst_bits = 800});
  EXPECT_TRUE(b.admit(0, 800));
  EXPECT_FALSE(b.admit(0, 800));          // bit bucket empty, packet bucket still holds 9
  EXPECT_TRUE(b.admit(10'000'000, 800));  // 10 ms refill 800 bits
}

TEST(TokenBucket, ClockGoingBackAddsNothing) {
  TokenBucket b({.packets_per_s = 100, .burst_ns = 10'000'000});
  EXPECT_TRUE(b.admit(1'000'000'000, 1));
  EXPECT_FALSE(b.admit(1'000'000'000, 1));
  EXPECT_FALSE(b.admit(0, 1));
  EXPECT_TRUE(b.admit(1'010'000'000, 1));
}

}  // namespace
}  // namespace ovse::erspan::exporter
