// Which sessions of one exporter share a GRE sequence counter, learned from the numbers alone, and
// the loss accounting of each counter attributed back to its sessions. Pure: no I/O, no clock.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "erspan/seq_tracker.h"

namespace ovse::erspan::collector {

/// Which packets an exporter numbers from one GRE sequence counter. OVS numbers every ERSPAN
/// packet of a host from one counter (all its `erspan` ports share one datapath tunnel port, so
/// its sessions, and both directions of one, interleave); our exporter and most switches number
/// per session; others per tunnel port, i.e. per direction. Loss is only meaningful in the
/// scope the exporter numbers in.
enum class SequenceScope : std::uint8_t {
  kExporter,   ///< one counter shared by a group of sessions of the exporter (OVS native ports)
  kSession,    ///< a counter per session
  kDirection,  ///< a counter per session and direction
};

/// Text name of a scope ("exporter", "session", "direction").
[[nodiscard]] const char* scopeName(SequenceScope scope) noexcept;

/// The sequence accounting of every session of one exporter address. Each session (a slot) is
/// tracked alone, per direction and in the group of sessions found to share its counter: two
/// sessions share one when, repeatedly, a packet of one carries exactly the number after the
/// latest packet of the other (their numbers interleave into one increasing series), more often
/// than the session's numbers jump unexplained. A group's loss is counted once, on the group's
/// counter, so a packet delivered on a sibling session is never counted lost.
class ExporterScopes {
 public:
  /// Sessions beyond this many of one exporter keep their own counters (the search for the
  /// preceding number is linear in the sessions).
  static constexpr std::size_t kMaxLearnedSessions = 64;
  /// Unambiguous interleavings seen before two sessions are taken to share a counter.
  static constexpr std::uint32_t kMergeEvidence = 4;

  /// Adds a session; returns its slot number (0, 1, ... in order of addition).
  std::size_t addSession();

  /// Accounts `seq` of a packet of `slot` (egress = Type III D=1); returns its verdict in the
  /// slot's scope as chosen after it.
  SeqResult observe(std::size_t slot, bool egress, std::uint32_t seq) noexcept;

  /// The scope `slot` is accounted in.
  [[nodiscard]] SequenceScope scope(std::size_t slot) const noexcept;

  /// Counters of `slot` in its scope. In the exporter scope the group's lost, reordered,
  /// duplicated, stale and invalid counts are shared among its sessions in proportion to their
  /// packets (the remainder to the group's first session), so the sessions' counts add up to
  /// the counter's; restarts are the counter's.
  [[nodiscard]] SeqCounters counters(std::size_t slot) const noexcept;

  /// The first-added slot of the group `slot` belongs to (itself when alone).
  [[nodiscard]] std::size_t groupOf(std::size_t slot) const noexcept { return slots_[slot].group; }

  /// Slots of the group led by `group` (from groupOf).
  [[nodiscard]] const std::vector<std::size_t>& members(std::size_t group) const noexcept {
    return groups_[group].members;
  }

 private:
  struct Slot {
    SeqTracker session;
    std::array<SeqTracker, 2> directions;
    std::uint64_t packet_count = 0;
    std::uint64_t unexplained_count = 0;  ///< jumps no sibling's latest number explained
    std::uint32_t last_seq = 0;
    bool has_last = false;
    std::size_t group = 0;
  };
  struct Group {
    SeqTracker tracker;  ///< all packets of the members, from the group's first slot on
    std::vector<std::size_t> members;
  };

  void learn(std::size_t slot, std::uint32_t seq);
  void merge(std::size_t a, std::size_t b);
  [[nodiscard]] SeqCounters shareOf(std::size_t slot) const noexcept;

  std::vector<Slot> slots_;
  std::vector<Group> groups_;  ///< indexed by slot; only the groups' first slots are used
  std::map<std::pair<std::size_t, std::size_t>, std::uint32_t> evidence_;
};

}  // namespace ovse::erspan::collector
