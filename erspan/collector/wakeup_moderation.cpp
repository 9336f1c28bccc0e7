// moderationDelayNs: the wait after a busy wake-up, bounded by the ring's headroom.
#include "erspan/collector/wakeup_moderation.h"

#include <algorithm>

namespace ovse::erspan::collector {

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

}  // namespace ovse::erspan::collector
