// ExportRunner: non-blocking batched reads from each source, poll() when live inputs are idle,
// a sink flush per round, a progress tick, and a stop flag a signal handler may set.
#include "erspan/exporter/export_runner.h"

#include <poll.h>

#include "erspan/io/monotonic_clock.h"

namespace ovse::erspan::exporter {
namespace {

constexpr std::size_t kBatchFrames = 64;
constexpr int kPollTimeoutMs = 100;

}  // namespace

ExportRunner::ExportRunner(ExportPipeline& pipeline, std::vector<RunnerInput> inputs)
    : pipeline_(pipeline), inputs_(std::move(inputs)) {}

void ExportRunner::stop() noexcept {
  stop_.store(true);
  for (auto& in : inputs_) in.source->breakLoop();
}

CaptureCounters ExportRunner::captureCounters() const {
  CaptureCounters out;
  for (const auto& in : inputs_) out.push_back(in.source->stats().value_or(io::CaptureStats{}));
  return out;
}

std::expected<std::size_t, std::string> ExportRunner::readOnce(std::size_t i, bool& done) noexcept {
  RunnerInput& in = inputs_[i];
  const bool live = in.source->isLive();
  const auto result = in.source->readBatch(kBatchFrames, [&](const io::CapturedFrame& f) {
    // Live: the rate limit runs on the monotonic clock (read once per batch). Offline: on the
    // file's timestamps, as if the file were replayed at its recorded speed.
    const std::uint64_t now = live ? batch_now_ns_ : f.timestamp_ns;
    pipeline_.process(in.pipeline_input, f.data, f.original_bytes, f.timestamp_ns, now);
  });
  switch (result.status) {
    case io::DispatchStatus::kEnd:
    case io::DispatchStatus::kStopped:
      done = true;
      break;
    case io::DispatchStatus::kError:
      return std::unexpected("input " + in.source->name() + ": " + in.source->lastError());
    case io::DispatchStatus::kFrames:
      break;
  }
  return result.frame_count;
}

void ExportRunner::waitForFrames() noexcept {
  std::vector<pollfd> fds;
  fds.reserve(inputs_.size());
  for (const auto& in : inputs_) {
    const int fd = in.source->selectableFd();
    if (fd >= 0) fds.push_back({fd, POLLIN, 0});
  }
  // EINTR (a signal) simply ends the wait; the loop then sees the stop flag.
  if (!fds.empty()) (void)poll(fds.data(), fds.size(), kPollTimeoutMs);
}

std::expected<void, std::string> ExportRunner::run(const ProgressFn& progress,
                                                   std::uint64_t tick_ns) {
  for (auto& in : inputs_) {
    if (in.source->isLive()) in.source->setNonBlocking(true);
  }
  std::vector<bool> done(inputs_.size(), false);
  std::size_t remaining = inputs_.size();
  std::uint64_t next_tick = io::monotonicNowNs() + tick_ns;
  while (!stop_.load() && remaining != 0) {
    batch_now_ns_ = io::monotonicNowNs();
    std::size_t frames = 0;
    for (std::size_t i = 0; i < inputs_.size(); ++i) {
      if (done[i]) continue;
      bool ended = false;
      auto n = readOnce(i, ended);
      if (!n) {
        pipeline_.flush();
        return std::unexpected(n.error());
      }
      frames += *n;
      if (ended) {
        done[i] = true;
        --remaining;
      }
    }
    pipeline_.flush();
    if (frames == 0 && remaining != 0) waitForFrames();
    if (progress && batch_now_ns_ >= next_tick) {
      progress(pipeline_, captureCounters());
      next_tick = batch_now_ns_ + tick_ns;
    }
  }
  pipeline_.finalFlush();
  return {};
}

}  // namespace ovse::erspan::exporter
