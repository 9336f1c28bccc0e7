// ExporterScopes: which sessions of one exporter share a GRE sequence counter (OVS numbers all
// native ERSPAN ports of a host from one), learned from the numbers; loss counted once per counter.
#include "erspan/collector/sequence_scopes.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>

namespace ovse::erspan::collector {
namespace {

std::uint64_t lostSum(const ExporterScopes& scopes, std::size_t slots) {
  std::uint64_t lost = 0;
  for (std::size_t s = 0; s < slots; ++s) lost += scopes.counters(s).lost_count;
  return lost;
}

// Two OVS native sessions numbered from the host counter, randomly interleaved, and one session
// of our exporter (its own counter, numbers in the same range) from the same address.
TEST(ExporterScopes, NativeSessionsOnTheHostCounterBesideAnExporterSession) {
  ExporterScopes scopes;
  const std::size_t native_a = scopes.addSession();
  const std::size_t exporter = scopes.addSession();
  const std::size_t native_b = scopes.addSession();
  std::mt19937 random(7);
  std::uint32_t host = 1;
  std::uint32_t own = 1;
  for (int i = 0; i < 3000; ++i) {
    switch (random() % 3) {
      case 0:
        scopes.observe(native_a, false, host++);
        break;
      case 1:
        scopes.observe(native_b, false, host++);
        break;
      default:
        scopes.observe(exporter, false, own++);
    }
  }
  EXPECT_EQ(scopes.scope(native_a), SequenceScope::kExporter);
  EXPECT_EQ(scopes.scope(native_b), SequenceScope::kExporter);
  EXPECT_EQ(scopes.scope(exporter), SequenceScope::kSession);
  EXPECT_EQ(scopes.groupOf(native_b), native_a);
  for (std::size_t s = 0; s < 3; ++s) {
    EXPECT_EQ(scopes.counters(s),
              (SeqCounters{.received_count = scopes.counters(s).received_count}))
        << "slot " << s;
  }
}

TEST(ExporterScopes, ASessionAddedLaterJoinsWithoutFalseLoss) {
  ExporterScopes scopes;
  const std::size_t a = scopes.addSession();
  const std::size_t b = scopes.addSession();
  std::uint32_t host = 100;
  for (int i = 0; i < 500; ++i) scopes.observe(i % 2 ? a : b, false, host++);
  const std::size_t c = scopes.addSession();  // a third native session is configured
  for (int i = 0; i < 500; ++i)
    scopes.observe(i % 3 == 0 ? c : (i % 3 == 1 ? a : b), false, host++);
  EXPECT_EQ(scopes.scope(c), SequenceScope::kExporter);
  EXPECT_EQ(scopes.members(a).size(), 3u);
  EXPECT_EQ(lostSum(scopes, 3), 0u);
}

TEST(ExporterScopes, LossOfASharedCounterIsCountedOnceAndShared) {
  ExporterScopes scopes;
  const std::size_t a = scopes.addSession();
  const std::size_t b = scopes.addSession();
  for (std::uint32_t seq = 1; seq <= 3000; ++seq) {
    if (seq % 100 == 50) continue;  // 30 numbers never arrive
    scopes.observe(seq % 4 == 0 ? b : a, false, seq);
  }
  EXPECT_EQ(lostSum(scopes, 2), 30u);
  EXPECT_GT(scopes.counters(a).lost_count, scopes.counters(b).lost_count);  // 3x the packets
}

TEST(ExporterScopes, SessionsWithTheirOwnCountersAndLossStayApart) {
  ExporterScopes scopes;
  const std::size_t a = scopes.addSession();
  const std::size_t b = scopes.addSession();
  std::mt19937 random(3);
  std::uint32_t seq_a = 1;
  std::uint32_t seq_b = 1;  // same range: coincidences happen
  std::uint64_t skipped = 0;
  for (int i = 0; i < 20000; ++i) {
    std::uint32_t& seq = random() % 2 ? seq_a : seq_b;
    if (random() % 20 == 0) {
      ++seq;  // lost on the way
      ++skipped;
    }
    scopes.observe(&seq == &seq_a ? a : b, false, seq++);
  }
  EXPECT_EQ(scopes.scope(a), SequenceScope::kSession);
  EXPECT_EQ(scopes.scope(b), SequenceScope::kSession);
  EXPECT_EQ(lostSum(scopes, 2), skipped);
}

TEST(ExporterScopes, ChangedSessionIdContinuesTheCounterWithoutLossOnTheOldOne) {
  ExporterScopes scopes;
  const std::size_t old_id = scopes.addSession();
  const std::size_t other = scopes.addSession();
  std::uint32_t host = 1;
  for (int i = 0; i < 600; ++i) scopes.observe(i % 2 ? old_id : other, false, host++);
  const std::size_t new_id = scopes.addSession();  // same port, session ID changed
  for (int i = 0; i < 600; ++i) scopes.observe(i % 2 ? new_id : other, false, host++);
  EXPECT_EQ(lostSum(scopes, 3), 0u);
  EXPECT_EQ(scopes.counters(old_id).lost_count, 0u);
}

TEST(ExporterScopes, ARestartOfTheSharedCounterIsARestartOfEachSession) {
  ExporterScopes scopes;
  const std::size_t a = scopes.addSession();
  const std::size_t b = scopes.addSession();
  for (std::uint32_t seq = 1; seq <= 5000; ++seq) scopes.observe(seq % 2 ? a : b, false, seq);
  for (std::uint32_t seq = 1; seq <= 500; ++seq) {
    if (seq != 250) scopes.observe(seq % 2 ? a : b, false, seq);  // vswitchd restarted
  }
  EXPECT_EQ(scopes.counters(a).restart_count, 1u);
  EXPECT_EQ(scopes.counters(b).restart_count, 1u);
  EXPECT_EQ(lostSum(scopes, 2), 1u);
  EXPECT_EQ(scopes.counters(a).duplicate_count + scopes.counters(a).stale_count, 0u);
}

TEST(ExporterScopes, OneSessionKeepsItsDirectionScope) {
  ExporterScopes scopes;
  const std::size_t s = scopes.addSession();
  for (std::uint32_t seq = 0; seq < 500; ++seq) {
    scopes.observe(s, false, seq);
    if (seq != 300) scopes.observe(s, true, seq + 7);
  }
  EXPECT_EQ(scopes.scope(s), SequenceScope::kDirection);
  EXPECT_EQ(scopes.counters(s).lost_count, 1u);
}

TEST(ExporterScopes, AnyMixOfNumbersKeepsCountersSane) {
  std::mt19937 random(5);
  ExporterScopes scopes;
  for (int i = 0; i < 6; ++i) scopes.addSession();
  std::array<std::uint32_t, 3> counters{1, 1000, 1};
  for (int i = 0; i < 30000; ++i) {
    const std::size_t slot = random() % 6;
    std::uint32_t& c = counters[slot % 3];  // slots 0 and 3 share a counter, and so on
    if (random() % 50 == 0) c += random() % 5000;
    scopes.observe(slot, random() % 2, random() % 500 == 0 ? random() : c++);
  }
  std::uint64_t received = 0;
  for (std::size_t s = 0; s < 6; ++s) {
    const SeqCounters c = scopes.counters(s);
    received += c.received_count;
    EXPECT_LT(c.lost_count + c.duplicate_count + c.stale_count, std::uint64_t{1} << 40) << s;
  }
  EXPECT_EQ(received, 30000u);
}

}  // namespace
}  // namespace ovse::erspan::collector
