// Session table: key derivation from decapsulated packets, hashing, creation on first sight.
#include "erspan/collector/session_table.h"

#include <arpa/inet.h>

#include <algorithm>
#include <set>

namespace ovse::erspan::collector {

SessionKey SessionKey::of(const DecapView& view) noexcept {
  SessionKey key;
  key.ipv6 = view.ip_version == IpVersion::kV6;
  key.gre = view.type == ErspanType::kGreTeb;
  key.id = key.gre ? view.gre_key.value_or(0) : view.session_id;
  key.exporter = view.src_ip;
  return key;
}

std::array<std::uint8_t, 17> exporterKey(const SessionKey& key) noexcept {
  std::array<std::uint8_t, 17> out{};
  std::copy(key.exporter.begin(), key.exporter.end(), out.begin());
  out[16] = key.ipv6 ? 1 : 0;
  return out;
}

std::size_t SessionKeyHash::operator()(const SessionKey& key) const noexcept {
  std::uint64_t h = 1469598103934665603ull;
  const auto mix = [&h](std::uint64_t byte) {
    h ^= byte;
    h *= 1099511628211ull;
  };
  mix(key.ipv6 ? 1 : 0);
  mix(key.gre ? 1 : 0);
  for (int i = 0; i < 4; ++i) mix((key.id >> (8 * i)) & 0xFF);
  for (std::uint8_t b : key.exporter) mix(b);
  return static_cast<std::size_t>(h);
}

namespace {

std::uint64_t disorder(const SeqCounters& c) noexcept {
  return c.reordered_count + c.duplicate_count + c.stale_count + c.restart_count;
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

SeqResult SessionSequence::observe(bool egress, std::uint32_t sequence) noexcept {
  const SeqResult in_exporter = exporter_ ? exporter_->tracker.observe(sequence) : SeqResult{};
  const SeqResult in_session = session_.observe(sequence);
  const SeqResult in_direction = directions_[egress ? 1 : 0].observe(sequence);
  switch (scope()) {
    case SequenceScope::kExporter:
      return in_exporter;
    case SequenceScope::kSession:
      return in_session;
    case SequenceScope::kDirection:
      break;
  }
  return in_direction;
}

SequenceScope SessionSequence::scope() const noexcept {
  const std::uint64_t by_direction =
      disorder(directions_[0].counters()) + disorder(directions_[1].counters());
  const std::uint64_t by_session = disorder(session_.counters());
  // With one session the exporter's stream is the session's: name it by the session.
  if (exporter_ && exporter_->session_count > 1) {
    const std::uint64_t by_exporter = disorder(exporter_->tracker.counters());
    if (by_exporter <= by_session && by_exporter <= by_direction) return SequenceScope::kExporter;
  }
  return by_session <= by_direction ? SequenceScope::kSession : SequenceScope::kDirection;
}

SeqCounters SessionSequence::counters() const noexcept {
  switch (scope()) {
    case SequenceScope::kExporter:
      return exporter_->tracker.counters();
    case SequenceScope::kSession:
      return session_.counters();
    case SequenceScope::kDirection:
      break;
  }
  SeqCounters sum;
  for (const auto& d : directions_) {
    const SeqCounters& c = d.counters();
    sum.received_count += c.received_count;
    sum.lost_count += c.lost_count;
    sum.reordered_count += c.reordered_count;
    sum.duplicate_count += c.duplicate_count;
    sum.stale_count += c.stale_count;
    sum.restart_count += c.restart_count;
  }
  return sum;
}

std::uint64_t SessionTable::lostCount() const noexcept {
  std::uint64_t lost = 0;
  std::set<std::array<std::uint8_t, 17>> shared;  // exporters whose stream is already counted
  for (const auto& s : list_) {
    if (s->seq.scope() != SequenceScope::kExporter || shared.insert(exporterKey(s->key)).second) {
      lost += s->seq.counters().lost_count;
    }
  }
  return lost;
}

Session* SessionTable::findOrAdd(const SessionKey& key) {
  if (last_ != nullptr && last_->key == key) return last_;
  if (auto it = map_.find(key); it != map_.end()) return last_ = it->second;
  if (list_.size() >= max_sessions_) return nullptr;
  auto& exporter = exporters_[exporterKey(key)];
  if (!exporter) exporter = std::make_unique<ExporterSequence>();
  ++exporter->session_count;
  auto session = std::make_unique<Session>();
  session->key = key;
  session->seq = SessionSequence(exporter.get());
  session->index = list_.size();
  session->exporter_text = addressText(key.ipv6, key.exporter);
  session->label = (key.gre ? "gre-" : "erspan-") + session->exporter_text +
                   (key.gre ? "-key" : "-sid") + std::to_string(key.id);
  Session* raw = session.get();
  list_.push_back(std::move(session));
  map_.emplace(key, raw);
  return last_ = raw;
}

std::string addressText(bool ipv6, const std::array<std::uint8_t, 16>& address) {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(ipv6 ? AF_INET6 : AF_INET, address.data(), text, sizeof text);
  return text;
}

}  // namespace ovse::erspan::collector
