// runCollector: capture batches → Collector, poll with a timeout for live input (moderated
// wake-ups), one-second ticks.
#include "erspan/collector/run.h"

#include <malloc.h>
#include <poll.h>
#include <sys/resource.h>

#include <cerrno>
#include <ctime>

#include "erspan/collector/record_file.h"
#include "erspan/io/wakeup_moderation.h"

namespace ovse::erspan::collector {
namespace {

constexpr std::size_t kBatchFrames = 256;
constexpr std::uint64_t kTickNs = 1000000000ull;
constexpr int kPollMs = 100;
/// Live capture writes its files inline, in the smallest buffers a file takes, which stay in this
/// core's cache while the kernel copies them: handing 1 MiB buffers to a writer thread on another
/// core cost more CPU per packet than it saved (collect_live_bench.sh). The kernel ring absorbs a
/// slow disk.
CollectorConfig withLiveWrites(CollectorConfig config) {
  if (config.read_path.empty()) {
    config.write_buffer_bytes = kMinRecordBufferBytes;
    config.write_behind = false;
  }
  return config;
}

/// Allocations from this size on get their own mapping (see runCollector).
constexpr int kMmapThresholdBytes = 128 << 10;
/// Descriptors kept for everything besides the capture files (capture, TAP, stdio, logs).
constexpr rlim_t kSpareDescriptors = 64;

/// Makes room for --max-outputs files under RLIMIT_NOFILE (raising the soft limit up to the hard
/// one), so the cap, not EMFILE, decides when a file is closed.
std::expected<void, std::string> reserveDescriptors(std::uint32_t max_outputs) {
  const rlim_t needed = rlim_t{max_outputs} + kSpareDescriptors;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= needed) return {};
  if (limit.rlim_max == RLIM_INFINITY || limit.rlim_max >= needed) {
    limit.rlim_cur = needed;
    if (setrlimit(RLIMIT_NOFILE, &limit) == 0) return {};
  }
  return std::unexpected("--max-outputs " + std::to_string(max_outputs) + " needs " +
                         std::to_string(needed) + " descriptors, above the limit of " +
                         std::to_string(limit.rlim_max) + " (ulimit -n)");
}

std::expected<std::unique_ptr<io::CaptureSource>, std::string> openSource(
    const CollectorConfig& config) {
  auto source = config.read_path.empty()
                    ? io::CaptureSource::openLive({.interface = config.interface,
                                                   .snap_len_bytes = config.snap_len_bytes,
                                                   .buffer_bytes = config.buffer_bytes,
                                                   .promiscuous = config.promiscuous,
                                                   .immediate = false,
                                                   .timeout_ms = io::kBulkReadTimeoutMs,
                                                   .filter = liveCaptureFilter(config.udp_ports)})
                    : io::CaptureSource::openOffline({config.read_path, ""});
  if (!source) return std::unexpected(source.error().message);
  if ((*source)->isLive() && !(*source)->setNonBlocking(true)) {
    return std::unexpected("cannot make the capture on '" + config.interface + "' non-blocking");
  }
  return std::move(*source);
}

/// Housekeeping between batches; returns the time of the next tick.
std::uint64_t housekeeping(Collector& collector, io::CaptureSource& source, RunControl& control,
                           const StatsFn& stats, std::uint64_t next_tick_ns) {
  collector.flushStream();
  const std::uint64_t now = wallClockNs();
  // Files follow packet time when replaying a file (so -G cuts a replay as it cut the capture).
  const std::uint64_t file_now = source.isLive() ? now : collector.lastArrivalNs();
  if (control.rotate.exchange(false)) collector.rotate(file_now);
  if (now < next_tick_ns) return next_tick_ns;
  if (auto s = source.stats()) collector.setCaptureStats(*s);
  collector.tick(file_now);
  if (stats) stats(collector, false);
  return now + kTickNs;
}

}  // namespace

std::string liveCaptureFilter(const UdpTunnelPorts& ports) {
  std::string match = "ip proto 47 or ip6 proto 47";
  for (std::size_t i = 0; i < ports.vxlan_count; ++i)
    match += " or udp dst port " + std::to_string(ports.vxlan[i]);
  for (std::size_t i = 0; i < ports.geneve_count; ++i)
    match += " or udp dst port " + std::to_string(ports.geneve[i]);
  // `vlan` moves libpcap's offsets past the tag for what follows it.
  return match + " or (vlan and (" + match + "))";
}

std::uint64_t wallClockNs() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ull +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

std::expected<void, std::string> runCollector(const CollectorConfig& config, RunControl& control,
                                              LogFn log, StatsFn stats) {
  if (auto trust = checkExporterTrust(config); !trust) return std::unexpected(trust.error());
  if (auto fds = reserveDescriptors(config.max_outputs); !fds) return std::unexpected(fds.error());
  // File buffers (512 KiB and up) come and go as outputs are closed for --max-outputs. A fixed
  // mmap threshold keeps each in its own mapping, returned to the kernel when freed; glibc's
  // default raises the threshold after the first free and then carves them from the heap, where
  // small allocations in between pin freed buffers (a flood of 5,000 exporters: +45 MiB).
  mallopt(M_MMAP_THRESHOLD, kMmapThresholdBytes);
  auto source = openSource(config);
  if (!source) return std::unexpected(source.error());
  auto collector = Collector::create(withLiveWrites(config), log, wallClockNs());
  if (!collector) return std::unexpected(collector.error());
  Collector& c = **collector;
  io::CaptureSource& src = **source;
  c.setLinkType(src.linkType());
  const auto on_frame = [&c](const io::CapturedFrame& frame) { c.processFrame(frame); };
  io::WakeupModerator moderator(src.ringBytes());
  std::uint64_t next_tick = wallClockNs() + kTickNs;
  std::string error;
  while (!control.stop.load()) {
    if (src.isLive()) {
      pollfd pfd{src.selectableFd(), POLLIN, 0};
      poll(&pfd, 1, kPollMs);  // EINTR (a signal) simply ends the wait
    }
    // Several full batches between housekeeping rounds; a short batch means the ring is empty.
    io::DispatchResult r;
    for (int i = 0; i < (src.isLive() ? 4 : 64); ++i) {
      r = src.readBatch(kBatchFrames, on_frame);
      if (r.status != io::DispatchStatus::kFrames || r.frame_count < kBatchFrames) break;
    }
    if (r.status == io::DispatchStatus::kError)
      error = "capture read error on '" + src.name() + "': " + src.lastError();
    if (r.status != io::DispatchStatus::kFrames) break;
    next_tick = housekeeping(c, src, control, stats, next_tick);
    if (src.isLive() && r.frame_count < kBatchFrames)
      moderator.ringEmpty(c.counters().frames_read, c.counters().bytes_read);
  }
  if (auto s = src.stats()) c.setCaptureStats(*s);
  c.finish(src.isLive() ? wallClockNs() : c.lastArrivalNs());
  if (stats) stats(c, true);
  if (!error.empty()) return std::unexpected(error);
  return {};
}

}  // namespace ovse::erspan::collector
