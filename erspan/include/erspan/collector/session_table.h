// Sessions seen by the collector: (exporter IP, ERSPAN session ID) or (exporter IP, GRE key),
// each with its GRE sequence tracker and counters, found in O(1) without allocating per packet.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <map>
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
  /// Compared once per packet: two 8-byte loads, not a memcmp call for the address.
  friend bool operator==(const SessionKey& a, const SessionKey& b) noexcept {
    std::uint64_t x[2], y[2];
    std::memcpy(x, a.exporter.data(), sizeof x);
    std::memcpy(y, b.exporter.data(), sizeof y);
    return a.id == b.id && a.ipv6 == b.ipv6 && a.gre == b.gre && x[0] == y[0] && x[1] == y[1];
  }

  /// The key of a decapsulated packet (Type I has no ID: 0; GRE-TEB without a key: 0).
  [[nodiscard]] static SessionKey of(const DecapView& view) noexcept;
};

/// The exporter part of a key (address, IPv6 flag in the last byte).
[[nodiscard]] std::array<std::uint8_t, 17> exporterKey(const SessionKey& key) noexcept;

/// Hash of a SessionKey (FNV-1a over its fields).
struct SessionKeyHash {
  std::size_t operator()(const SessionKey& key) const noexcept;
};

/// Which packets an exporter numbers from one GRE sequence counter. OVS numbers every ERSPAN
/// packet of a host from one counter (all its `erspan` ports share one datapath tunnel port, so
/// two sessions, and both directions of one, interleave); our exporter and most switches number
/// per session; others per tunnel port, i.e. per direction. Loss is only meaningful in the
/// scope the exporter numbers in.
enum class SequenceScope : std::uint8_t { kExporter, kSession, kDirection };

/// Text name of a scope ("exporter", "session", "direction").
[[nodiscard]] const char* scopeName(SequenceScope scope) noexcept;

/// The sequence stream of everything one exporter address sends, shared by its sessions.
struct ExporterSequence {
  SeqTracker tracker;
  std::size_t session_count = 0;  ///< sessions seen from this exporter
};

/// The GRE sequence accounting of one session, kept in every scope at once: a numbering scope
/// that is too narrow shows gaps that are the other streams' packets, one too wide shows
/// interleaved counters as reordering, duplicates and restarts. The scope reported is the
/// widest one with no more disorder than the narrower ones.
class SessionSequence {
 public:
  explicit SessionSequence(ExporterSequence* exporter = nullptr) noexcept : exporter_(exporter) {}

  /// Accounts `sequence` of a packet (egress = Type III D=1); returns its verdict in the scope
  /// chosen after it.
  SeqResult observe(bool egress, std::uint32_t sequence) noexcept;
  /// The scope whose counters counters() reports.
  [[nodiscard]] SequenceScope scope() const noexcept;
  /// Counters of scope(); for kExporter they cover all sessions of the exporter.
  [[nodiscard]] SeqCounters counters() const noexcept;

 private:
  ExporterSequence* exporter_;
  SeqTracker session_;
  std::array<SeqTracker, 2> directions_;
};

/// One session and its running totals.
struct Session {
  SessionKey key;
  std::size_t index = 0;      ///< dense number, 0.. in order of first sight
  std::string exporter_text;  ///< exporter address as text ("10.0.0.1", "2001:db8::1")
  std::string label;          ///< e.g. "erspan-10.0.0.1-sid123" or "gre-10.0.0.1-key5"
  std::string description;    ///< pcapng if_description; "" = derived from the ERSPAN session
  ErspanType last_type = ErspanType::kTypeII;
  SessionSequence seq;               ///< GRE sequence accounting (see SequenceScope)
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

  /// Sequence numbers lost over all sessions, each exporter-scoped counter counted once.
  [[nodiscard]] std::uint64_t lostCount() const noexcept;

  /// All sessions in order of first sight.
  [[nodiscard]] const std::vector<std::unique_ptr<Session>>& sessions() const noexcept {
    return list_;
  }

 private:
  std::size_t max_sessions_;
  std::unordered_map<SessionKey, Session*, SessionKeyHash> map_;
  /// Per exporter address (IPv6 flag in byte 16): the stream shared by its sessions.
  std::map<std::array<std::uint8_t, 17>, std::unique_ptr<ExporterSequence>> exporters_;
  std::vector<std::unique_ptr<Session>> list_;
  Session* last_ = nullptr;  ///< one-entry cache: consecutive packets mostly share a session
};

/// Text form of an address as stored in DecapView / SessionKey.
[[nodiscard]] std::string addressText(bool ipv6, const std::array<std::uint8_t, 16>& address);

}  // namespace ovse::erspan::collector
