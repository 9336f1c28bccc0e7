// Two-rate token bucket: refill from the elapsed time, cap at the burst, take on admit.
#include "erspan/exporter/token_bucket.h"

#include <algorithm>

namespace ovse::erspan::exporter {

TokenBucket::TokenBucket(const TokenBucketConfig& config) noexcept
    : pps_(static_cast<double>(config.packets_per_s)),
      bps_(static_cast<double>(config.bits_per_s)) {
  const double burst_s = static_cast<double>(config.burst_ns) / 1e9;
  // A bucket must hold at least one packet, or the limit would stop everything.
  packet_capacity_ = std::max(1.0, pps_ * burst_s);
  bit_capacity_ = std::max(static_cast<double>(config.min_burst_bits), bps_ * burst_s);
  packets_ = packet_capacity_;
  bits_ = bit_capacity_;
}

void TokenBucket::refill(std::uint64_t now_ns) noexcept {
  if (!started_) {
    started_ = true;
    last_ns_ = now_ns;
    return;
  }
  // A clock that steps back (e.g. out-of-order file timestamps) adds nothing.
  if (now_ns <= last_ns_) return;
  const double elapsed_s = static_cast<double>(now_ns - last_ns_) / 1e9;
  last_ns_ = now_ns;
  packets_ = std::min(packet_capacity_, packets_ + pps_ * elapsed_s);
  bits_ = std::min(bit_capacity_, bits_ + bps_ * elapsed_s);
}

bool TokenBucket::admit(std::uint64_t now_ns, std::uint64_t bits) noexcept {
  if (unlimited()) return true;
  refill(now_ns);
  const double b = static_cast<double>(bits);
  if (pps_ != 0 && packets_ < 1.0) return false;
  if (bps_ != 0 && bits_ < b) return false;
  if (pps_ != 0) packets_ -= 1.0;
  if (bps_ != 0) bits_ -= b;
  return true;
}

}  // namespace ovse::erspan::exporter
