// moderationDelayNs: the wait after a busy burst, bounded by the ring's headroom; WakeupModerator
// measures the bursts and sleeps.
#include "erspan/io/wakeup_moderation.h"

#include <time.h>

#include "erspan/io/monotonic_clock.h"

namespace ovse::erspan::io {

std::uint64_t moderationDelayNs(const DrainedBurst& burst, std::uint64_t ring_bytes) noexcept {
  if (burst.frame_count < kModerationMinFrames || burst.elapsed_ns == 0) return 0;
  const std::uint64_t ring_used = burst.byte_count + burst.frame_count * kRingFrameOverheadBytes;
  // Time to fill a quarter of the ring at this rate: (ring / 4) / (used / elapsed). In long
  // double, as ring * elapsed can pass 2^64 (4 GiB ring, 5 s between wake-ups).
  const long double quarter_ns = static_cast<long double>(ring_bytes) / 4.0L *
                                 static_cast<long double>(burst.elapsed_ns) /
                                 static_cast<long double>(ring_used);
  return quarter_ns >= static_cast<long double>(kModerationMaxNs)
             ? kModerationMaxNs
             : static_cast<std::uint64_t>(quarter_ns);
}

WakeupModerator::WakeupModerator(std::uint64_t ring_bytes) noexcept
    : ring_bytes_(ring_bytes), burst_start_ns_(monotonicNowNs()) {}

void WakeupModerator::ringEmpty(std::uint64_t frames_read, std::uint64_t bytes_read) noexcept {
  const std::uint64_t now = monotonicNowNs();
  const DrainedBurst burst{frames_read - frames_before_, bytes_read - bytes_before_,
                           now - burst_start_ns_};
  if (const std::uint64_t delay = moderationDelayNs(burst, ring_bytes_)) {
    const timespec ts{static_cast<time_t>(delay / 1'000'000'000ull),
                      static_cast<long>(delay % 1'000'000'000ull)};
    nanosleep(&ts, nullptr);  // EINTR (a signal) simply ends the wait
  }
  burst_start_ns_ = now;
  frames_before_ = frames_read;
  bytes_before_ = bytes_read;
}

}  // namespace ovse::erspan::io
