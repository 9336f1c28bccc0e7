// Capture owner values: formatting, parsing, grouping a switch's rows by owner, liveness.
#include "mirror_manager/capture_owner.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "mirror_manager/reconciler.h"

namespace ovse::manager {
namespace {

using ovs::valueOf;

template <class T>
bool parseNumber(const std::string& text, T& out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// The rows of `owner` in `all`, created on first sight.
CaptureRows& rowsOf(std::map<std::string, CaptureRows>& all, const std::string& owner) {
  auto [it, fresh] = all.try_emplace(owner);
  if (fresh) {
    it->second.owner = owner;
    it->second.parsed = parseCaptureOwner(owner);
  }
  return it->second;
}

void addUnique(std::vector<std::string>& list, const std::string& value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

}  // namespace

std::string formatCaptureOwner(const CaptureOwner& owner) {
  return std::string(kCaptureOwnerPrefix) + std::to_string(owner.pid) + "-" +
         std::to_string(owner.start_ticks) + "-" + owner.boot_id;
}

std::optional<CaptureOwner> parseCaptureOwner(const std::string& text) {
  const std::string prefix = kCaptureOwnerPrefix;
  if (!text.starts_with(prefix)) return std::nullopt;
  const std::string rest = text.substr(prefix.size());
  const std::size_t a = rest.find('-');
  const std::size_t b = a == std::string::npos ? a : rest.find('-', a + 1);
  if (b == std::string::npos) return std::nullopt;
  CaptureOwner owner;
  owner.boot_id = rest.substr(b + 1);
  if (!parseNumber(rest.substr(0, a), owner.pid) || owner.pid <= 0 ||
      !parseNumber(rest.substr(a + 1, b - a - 1), owner.start_ticks) || owner.boot_id.empty() ||
      owner.boot_id.find('-') != std::string::npos) {
    return std::nullopt;
  }
  return owner;
}

std::vector<CaptureRows> captureRows(const ovs::SwitchState& state) {
  std::map<std::string, CaptureRows> all;
  for (const auto& mirror : state.mirrors) {
    const std::string owner = valueOf(mirror.external_ids, kOwnerKey);
    if (!owner.starts_with(kCaptureOwnerPrefix)) continue;
    CaptureRows& rows = rowsOf(all, owner);
    rows.mirrors.push_back(mirror.name);
    addUnique(rows.sessions, valueOf(mirror.external_ids, kSessionKey));
    for (const auto* list : {&mirror.select_src_port, &mirror.select_dst_port}) {
      for (const auto& uuid : *list) {
        if (const ovs::Port* port = state.portByUuid(uuid)) addUnique(rows.sources, port->name);
      }
    }
  }
  for (const auto& port : state.ports) {
    const std::string owner = valueOf(port.external_ids, kOwnerKey);
    if (!owner.starts_with(kCaptureOwnerPrefix)) continue;
    CaptureRows& rows = rowsOf(all, owner);
    rows.ports.push_back(port.name);
    addUnique(rows.sessions, valueOf(port.external_ids, kSessionKey));
  }
  std::vector<CaptureRows> out;
  for (auto& [owner, rows] : all) {
    std::sort(rows.sources.begin(), rows.sources.end());
    out.push_back(std::move(rows));
  }
  return out;
}

bool ownerAlive(const CaptureOwner& owner, const HostFacts& facts) {
  if (owner.boot_id != facts.boot_id) return false;
  auto it = facts.start_ticks.find(owner.pid);
  return it != facts.start_ticks.end() && it->second == owner.start_ticks;
}

}  // namespace ovse::manager
