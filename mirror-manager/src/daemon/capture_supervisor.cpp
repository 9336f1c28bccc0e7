// CaptureSupervisor: session → output settings and taps, the earlier file kept aside, and the
// open/keep/reopen/close decisions.
#include "capture_supervisor.h"

#include <sys/stat.h>

#include <ctime>
#include <filesystem>

#include "mirror_manager/reconciler.h"

namespace ovse::manager::daemon {
namespace {

namespace cap = erspan::capture;
namespace fs = std::filesystem;

bool capturing(const Session& s) {
  return s.enabled && s.type == SessionType::kCapture &&
         std::holds_alternative<CaptureDestination>(s.destination);
}

cap::CaptureOutputConfig outputFor(const Session& s) {
  cap::CaptureOutputConfig c;
  c.path = std::get<CaptureDestination>(s.destination).file;
  c.pcapng = !c.path.ends_with(".pcap");
  c.snap_len_bytes = s.mirrored_packet_length.value_or(0);
  c.filter = s.filter;
  c.sample_n = s.sampling_rate;
  return c;
}

// The session's internal ports present in OVS, each with the direction its mirror carries.
std::vector<cap::TapSpec> tapsFor(const Session& s, const ovs::SwitchState& state) {
  std::vector<cap::TapSpec> taps;
  for (auto [role, direction] : {std::pair{"ingress", erspan::PacketDirection::kInbound},
                                 std::pair{"egress", erspan::PacketDirection::kOutbound}}) {
    std::string port = ownedPortName(s.name, role);
    if (state.portByName(port)) taps.push_back({port, 0, direction});
  }
  return taps;
}

// Renames a non-empty file at `path` to <stem>-<mtime YYYYmmdd-HHMMSS>[-N]<ext>; returns the new
// name ("" when there was nothing to keep) or an error.
std::expected<std::string, std::string> keepEarlierFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) return "";
  std::tm tm{};
  localtime_r(&st.st_mtime, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "-%Y%m%d-%H%M%S", &tm);
  const fs::path p(path);
  const std::string base = (p.parent_path() / p.stem()).string() + stamp;
  std::string aside = base + p.extension().string();
  for (int n = 1; fs::exists(aside); ++n) {
    aside = base + "-" + std::to_string(n) + p.extension().string();
  }
  std::error_code ec;
  fs::rename(p, aside, ec);
  if (ec)
    return std::unexpected("cannot keep the earlier " + path + " as " + aside + ": " +
                           ec.message());
  return aside;
}

}  // namespace

void CaptureSupervisor::sync(std::span<const Session> sessions, const ovs::SwitchState& state) {
  std::map<std::string, const Session*> wanted;
  for (const auto& s : sessions) {
    if (capturing(s)) wanted[s.name] = &s;
  }
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (wanted.contains(it->first)) {
      ++it;
      continue;
    }
    if (it->second.capture) log_("session " + it->first + ": closed " + it->second.output.path);
    it = entries_.erase(it);
  }
  for (const auto& [name, session] : wanted) {
    Entry& entry = entries_[name];
    auto output = outputFor(*session);
    if (entry.capture && !(entry.output == output)) {
      log_("session " + name + ": closed " + entry.output.path + " (the session's output changed)");
      entry.capture.reset();
    }
    entry.output = output;
    if (!entry.capture) open(name, entry);
    if (entry.capture) entry.capture->setTaps(tapsFor(*session, state));
  }
}

void CaptureSupervisor::open(const std::string& name, Entry& entry) {
  auto kept = keepEarlierFile(entry.output.path);
  if (!kept) {
    if (entry.error != kept.error()) log_("session " + name + ": " + kept.error());
    entry.error = kept.error();
    return;
  }
  auto started = cap::LiveCapture::start(entry.output, name);
  if (!started) {
    const std::string error = "destination.file " + started.error();
    if (entry.error != error) log_("session " + name + ": not capturing: " + error);
    entry.error = error;
    return;
  }
  entry.capture = std::move(*started);
  entry.error.clear();
  log_("session " + name + ": writing " + entry.output.path +
       (kept->empty() ? "" : " (the earlier file is now " + *kept + ")"));
}

std::optional<CaptureFigures> CaptureSupervisor::figures(const std::string& session) const {
  auto it = entries_.find(session);
  if (it == entries_.end()) return std::nullopt;
  const Entry& entry = it->second;
  CaptureFigures f;
  f.file = entry.output.path;
  f.error = entry.error;
  if (entry.capture) {
    const auto s = entry.capture->stats();
    f.running = s.write_error.empty();
    if (!s.write_error.empty()) {
      f.error = s.write_error;
    } else if (!s.problems.empty()) {
      f.error = s.problems.front();
    } else if (s.ports.empty()) {
      f.error = "waiting for its ports in OVS";
    }
    f.ports = s.ports;
    f.file_bytes = s.file_bytes;
    f.packets_in = s.directions[0].packets;
    f.bytes_in = s.directions[0].bytes;
    f.packets_out = s.directions[1].packets;
    f.bytes_out = s.directions[1].bytes;
    f.kernel_dropped = s.directions[0].kernel_drops + s.directions[1].kernel_drops;
    f.sampled_out = s.sampled_out;
  }
  return f;
}

}  // namespace ovse::manager::daemon
