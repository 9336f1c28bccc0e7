// 1-in-N sampling: a countdown for the deterministic mode, xorshift64* for the random one.
#include "erspan/exporter/sampler.h"

namespace ovse::erspan::exporter {

Sampler::Sampler(std::uint32_t n, SampleMode mode, std::uint64_t seed) noexcept
    : n_(n == 0 ? 1 : n), mode_(mode), state_(seed == 0 ? 0x9E3779B97F4A7C15ull : seed) {}

bool Sampler::keep() noexcept {
  if (n_ == 1) return true;
  if (mode_ == SampleMode::kDeterministic) {
    // Keep the first frame, then skip n-1.
    if (countdown_ != 0) {
      --countdown_;
      return false;
    }
    countdown_ = n_ - 1;
    return true;
  }
  state_ ^= state_ >> 12;
  state_ ^= state_ << 25;
  state_ ^= state_ >> 27;
  const std::uint64_t r = state_ * 0x2545F4914F6CDD1Dull;
  // Multiply-shift maps the top 32 bits onto [0, n) without a division.
  return ((r >> 32) * n_ >> 32) == 0;
}

}  // namespace ovse::erspan::exporter
