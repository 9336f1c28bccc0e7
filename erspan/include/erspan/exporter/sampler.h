// 1-in-N packet sampling: a deterministic counter (every Nth frame) or a seeded random draw with
// probability 1/N. Pure and allocation-free; one per input pipeline.
#pragma once

#include <cstdint>

namespace ovse::erspan::exporter {

/// How the Sampler picks frames.
enum class SampleMode : std::uint8_t {
  kDeterministic,  ///< frames 1, N+1, 2N+1, ... (exactly 1 in N)
  kRandom,         ///< each frame independently with probability 1/N (xorshift64*)
};

/// Keeps 1 frame in `n`; n = 0 or 1 keeps everything.
class Sampler {
 public:
  /// `seed` only matters for kRandom (0 is replaced by a fixed non-zero constant).
  explicit Sampler(std::uint32_t n = 1, SampleMode mode = SampleMode::kDeterministic,
                   std::uint64_t seed = 0) noexcept;

  /// True when this frame is kept.
  [[nodiscard]] bool keep() noexcept;

  /// The configured N (1 when sampling is off).
  [[nodiscard]] std::uint32_t rate() const noexcept { return n_; }

 private:
  std::uint32_t n_;
  std::uint32_t countdown_ = 0;  ///< frames to skip before the next kept one
  SampleMode mode_;
  std::uint64_t state_;
};

}  // namespace ovse::erspan::exporter
