// Wake-up moderation for the collector's live capture, like a NIC's interrupt moderation or
// NAPI: after a wake-up that found the ring busy, the reader waits a little before polling again,
// so its next wake-up takes several ring blocks instead of one. Each wake-up is a context switch,
// and with libpcap's 256 KiB blocks a busy ring otherwise wakes the reader every ~1000 small
// frames.
#pragma once

#include <cstdint>

namespace ovse::erspan::io {

/// What the reader drained since the ring was last found empty, and over how long.
struct DrainedBurst {
  std::uint64_t frame_count = 0;
  std::uint64_t byte_count = 0;
  std::uint64_t elapsed_ns = 0;
};

/// The longest wait, and the fewest frames a burst must have had to wait at all (a quiet ring is
/// already batched by the block timeout).
inline constexpr std::uint64_t kModerationMaxNs = 5'000'000;
inline constexpr std::uint64_t kModerationMinFrames = 256;
/// Ring bytes a frame takes beyond its captured bytes (TPACKET_V3 header, address, alignment).
inline constexpr std::uint64_t kRingFrameOverheadBytes = 80;

/// How long to wait before the next poll, after a burst that emptied the ring: 0 for a quiet
/// ring, else at most kModerationMaxNs and never longer than it takes the arrival rate just seen
/// to fill a quarter of `ring_bytes`, so waiting cannot cost a frame. Pure.
[[nodiscard]] std::uint64_t moderationDelayNs(const DrainedBurst& burst,
                                              std::uint64_t ring_bytes) noexcept;

/// The bookkeeping around moderationDelayNs for one reader loop.
class WakeupModerator {
 public:
  /// `ring_bytes`: the size of the kernel ring the reader drains.
  explicit WakeupModerator(std::uint64_t ring_bytes) noexcept;

  /// The reader found the ring empty, having read `frames_read` frames of `bytes_read` captured
  /// bytes in all so far: waits as moderationDelayNs says for the burst since the previous call
  /// (a signal ends the wait early).
  void ringEmpty(std::uint64_t frames_read, std::uint64_t bytes_read) noexcept;

 private:
  std::uint64_t ring_bytes_;
  std::uint64_t burst_start_ns_;
  std::uint64_t frames_before_ = 0;  ///< totals at the previous call
  std::uint64_t bytes_before_ = 0;
};

}  // namespace ovse::erspan::io
