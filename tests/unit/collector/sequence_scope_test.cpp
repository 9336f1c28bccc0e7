// SessionSequence / SessionTable: loss is counted in the scope the exporter numbers in, found
// from the packets alone (OVS: one counter per host; our exporter: per session; some: per port).
#include <gtest/gtest.h>

#include "erspan/collector/session_table.h"

namespace ovse::erspan::collector {
namespace {

SessionKey key(std::uint8_t exporter_last, std::uint32_t id) {
  SessionKey k;
  k.exporter = {192, 0, 2, exporter_last};
  k.id = id;
  return k;
}

TEST(SequenceScope, BothDirectionsFromOneCounterAreOneStream) {
  SessionTable table(8);
  Session* s = table.findOrAdd(key(1, 10));
  for (std::uint32_t seq = 0; seq < 1000; ++seq) {
    if (seq == 500) continue;  // one packet lost
    s->seq.observe(seq % 2 == 1, seq);
  }
  EXPECT_EQ(s->seq.scope(), SequenceScope::kSession);
  EXPECT_EQ(s->seq.counters().lost_count, 1u);
  EXPECT_EQ(table.lostCount(), 1u);
}

TEST(SequenceScope, ACounterPerDirectionIsTwoStreams) {
  SessionTable table(8);
  Session* s = table.findOrAdd(key(1, 10));
  for (std::uint32_t seq = 0; seq < 500; ++seq) {
    s->seq.observe(false, seq);
    if (seq != 300) s->seq.observe(true, seq);
  }
  EXPECT_EQ(s->seq.scope(), SequenceScope::kDirection);
  EXPECT_EQ(s->seq.counters().lost_count, 1u);
  EXPECT_EQ(s->seq.counters().duplicate_count, 0u);
}

TEST(SequenceScope, SessionsSharingTheHostCounterAreCountedOnce) {
  SessionTable table(8);
  Session* a = table.findOrAdd(key(1, 10));
  Session* b = table.findOrAdd(key(1, 11));
  for (std::uint32_t seq = 0; seq < 1000; ++seq) {
    if (seq == 700 || seq == 701) continue;
    (seq % 3 == 0 ? b : a)->seq.observe(false, seq);
  }
  EXPECT_EQ(a->seq.scope(), SequenceScope::kExporter);
  EXPECT_EQ(b->seq.scope(), SequenceScope::kExporter);
  EXPECT_EQ(a->seq.counters().lost_count, 2u);
  EXPECT_EQ(table.lostCount(), 2u) << "one exporter stream, counted once";
}

TEST(SequenceScope, SessionsWithTheirOwnCountersStayApart) {
  SessionTable table(8);
  Session* a = table.findOrAdd(key(1, 10));
  Session* b = table.findOrAdd(key(1, 11));
  Session* other = table.findOrAdd(key(2, 10));  // another exporter, its own stream
  for (std::uint32_t seq = 0; seq < 400; ++seq) {
    a->seq.observe(false, seq);
    if (seq != 100) b->seq.observe(false, seq + 5000);
    other->seq.observe(false, seq);
  }
  EXPECT_EQ(a->seq.scope(), SequenceScope::kSession);
  EXPECT_EQ(b->seq.scope(), SequenceScope::kSession);
  EXPECT_EQ(other->seq.scope(), SequenceScope::kSession);
  EXPECT_EQ(b->seq.counters().lost_count, 1u);
  EXPECT_EQ(table.lostCount(), 1u);
}

TEST(SequenceScope, Names) {
  EXPECT_STREQ(scopeName(SequenceScope::kExporter), "exporter");
  EXPECT_STREQ(scopeName(SequenceScope::kSession), "session");
  EXPECT_STREQ(scopeName(SequenceScope::kDirection), "direction");
}

}  // namespace
}  // namespace ovse::erspan::collector
