// Session table: key derivation from decapsulated packets, hashing, creation on first sight.
#include "erspan/collector/session_table.h"

#include <arpa/inet.h>

#include <algorithm>
#include <iterator>

namespace ovse::erspan::collector {

namespace {

SessionKind kindOf(const DecapView& view) noexcept {
  switch (view.tunnel) {
    case Tunnel::kVxlan:
      return SessionKind::kVxlan;
    case Tunnel::kGeneve:
      return SessionKind::kGeneve;
    case Tunnel::kGre:
      break;
  }
  return view.type == ErspanType::kGreTeb ? SessionKind::kGre : SessionKind::kErspan;
}

std::uint32_t idOf(SessionKind kind, const DecapView& view) noexcept {
  switch (kind) {
    case SessionKind::kGre:
      return view.gre_key.value_or(0);
    case SessionKind::kVxlan:
    case SessionKind::kGeneve:
      return view.vni;
    case SessionKind::kErspan:
      break;
  }
  return view.session_id;
}

}  // namespace

const SessionKindNames& namesOf(SessionKind kind) noexcept {
  // Indexed by SessionKind.
  static constexpr SessionKindNames kNames[] = {
      {"erspan", "sid", "session_id", "session", nullptr},
      {"gre", "key", "gre_key", "key", nullptr},
      {"vxlan", "vni", "vni", "VNI", "VXLAN"},
      {"geneve", "vni", "vni", "VNI", "Geneve"},
  };
  static_assert(std::size(kNames) == static_cast<std::size_t>(SessionKind::kGeneve) + 1);
  return kNames[static_cast<std::size_t>(kind)];
}

SessionKey SessionKey::of(const DecapView& view) noexcept {
  SessionKey key;
  key.ipv6 = view.ip_version == IpVersion::kV6;
  key.kind = kindOf(view);
  key.id = idOf(key.kind, view);
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
  mix(static_cast<std::uint64_t>(key.kind));
  for (int i = 0; i < 4; ++i) mix((key.id >> (8 * i)) & 0xFF);
  for (std::uint8_t b : key.exporter) mix(b);
  return static_cast<std::size_t>(h);
}

std::uint64_t SessionTable::lostCount() const noexcept {
  std::uint64_t lost = 0;
  for (const auto& s : list_) lost += s->seq.counters().lost_count;
  return lost;
}

std::size_t SessionTable::lossUnmeasurableCount() const noexcept {
  return static_cast<std::size_t>(std::ranges::count_if(
      list_, [](const auto& s) { return !lossMeasured(*s); }));
}

Session* SessionTable::findOrAdd(const SessionKey& key) {
  if (last_ != nullptr && last_->key == key) return last_;
  if (auto it = map_.find(key); it != map_.end()) return last_ = it->second;
  if (list_.size() >= max_sessions_) return nullptr;
  auto session = std::make_unique<Session>();
  session->key = key;
  // Sessions without sequence numbers take no slot among their exporter's scopes.
  if (lossMeasurable(key.kind)) {
    auto& exporter = exporters_[exporterKey(key)];
    if (!exporter) exporter = std::make_unique<ExporterScopes>();
    session->seq = SessionSequence(exporter.get(), exporter->addSession());
  }
  session->index = list_.size();
  session->exporter_text = addressText(key.ipv6, key.exporter);
  const SessionKindNames& names = namesOf(key.kind);
  session->label = std::string(names.token) + "-" + session->exporter_text + "-" + names.id_label +
                   std::to_string(key.id);
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
