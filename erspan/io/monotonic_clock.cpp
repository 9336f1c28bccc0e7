// monotonicNowNs: CLOCK_MONOTONIC as one 64-bit count of nanoseconds.
#include "erspan/io/monotonic_clock.h"

#include <time.h>

namespace ovse::erspan::io {

std::uint64_t monotonicNowNs() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

}  // namespace ovse::erspan::io
