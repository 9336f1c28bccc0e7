// Sessions seen by the collector: (exporter IP, ERSPAN session ID), (exporter IP, GRE key) or
// (exporter IP, VXLAN/Geneve VNI), each with its GRE sequence tracker (when its packets carry
// sequence numbers) and counters, found in O(1) without allocating per packet.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "erspan/collector/sequence_scopes.h"
#include "erspan/decap.h"
#include "erspan/seq_tracker.h"

namespace ovse::erspan::collector {

/// What kind of encapsulation a session's packets arrive in, and so what its ID is.
enum class SessionKind : std::uint8_t {
  kErspan,  ///< ERSPAN I/II/III: id = ERSPAN session ID
  kGre,     ///< plain GRE-TEB: id = GRE key
  kVxlan,   ///< VXLAN: id = VNI
  kGeneve,  ///< Geneve: id = VNI
};

/// How a kind's sessions and their IDs are called in file names, interfaces and reports.
struct SessionKindNames {
  const char* token;     ///< %t and the start of interface names: "erspan", "gre", "vxlan", "geneve"
  const char* id_label;  ///< the ID's tag in interface names and the exit table: "sid", "key", "vni"
  const char* id_field;  ///< the ID's --json field: "session_id", "gre_key", "vni"
  const char* id_word;   ///< the ID in an interface description: "session", "key", "VNI"
  /// The encapsulation's name where the kind alone says it ("VXLAN", "Geneve"); nullptr where the
  /// packets tell (ERSPAN Type I/II/III, GRE-TEB: Session::last_type).
  const char* overlay_name;
};

/// The names of `kind`.
[[nodiscard]] const SessionKindNames& namesOf(SessionKind kind) noexcept;

/// False for VXLAN and Geneve: they carry no sequence numbers, so loss cannot be measured.
[[nodiscard]] constexpr bool lossMeasurable(SessionKind kind) noexcept {
  return kind == SessionKind::kErspan || kind == SessionKind::kGre;
}

/// What identifies a session.
struct SessionKey {
  bool ipv6 = false;
  SessionKind kind = SessionKind::kErspan;
  std::uint32_t id = 0;  ///< session ID, GRE key or VNI (see SessionKind)
  std::array<std::uint8_t, 16> exporter{};
  /// Compared once per packet: two 8-byte loads, not a memcmp call for the address.
  friend bool operator==(const SessionKey& a, const SessionKey& b) noexcept {
    std::uint64_t x[2], y[2];
    std::memcpy(x, a.exporter.data(), sizeof x);
    std::memcpy(y, b.exporter.data(), sizeof y);
    return a.id == b.id && a.ipv6 == b.ipv6 && a.kind == b.kind && x[0] == y[0] && x[1] == y[1];
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

/// The GRE sequence accounting of one session: a handle on its slot in the ExporterScopes of its
/// exporter address, which learns whether it numbers per session, per direction or from a
/// counter shared with sibling sessions (see SequenceScope). A default-constructed one (a Session
/// not made by SessionTable) accounts nothing.
class SessionSequence {
 public:
  SessionSequence() = default;
  SessionSequence(ExporterScopes* scopes, std::size_t slot) noexcept
      : scopes_(scopes), slot_(slot) {}

  /// Accounts `sequence` of a packet (egress = Type III D=1); returns its verdict in the scope
  /// chosen after it.
  SeqResult observe(bool egress, std::uint32_t sequence) noexcept {
    return scopes_ ? scopes_->observe(slot_, egress, sequence) : SeqResult{};
  }
  /// The scope whose counters counters() reports.
  [[nodiscard]] SequenceScope scope() const noexcept {
    return scopes_ ? scopes_->scope(slot_) : SequenceScope::kSession;
  }
  /// Counters in scope(); for kExporter this session's share of the shared counter's.
  [[nodiscard]] SeqCounters counters() const noexcept {
    return scopes_ ? scopes_->counters(slot_) : SeqCounters{};
  }
  /// True when `other` is a session of the same exporter numbered from the same counter.
  [[nodiscard]] bool sharesCounterWith(const SessionSequence& other) const noexcept {
    return scopes_ != nullptr && scopes_ == other.scopes_ && slot_ != other.slot_ &&
           scopes_->groupOf(slot_) == scopes_->groupOf(other.slot_);
  }

 private:
  ExporterScopes* scopes_ = nullptr;
  std::size_t slot_ = 0;
};

/// One session and its running totals.
struct Session {
  SessionKey key;
  std::size_t index = 0;      ///< dense number, 0.. in order of first sight
  std::string exporter_text;  ///< exporter address as text ("10.0.0.1", "2001:db8::1")
  std::string label;  ///< e.g. "erspan-10.0.0.1-sid123", "gre-10.0.0.1-key5", "vxlan-...-vni42"
  std::string description;    ///< pcapng if_description; "" = derived from the ERSPAN session
  ErspanType last_type = ErspanType::kTypeII;
  /// GRE sequence accounting (see SequenceScope); accounts nothing when !lossMeasurable(kind).
  SessionSequence seq;
  std::uint64_t packet_count = 0;    ///< packets that reached the session
  std::uint64_t byte_count = 0;      ///< inner frame bytes of those packets
  std::uint64_t written_count = 0;   ///< frames written to an output
  std::uint64_t filtered_count = 0;  ///< frames the inner filter rejected
  std::uint64_t dropped_count = 0;   ///< frames lost to output errors
  std::uint64_t runt_count = 0;      ///< inner frames shorter than an Ethernet header: not written
  std::uint64_t first_ns = 0;        ///< arrival time of the first packet
  std::uint64_t last_ns = 0;         ///< arrival time of the latest packet
};

/// The session's loss can be measured: its kind carries GRE sequence numbers and its packets do
/// (ERSPAN Type I and GRE without the S bit carry none: their loss is "not measurable", never 0).
[[nodiscard]] inline bool lossMeasured(const Session& session) noexcept {
  return lossMeasurable(session.key.kind) && session.seq.counters().received_count != 0;
}

/// Owns every session; pointers stay valid for the table's lifetime.
class SessionTable {
 public:
  /// A table holding at most `max_sessions` sessions.
  explicit SessionTable(std::size_t max_sessions) : max_sessions_(max_sessions) {}

  /// The session of `key`, created on first sight; nullptr when the table is full.
  Session* findOrAdd(const SessionKey& key);

  /// Sequence numbers lost over all sessions whose loss is measurable (a shared counter's loss
  /// is shared among its sessions, so it is counted once).
  [[nodiscard]] std::uint64_t lostCount() const noexcept;
  /// Sessions whose loss cannot be measured (VXLAN, Geneve: no sequence numbers).
  [[nodiscard]] std::size_t lossUnmeasurableCount() const noexcept;

  /// All sessions in order of first sight.
  [[nodiscard]] const std::vector<std::unique_ptr<Session>>& sessions() const noexcept {
    return list_;
  }

 private:
  std::size_t max_sessions_;
  std::unordered_map<SessionKey, Session*, SessionKeyHash> map_;
  /// Per exporter address (IPv6 flag in byte 16): the sequence accounting of its sessions.
  std::map<std::array<std::uint8_t, 17>, std::unique_ptr<ExporterScopes>> exporters_;
  std::vector<std::unique_ptr<Session>> list_;
  Session* last_ = nullptr;  ///< one-entry cache: consecutive packets mostly share a session
};

/// Text form of an address as stored in DecapView / SessionKey.
[[nodiscard]] std::string addressText(bool ipv6, const std::array<std::uint8_t, 16>& address);

}  // namespace ovse::erspan::collector
