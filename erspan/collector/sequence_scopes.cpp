// Sequence scopes of one exporter: per-session, per-direction and shared-counter accounting, and
// the learning of which sessions share a counter.
#include "erspan/collector/sequence_scopes.h"

#include <algorithm>

namespace ovse::erspan::collector {
namespace {

std::uint64_t disorder(const SeqCounters& c) noexcept {
  return c.reordered_count + c.duplicate_count + c.stale_count + c.restart_count + c.invalid_count;
}

SeqCounters sum(const SeqCounters& a, const SeqCounters& b) noexcept {
  return {a.received_count + b.received_count,   a.lost_count + b.lost_count,
          a.reordered_count + b.reordered_count, a.duplicate_count + b.duplicate_count,
          a.stale_count + b.stale_count,         a.restart_count + b.restart_count,
          a.invalid_count + b.invalid_count};
}

/// `count` * part / whole without overflowing 64 bits (long double holds 64 bits exactly).
std::uint64_t proportion(std::uint64_t count, std::uint64_t part, std::uint64_t whole) noexcept {
  if (whole == 0) return 0;
  return static_cast<std::uint64_t>(static_cast<long double>(count) * part / whole);
}

}  // namespace

const char* scopeName(SequenceScope scope) noexcept {
  switch (scope) {
    case SequenceScope::kExporter:
      return "exporter";
    case SequenceScope::kSession:
      return "session";
    case SequenceScope::kDirection:
      break;
  }
  return "direction";
}

std::size_t ExporterScopes::addSession() {
  const std::size_t slot = slots_.size();
  slots_.emplace_back();
  slots_.back().group = slot;
  groups_.emplace_back();
  groups_.back().members.push_back(slot);
  return slot;
}

void ExporterScopes::learn(std::size_t slot, std::uint32_t seq) {
  Slot& s = slots_[slot];
  // Its own next number explains a packet; and learning is bounded to the first sessions.
  if ((s.has_last && s.last_seq + 1 == seq) || slot >= kMaxLearnedSessions) return;
  std::size_t found = slots_.size();
  const std::size_t limit = std::min(slots_.size(), kMaxLearnedSessions);
  for (std::size_t t = 0; t < limit; ++t) {
    const Slot& other = slots_[t];
    if (t == slot || other.group == s.group || !other.has_last || other.last_seq + 1 != seq) {
      continue;
    }
    if (found != slots_.size()) return;  // two candidates: no evidence either way
    found = t;
  }
  if (found == slots_.size()) {
    if (s.has_last) ++s.unexplained_count;
    return;
  }
  const auto key = std::minmax(slot, found);
  const std::uint32_t evidence = ++evidence_[{key.first, key.second}];
  // Sessions with counters of their own explain each other's jumps only by coincidence, and
  // jump unexplained at least as often (every loss); a shared counter's jumps are explained.
  if (evidence >= kMergeEvidence && evidence >= s.unexplained_count) {
    merge(s.group, slots_[found].group);
  }
}

void ExporterScopes::merge(std::size_t a, std::size_t b) {
  if (b < a) std::swap(a, b);  // the group keeps its first-added slot's number
  Group& into = groups_[a];
  Group& from = groups_[b];
  // Keep the tracker that is ahead and take in the other's recent numbers: the gaps they fill
  // were the sibling's packets, not loss.
  if (from.tracker.aheadOf(into.tracker)) std::swap(into.tracker, from.tracker);
  into.tracker.absorb(from.tracker);
  for (const std::size_t m : from.members) {
    slots_[m].group = a;
    into.members.push_back(m);
  }
  from.members.clear();
  from.tracker = SeqTracker{};
}

SeqResult ExporterScopes::observe(std::size_t slot, bool egress, std::uint32_t seq) noexcept {
  learn(slot, seq);
  Slot& s = slots_[slot];
  ++s.packet_count;
  const SeqResult in_session = s.session.observe(seq);
  const SeqResult in_direction = s.directions[egress ? 1 : 0].observe(seq);
  const SeqResult in_group = groups_[s.group].tracker.observe(seq);
  s.last_seq = seq;
  s.has_last = true;
  switch (scope(slot)) {
    case SequenceScope::kExporter:
      return in_group;
    case SequenceScope::kSession:
      return in_session;
    case SequenceScope::kDirection:
      break;
  }
  return in_direction;
}

SequenceScope ExporterScopes::scope(std::size_t slot) const noexcept {
  const Slot& s = slots_[slot];
  if (groups_[s.group].members.size() > 1) return SequenceScope::kExporter;
  // A counter per direction shows, in the session's series, as two interleaved streams: the
  // narrower scope wins only when it has less disorder.
  const std::uint64_t by_direction =
      disorder(s.directions[0].counters()) + disorder(s.directions[1].counters());
  return disorder(s.session.counters()) <= by_direction ? SequenceScope::kSession
                                                        : SequenceScope::kDirection;
}

SeqCounters ExporterScopes::shareOf(std::size_t slot) const noexcept {
  const Slot& s = slots_[slot];
  const Group& g = groups_[s.group];
  std::uint64_t whole = 0;
  for (const std::size_t m : g.members) whole += slots_[m].packet_count;
  const SeqCounters& all = g.tracker.counters();
  SeqCounters out;
  out.received_count = s.packet_count;
  out.restart_count = all.restart_count;  // the shared counter restarted for every session
  const auto share = [&](std::uint64_t SeqCounters::*field) {
    std::uint64_t given = 0;
    for (const std::size_t m : g.members) {
      given += proportion(all.*field, slots_[m].packet_count, whole);
    }
    std::uint64_t mine = proportion(all.*field, s.packet_count, whole);
    if (slot == g.members.front()) mine += all.*field - given;  // the rounding remainder
    out.*field = mine;
  };
  share(&SeqCounters::lost_count);
  share(&SeqCounters::reordered_count);
  share(&SeqCounters::duplicate_count);
  share(&SeqCounters::stale_count);
  share(&SeqCounters::invalid_count);
  return out;
}

SeqCounters ExporterScopes::counters(std::size_t slot) const noexcept {
  const Slot& s = slots_[slot];
  switch (scope(slot)) {
    case SequenceScope::kExporter:
      return shareOf(slot);
    case SequenceScope::kSession:
      return s.session.counters();
    case SequenceScope::kDirection:
      break;
  }
  return sum(s.directions[0].counters(), s.directions[1].counters());
}

}  // namespace ovse::erspan::collector
