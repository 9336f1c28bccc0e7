// The monotonic clock the live loops (exporter rate limits and progress, the collector's wake-up
// moderation) measure intervals with.
#pragma once

#include <cstdint>

namespace ovse::erspan::io {

/// CLOCK_MONOTONIC in nanoseconds.
[[nodiscard]] std::uint64_t monotonicNowNs() noexcept;

}  // namespace ovse::erspan::io
