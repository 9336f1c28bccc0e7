// A two-rate token bucket (packets/s and bits/s) so exported traffic can never exceed what the
// operator allowed. The clock is passed in (nanoseconds), so tests drive it by hand.
#pragma once

#include <cstdint>

namespace ovse::erspan::exporter {

/// Rates and burst of a TokenBucket; a rate of 0 means "no limit" for that dimension.
struct TokenBucketConfig {
  std::uint64_t packets_per_s = 0;
  std::uint64_t bits_per_s = 0;
  /// Burst as time at the configured rate. Live inputs hand frames over in ring blocks up to
  /// 20 ms apart (io::kBulkReadTimeoutMs): a burst shorter than that would let a 200/s limit pass
  /// only ~150/s (measured), so the default covers two blocks.
  std::uint64_t burst_ns = 40'000'000;
  /// Smallest bit burst: at least one packet of this many bits must always fit.
  std::uint64_t min_burst_bits = 1518 * 8;
};

/// Admits a packet when both buckets hold enough tokens, and takes them; otherwise admits nothing
/// and takes nothing (the caller drops and counts the packet). Starts full.
class TokenBucket {
 public:
  explicit TokenBucket(const TokenBucketConfig& config = {}) noexcept;

  /// True (and tokens taken) when a packet of `bits` may leave at time `now_ns`.
  [[nodiscard]] bool admit(std::uint64_t now_ns, std::uint64_t bits) noexcept;

  /// True when neither rate is limited.
  [[nodiscard]] bool unlimited() const noexcept { return pps_ == 0 && bps_ == 0; }

 private:
  void refill(std::uint64_t now_ns) noexcept;

  double pps_;
  double bps_;
  double packet_capacity_;
  double bit_capacity_;
  double packets_;
  double bits_;
  std::uint64_t last_ns_ = 0;
  bool started_ = false;
};

}  // namespace ovse::erspan::exporter
