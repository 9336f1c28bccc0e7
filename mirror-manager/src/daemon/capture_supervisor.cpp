// CaptureSupervisor: session → output settings (a file confined to the capture directory) and
// taps, the earlier file kept aside, and the open/keep/reopen/close decisions.
#include "capture_supervisor.h"

#include "mirror_manager/reconciler.h"
#include "mirror_manager/validation.h"

namespace ovse::manager::daemon {
namespace {

namespace cap = erspan::capture;

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

}  // namespace

CaptureSupervisor::CaptureSupervisor(LogFn log, std::string capture_dir)
    : log_(std::move(log)), capture_dir_(std::move(capture_dir)) {
  if (const std::string error = openDir(); !error.empty()) log_(error);
}

std::string CaptureSupervisor::openDir() {
  if (dir_.fd() >= 0) return "";
  auto dir = erspan::io::ConfinedDir::open(capture_dir_);
  if (!dir) return "capture directory: " + dir.error();
  dir_ = std::move(*dir);
  return "";
}

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
    entry.session = *session;
    auto output = outputFor(*session);
    const std::string refused = confine(output);
    if (entry.capture && !(entry.output == output)) {
      log_("session " + name + ": closed " + entry.output.path + " (the session's output changed)");
      entry.capture.reset();
    }
    entry.output = output;
    if (!refused.empty()) {
      fail(name, entry, refused);
      continue;
    }
    if (!entry.capture) open(name, entry);
    if (entry.capture) entry.capture->setTaps(tapsFor(*session, state));
  }
}

std::string CaptureSupervisor::confine(cap::CaptureOutputConfig& output) {
  if (const std::string error = openDir(); !error.empty()) return error;
  // The same rule as validation: a store written by hand or by an older version is held to it.
  auto within = captureFileWithin(output.path, capture_dir_);
  if (!within) return "destination.file: " + within.error();
  output.path = *within;
  output.file_options.dir_fd = dir_.fd();
  return "";
}

void CaptureSupervisor::fail(const std::string& name, Entry& entry, const std::string& error) {
  if (entry.error != error) log_("session " + name + ": not capturing: " + error);
  entry.error = error;
}

void CaptureSupervisor::open(const std::string& name, Entry& entry) {
  // Kept here (not only by the writer) so that the log says where the earlier file went.
  auto kept = erspan::io::keepEarlierFile(entry.output.path, entry.output.file_options);
  if (!kept) return fail(name, entry, "destination.file " + kept.error());
  auto started = cap::LiveCapture::start(entry.output, name);
  if (!started) return fail(name, entry, "destination.file " + started.error());
  entry.capture = std::move(*started);
  entry.error.clear();
  log_("session " + name + ": writing " + entry.output.path + " in " + capture_dir_ +
       (kept->empty() ? "" : " (the earlier file is now " + *kept + ")"));
}

void CaptureSupervisor::report(PipelineReport& report) const {
  for (const auto& [name, entry] : entries_) {
    PipelineRun& run = report.runs[name];
    run.session = entry.session;
    if (!entry.capture) {
      run.failed = true;
      run.reason = "not capturing: " + entry.error;
      continue;
    }
    const auto s = entry.capture->stats();
    // A tap it cannot open (serve outside ovs-vswitchd's network namespace) is a failure; no
    // port yet is a wait (OVS creates them in the round that programs the session).
    if (!s.write_error.empty() || !s.problems.empty()) {
      run.failed = true;
      run.reason = "not capturing: " + (s.write_error.empty() ? s.problems.front() : s.write_error);
    } else if (s.ports.empty()) {
      run.reason = "waiting for its ports in OVS";
    } else {
      run.running = true;
    }
  }
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
