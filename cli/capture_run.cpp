// runCapture: flags → leftover clean-up → targets → OVS rows → packet loop (re-binding on
// every OVSDB change, progress, free-space warning) → rows removed → summary.
#include "capture_run.h"

#include <signal.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "capture_flags.h"
#include "mirror_manager/capture_cleanup.h"
#include "capture_report.h"
#include "erspan/collector/run.h"
#include "mirror_manager/json_text.h"
#include "stop_signals.h"

namespace ovse::cli {
namespace {

using Clock = std::chrono::steady_clock;

void installSignals() {
  installStopSignals({.hangup_stops = true});
  // A reader of -o - that goes away must end the capture through a write error, not kill it.
  signal(SIGPIPE, SIG_IGN);
}

void say(const std::string& line) { std::cerr << "mirrorctl capture: " << line << '\n'; }

std::uint64_t freeBytesAt(const std::string& output) {
  std::filesystem::path dir = std::filesystem::path(output).parent_path();
  if (dir.empty()) dir = ".";
  struct statvfs vfs {};
  if (statvfs(dir.c_str(), &vfs) != 0) return UINT64_MAX;
  return std::uint64_t{vfs.f_bavail} * vfs.f_frsize;
}

/// Warns once when, at the rate written so far, the free space will not last.
class SpaceWatch {
 public:
  SpaceWatch(const CaptureOptions& o) : o_(o) {}
  void check(const erspan::capture::MirrorCapture& io, double elapsed_s) {
    if (warned_ || o_.output == "-" || elapsed_s < 3 || io.fileBytes() == 0) return;
    const double bound = o_.rotate_mb * 1e6 * o_.max_files;  // a -C/-W ring never grows past it
    const double free = static_cast<double>(freeBytesAt(o_.output));
    if (bound > 0 && bound < free) return;
    const double rate = static_cast<double>(io.fileBytes()) / elapsed_s;
    const double lasts_s = free / rate;
    const double wanted_s = o_.duration_s > 0 ? o_.duration_s - elapsed_s : 600;
    if (lasts_s >= wanted_s) return;
    warned_ = true;
    char text[160];
    std::snprintf(text, sizeof text,
                  "warning: at %.2f MB/s the %.1f MB free at the output last about %.0f s",
                  rate / 1e6, free / 1e6, lasts_s);
    say(text);
  }

 private:
  const CaptureOptions& o_;
  bool warned_ = false;
};

std::string startupLine(const std::vector<manager::ResolvedTarget>& targets, manager::Direction dir,
                        const CaptureOptions& o) {
  std::string what;
  for (const auto& t : targets) {
    std::string ports;
    for (const auto& p : t.port_names) ports += (ports.empty() ? "" : ",") + p;
    what += (what.empty() ? "" : "; ") + t.label + " (" + manager::describeSource(t.source) +
            ", now port " + ports + ")";
  }
  const char* dirs = dir == manager::Direction::kBoth      ? "in+out"
                     : dir == manager::Direction::kIngress ? "in (PortInput)"
                                                           : "out (PortOutput)";
  return std::string("capturing ") + dirs + " of " + what + " to " +
         (o.output == "-" ? std::string("stdout") : o.output) + "; Ctrl-C stops";
}

CaptureEnd loop(const CaptureOptions& o, erspan::capture::MirrorCapture& io,
                manager::CaptureSwitch& sw) {
  const auto start = Clock::now();
  auto next_tick = start + std::chrono::seconds(1);
  auto next_line = start + std::chrono::duration<double>(o.progress_s);
  const bool tty = isatty(STDERR_FILENO) != 0;
  SpaceWatch space(o);
  CaptureEnd end;
  for (;;) {
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    end.elapsed_s = elapsed;
    if (stopRequested()) end.reason = "signal";
    if (io.limitReached()) end.reason = "count";
    if (o.duration_s > 0 && elapsed >= o.duration_s) end.reason = "duration";
    if (!io.writeError().empty()) {
      end.reason = "write-error";
      end.message = io.writeError().substr(0, io.writeError().find("; frames are dropped"));
    }
    if (!end.reason.empty()) break;
    io.pollOnce(50);
    auto changes = sw.refresh();
    for (const auto& line : changes) say(line);
    if (!changes.empty()) {
      for (const auto& p : io.sync(sw.taps())) say(p);
    }
    const auto now = Clock::now();
    if (now < next_tick) continue;
    next_tick = now + std::chrono::seconds(1);
    io.tick(erspan::collector::wallClockNs());
    for (const auto& p : io.sync(sw.taps())) say(p);  // netdevs re-created by ovs-vswitchd
    space.check(io, elapsed);
    if (tty) {
      std::cerr << '\r' << captureProgressLine(io, elapsed) << "\x1b[K" << std::flush;
    } else if (o.progress_s > 0 && now >= next_line) {
      next_line = now + std::chrono::duration<double>(o.progress_s);
      say(captureProgressLine(io, elapsed));
    }
  }
  if (tty) std::cerr << '\n';
  return end;
}

std::expected<std::vector<manager::ResolvedTarget>, std::string> resolveAll(
    const CaptureOptions& o, const ovs::SwitchState& state) {
  std::vector<manager::ResolvedTarget> out;
  std::string errors;
  for (const auto& t : o.targets) {
    auto r = manager::resolveTarget(t, state);
    if (!r) {
      errors += (errors.empty() ? "" : "\n") + r.error();
      continue;
    }
    for (const auto& note : r->notes) say(note);
    out.push_back(std::move(*r));
  }
  if (!errors.empty()) return std::unexpected(errors);
  return out;
}

void clearLeftovers(ovs::OvsdbClient& client) {
  auto removed = manager::removeDeadCaptures(client);
  if (!removed) {
    say("warning: " + removed.error());
    return;
  }
  for (const auto& info : *removed) {
    say("removed leftover rows of a capture that is not running (" + info.rows.owner + ")");
  }
}

// Programs OVS, runs the loop, always removes the rows; prints the summary.
int captureWith(const CaptureOptions& o, const CapturePlanFlags& flags,
                std::vector<manager::ResolvedTarget> targets, ovs::OvsdbClient& client) {
  std::vector<std::string> labels;
  for (const auto& t : targets) labels.push_back(t.label);
  auto io = erspan::capture::MirrorCapture::create(flags.output, labels);
  if (!io) {
    say("-o " + io.error());
    return 1;
  }
  if (const std::uint64_t free = freeBytesAt(o.output); o.output != "-" && free != UINT64_MAX) {
    say("free space at the output: " + humanBytes(free));
  }
  const std::string owner = manager::formatCaptureOwner(manager::selfOwner());
  manager::CaptureRequest request{targets, flags.direction, 0, owner};
  manager::CaptureSwitch sw(client, manager::captureSessions(request), labels, owner);
  installSignals();
  CaptureEnd end;
  if (auto programmed = sw.program(); !programmed) {
    end = {"error", programmed.error()};
  } else if (auto problems = (*io)->sync(sw.taps()); !problems.empty()) {
    end = {"error", problems.front()};
  } else {
    say(startupLine(targets, flags.direction, o));
    end = loop(o, **io, sw);
  }
  (*io)->close(erspan::collector::wallClockNs());
  if (auto removed = sw.remove(); !removed) {
    say(removed.error());
    end.rows_removed = false;
  }
  if (!end.message.empty()) say(end.message);
  std::ostream& text = o.output == "-" ? std::cerr : std::cout;
  if (o.json) {
    text << manager::dumpJson(captureSummaryJson(**io, sw, labels, end), 2) << '\n';
  } else {
    printCaptureSummary(text, **io, sw, labels, end);
  }
  return end.reason == "error" || end.reason == "write-error" || !end.rows_removed ? 1 : 0;
}

}  // namespace

int runCapture(CaptureOptions& o) {
  auto flags = checkCaptureFlags(o);
  if (!flags) {
    say(flags.error());
    return 2;
  }
  for (const auto& w : flags->warnings) say("warning: " + w);
  auto client = connectOvsdb(o.ovsdb, /*keep_reconnecting=*/true);  // outlives a db restart
  if (!client) {
    say(client.error());
    return 1;
  }
  clearLeftovers(**client);
  auto targets = resolveAll(o, *(*client)->snapshot());
  if (!targets) {
    for (std::size_t pos = 0, next; pos != std::string::npos; pos = next) {
      next = targets.error().find('\n', pos);
      say(targets.error().substr(pos, next == std::string::npos ? next : next - pos));
      if (next != std::string::npos) ++next;
    }
    return 2;
  }
  return captureWith(o, *flags, std::move(*targets), **client);
}

}  // namespace ovse::cli
