// Sessions seen by the collector: (exporter IP, ERSPAN session ID) or (exporter IP, GRE key),
// each with its GRE sequence tracker and counters, found in O(1) without allocating per packet.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "erspan/decap.h"
#include "erspan/seq_tracker.h"

namespace ovse::erspan::collector {

/// What identifies a session.
struct SessionKey {
  bool ipv6 = false;
  bool gre = false;  ///< plain GRE-TEB (id = GRE key) rather than ERSPAN (id = session ID)
  std::uint32_t id = 0;
  std::array<std::uint8_t, 16> exporter{};
  friend bool operator==(const SessionKey&, const SessionKey&) = default;

  /// The key of a decapsulated packet (Type I has no ID: 0; GRE-TEB without a key: 0).
  [[nodiscard]] static SessionKey of(const DecapView& view) noexcept;
};

/// Hash of a SessionKey (FNV-1a over its fields).
struct SessionKeyHash {
  std::size_t operator()(const SessionKey& key) const noexcept;
};

/// The GRE sequence streams of one session. Exporters number packets per tunnel port, and a
/// session mirrored in both directions may arrive from two ports (OVS: one `erspan` port per
/// `erspan_dir`), so Type III egress copies are counted apart from everything else.
class SessionSequence {
 public:
  /// Accounts `sequence` of a packet in the direction's stream (egress = Type III D=1).
  SeqResult observe(bool egress, std::uint32_t sequence) noexcept {
    return streams_[egress ? 1 : 0].observe(sequence);
  }
  /// Both streams' counters, summed.
  [[nodiscard]] SeqCounters counters() const noexcept {
    SeqCounters sum;
    for (const auto& s : streams_) {
      const SeqCounters& c = s.counters();
      sum.received_count += c.received_count;
      sum.lost_count += c.lost_count;
      sum.reordered_count += c.reordered_count;
      sum.duplicate_count += c.duplicate_count;
      sum.stale_count += c.stale_count;
      sum.restart_count += c.restart_count;
    }
    return sum;
  }

 private:
  std::array<SeqTracker, 2> streams_;
};

/// One session and its running totals.
struct Session {
  SessionKey key;
  std::size_t index = 0;      ///< dense number, 0.. in order of first sight
  std::string exporter_text;  ///< exporter address as text ("10.0.0.1", "2001:db8::1")
  std::string label;          ///< e.g. "erspan-10.0.0.1-sid123" or "gre-10.0.0.1-key5"
  std::string description;    ///< pcapng if_description; "" = derived from the ERSPAN session
  ErspanType last_type = ErspanType::kTypeII;
  SessionSequence seq;
  std::uint64_t packet_count = 0;    ///< packets that reached the session
  std::uint64_t byte_count = 0;      ///< inner frame bytes of those packets
  std::uint64_t written_count = 0;   ///< frames written to an output
  std::uint64_t filtered_count = 0;  ///< frames the inner filter rejected
  std::uint64_t dropped_count = 0;   ///< frames lost to output errors
  std::uint64_t first_ns = 0;        ///< arrival time of the first packet
  std::uint64_t last_ns = 0;         ///< arrival time of the latest packet
};

/// Owns every session; pointers stay valid for the table's lifetime.
class SessionTable {
 public:
  /// A table holding at most `max_sessions` sessions.
  explicit SessionTable(std::size_t max_sessions) : max_sessions_(max_sessions) {}

  /// The session of `key`, created on first sight; nullptr when the table is full.
  Session* findOrAdd(const SessionKey& key);

  /// All sessions in order of first sight.
  [[nodiscard]] const std::vector<std::unique_ptr<Session>>& sessions() const noexcept {
    return list_;
  }

 private:
  std::size_t max_sessions_;
  std::unordered_map<SessionKey, Session*, SessionKeyHash> map_;
  std::vector<std::unique_ptr<Session>> list_;
  Session* last_ = nullptr;  ///< one-entry cache: consecutive packets mostly share a session
};

/// Text form of an address as stored in DecapView / SessionKey.
[[nodiscard]] std::string addressText(bool ipv6, const std::array<std::uint8_t, 16>& address);

}  // namespace ovse::erspan::collector
