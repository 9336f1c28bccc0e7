// LiveCapture: the capture thread (taps handed over, poll, a tick a second) and its counters.
#include "erspan/capture/live_capture.h"

#include "erspan/collector/run.h"

namespace ovse::erspan::capture {
namespace {

constexpr int kPollMs = 50;
constexpr std::uint64_t kTickNs = 1'000'000'000;

}  // namespace

std::expected<std::unique_ptr<LiveCapture>, std::string> LiveCapture::start(
    const CaptureOutputConfig& config, const std::string& label) {
  auto capture = MirrorCapture::create(config, {label});
  if (!capture) return std::unexpected(capture.error());
  std::unique_ptr<LiveCapture> self(new LiveCapture(std::move(*capture)));
  self->thread_ = std::thread([raw = self.get()] { raw->run(); });
  return self;
}

LiveCapture::LiveCapture(std::unique_ptr<MirrorCapture> capture) : capture_(std::move(capture)) {}

LiveCapture::~LiveCapture() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void LiveCapture::setTaps(std::vector<TapSpec> taps) {
  std::lock_guard lock(mutex_);
  new_taps_ = std::move(taps);
}

LiveCaptureStats LiveCapture::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void LiveCapture::run() {
  std::vector<TapSpec> taps;
  std::vector<std::string> problems;
  std::uint64_t next_tick = 0;
  while (!stopping_) {
    std::optional<std::vector<TapSpec>> handed;
    {
      std::lock_guard lock(mutex_);
      handed.swap(new_taps_);
    }
    if (handed) {
      taps = std::move(*handed);
      problems = capture_->sync(taps);
      publish(problems);  // owners wait for the ports to be read before they rely on it
    }
    capture_->pollOnce(kPollMs);
    const std::uint64_t now = collector::wallClockNs();
    if (now >= next_tick) {
      capture_->tick(now);
      // Netdevs re-created by ovs-vswitchd keep their names: only their ifindex tells.
      problems = capture_->sync(taps);
      publish(problems);
      next_tick = now + kTickNs;
    }
  }
  capture_->close(collector::wallClockNs());
  publish(problems);
}

void LiveCapture::publish(std::vector<std::string> problems) {
  LiveCaptureStats s;
  s.directions = capture_->counters().front();
  s.sampled_out = capture_->sampledOut();
  s.file_bytes = capture_->fileBytes();
  s.paths = capture_->paths();
  s.ports = capture_->openPorts();
  s.problems = std::move(problems);
  s.write_error = capture_->writeError();
  std::lock_guard lock(mutex_);
  stats_ = std::move(s);
}

}  // namespace ovse::erspan::capture
