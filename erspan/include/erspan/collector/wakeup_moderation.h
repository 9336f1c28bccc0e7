// Wake-up moderation for live capture, like a NIC's interrupt moderation or NAPI: after a
// wake-up that found the ring busy, the collector waits a little before polling again, so the
// next wake-up takes several ring blocks instead of one. Each wake-up is a context switch, and
// with libpcap's 256 KiB blocks a busy ring otherwise wakes the collector every ~1000 frames.
#pragma once

#include <cstdint>

namespace ovse::erspan::collector {

/// What one wake-up drained: frames, their captured bytes, and the time since the previous one.
struct DrainedBurst {
  std::uint64_t frame_count = 0;
  std::uint64_t byte_count = 0;
  std::uint64_t elapsed_ns = 0;
};

/// The longest wait, and the fewest frames a wake-up must have drained to wait at all (a quiet
/// ring is already batched by the block timeout).
inline constexpr std::uint64_t kModerationMaxNs = 5'000'000;
inline constexpr std::uint64_t kModerationMinFrames = 256;
/// Ring bytes a frame takes beyond its captured bytes (TPACKET_V3 header, address, alignment).
inline constexpr std::uint64_t kRingFrameOverheadBytes = 80;

/// How long to wait before the next poll, after a wake-up that emptied the ring: 0 for a quiet
/// ring, else at most kModerationMaxNs and never longer than it takes the arrival rate just seen
/// to fill a quarter of `ring_bytes`, so waiting cannot cost a frame.
[[nodiscard]] std::uint64_t moderationDelayNs(const DrainedBurst& burst,
                                              std::uint64_t ring_bytes) noexcept;

}  // namespace ovse::erspan::collector
