// GRE sequence tracker: modular distance to the highest number seen decides each verdict; far
// jumps wait on probation for the next packet.
#include "erspan/seq_tracker.h"

#include <algorithm>

namespace ovse::erspan {
namespace {

constexpr std::uint32_t kMask30 = 0x3FFFFFFF;
constexpr std::uint32_t kMask32 = 0xFFFFFFFF;
static_assert((std::uint64_t{kMask30} + 1) % SeqTracker::kWindow == 0,
              "ring positions must stay continuous across a 30-bit wrap");

}  // namespace

SeqTracker::SeqTracker(SeqTrackerConfig config) noexcept
    : width_(config.width), restart_distance_(std::max(config.restart_distance, kWindow)) {}

std::uint32_t SeqTracker::modulusMask() const noexcept {
  return width_ == SeqWidth::kBits30 ? kMask30 : kMask32;
}

bool SeqTracker::test(std::uint32_t seq) const noexcept {
  const std::uint32_t bit = seq % kWindow;
  return (seen_[bit / 64] >> (bit % 64)) & 1;
}

void SeqTracker::set(std::uint32_t seq) noexcept {
  const std::uint32_t bit = seq % kWindow;
  seen_[bit / 64] |= std::uint64_t{1} << (bit % 64);
}

void SeqTracker::clearRange(std::uint32_t first_seq, std::uint32_t count) noexcept {
  // Word at a time: at most kWords + 1 iterations, whatever the gap.
  std::uint32_t bit = first_seq % kWindow;
  count = std::min(count, kWindow);
  while (count > 0) {
    const std::uint32_t in_word = bit % 64;
    const std::uint32_t n = std::min(count, 64 - in_word);
    const std::uint64_t ones = n == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1;
    seen_[bit / 64] &= ~(ones << in_word);
    bit = (bit + n) % kWindow;
    count -= n;
  }
}

void SeqTracker::resync(std::uint32_t seq) noexcept {
  seen_.fill(0);
  highest_ = seq;
  tracked_ = 1;
  set(seq);
}

bool SeqTracker::detectWidth(std::uint32_t seq) noexcept {
  if (seq > kMask30 || highest_ > kMask30) {
    width_ = SeqWidth::kBits32;  // only a 32-bit counter produces such numbers
    return false;
  }
  // A 30-bit counter wraps from near 0x3FFFFFFF to near 0: a big step backwards in 32 bits that
  // is a small step forwards modulo 2^30.
  const std::uint32_t forward30 = (seq - highest_) & kMask30;
  const bool wrapped = seq < highest_ && forward30 != 0 && forward30 <= kWindow;
  if (wrapped) width_ = SeqWidth::kBits30;
  return wrapped;
}

SeqResult SeqTracker::advance(std::uint32_t seq, std::uint32_t distance) noexcept {
  highest_ = seq;
  tracked_ = static_cast<std::uint32_t>(
      std::min<std::uint64_t>(std::uint64_t{tracked_} + distance, kWindow));
  // In order (nearly every packet): the one bit that leaves the window is the one that enters.
  if (distance == 1) {
    set(seq);
    return {SeqVerdict::kInOrder, 0};
  }
  // Numbers between the old and new highest are now unseen; older ones drop out of the window.
  clearRange(seq - distance + 1, distance);
  set(seq);
  counters_.lost_count += distance - 1;
  return {SeqVerdict::kGap, distance - 1};
}

void SeqTracker::hold(std::uint32_t seq, std::uint32_t distance, SeqVerdict verdict) noexcept {
  held_seq_ = seq;
  held_distance_ = distance;
  held_verdict_ = verdict;
  held_left_ = kProbationPackets;
}

bool SeqTracker::confirms(std::uint32_t seq) noexcept {
  if (held_left_ == 0) return false;
  const std::uint32_t step = (seq - held_seq_) & modulusMask();
  // A packet that simply continues the current stream is never taken as the held one's sequel.
  const std::uint32_t ahead = (seq - highest_) & modulusMask();
  if (step != 0 && step <= kProbationStep && (ahead == 0 || ahead > kWindow)) return true;
  --held_left_;
  return false;
}

SeqResult SeqTracker::acceptHeld(std::uint32_t seq) noexcept {
  held_left_ = 0;
  // The held packet was counted provisionally; it turned out to be a new start (or the end of a
  // loss burst), so that count is taken back.
  switch (held_verdict_) {
    case SeqVerdict::kInvalid:
      --counters_.invalid_count;
      break;
    case SeqVerdict::kStale:
      --counters_.stale_count;
      break;
    default:
      --counters_.duplicate_count;
      break;
  }
  const std::uint32_t step = (seq - held_seq_) & modulusMask();
  if (held_verdict_ == SeqVerdict::kInvalid && held_distance_ <= restart_distance_) {
    // A burst of loss: the numbers between are lost, and so are any between held and this one.
    const SeqResult burst = advance(held_seq_, held_distance_);
    const SeqResult now = advance(seq, step);
    return {SeqVerdict::kGap, burst.gap_count + now.gap_count};
  }
  ++counters_.restart_count;
  resync(held_seq_);
  // Loss after the restart is counted from the new start.
  const SeqResult now = advance(seq, step);
  return {SeqVerdict::kRestart, now.gap_count};
}

SeqResult SeqTracker::lookBack(std::uint32_t seq, std::uint32_t distance) noexcept {
  // Outside the window, or older than the first packet since (re)start: we never counted it as
  // lost, or can no longer tell whether we did. A restarted exporter looks the same at first.
  if (distance >= tracked_) {
    ++counters_.stale_count;
    hold(seq, distance, SeqVerdict::kStale);
    return {SeqVerdict::kStale, 0};
  }
  if (test(seq)) {
    ++counters_.duplicate_count;
    if (distance > kMaxMisorder) hold(seq, distance, SeqVerdict::kDuplicate);
    return {SeqVerdict::kDuplicate, 0};
  }
  set(seq);
  --counters_.lost_count;  // it was counted by the gap that skipped it
  ++counters_.reordered_count;
  return {SeqVerdict::kLate, 0};
}

SeqResult SeqTracker::observe(std::uint32_t seq) noexcept {
  ++counters_.received_count;
  if (!started_) {
    started_ = true;
    if (width_ == SeqWidth::kBits30) seq &= kMask30;
    if (width_ == SeqWidth::kAuto && seq > kMask30) width_ = SeqWidth::kBits32;
    resync(seq);
    return {SeqVerdict::kFirst, 0};
  }
  if (width_ == SeqWidth::kAuto && detectWidth(seq)) {
    return advance(seq, (seq - highest_) & kMask30);
  }
  const std::uint32_t mask = modulusMask();
  seq &= mask;
  if (confirms(seq)) return acceptHeld(seq);
  const std::uint32_t forward = (seq - highest_) & mask;
  if (forward == 0) {
    ++counters_.duplicate_count;
    return {SeqVerdict::kDuplicate, 0};
  }
  // Half the number space ahead is "ahead", the other half "behind" (RFC 1982 style).
  const std::uint32_t half = (mask >> 1) + 1;
  if (forward >= half) return lookBack(seq, (highest_ - seq) & mask);
  if (forward <= kWindow) return advance(seq, forward);
  // Far ahead: one forged or corrupted number must not move the window (and count billions
  // lost); the next packet tells whether the exporter really went on from there.
  ++counters_.invalid_count;
  hold(seq, forward, SeqVerdict::kInvalid);
  return {SeqVerdict::kInvalid, 0};
}

bool SeqTracker::aheadOf(const SeqTracker& other) const noexcept {
  if (!started_) return false;
  if (!other.started_) return true;
  const std::uint32_t mask = modulusMask();
  const std::uint32_t forward = (highest_ - other.highest_) & mask;
  return forward != 0 && forward <= (mask >> 1);
}

void SeqTracker::absorb(const SeqTracker& other) noexcept {
  if (!started_) {
    const std::uint64_t received = counters_.received_count;
    *this = other;
    counters_.received_count += received;
    return;
  }
  counters_.received_count += other.counters_.received_count;
  if (!other.started_) return;
  const std::uint32_t mask = modulusMask();
  // At most kWindow steps, once per merge of two streams: not on the per-packet path.
  for (std::uint32_t d = 0; d < other.tracked_; ++d) {
    const std::uint32_t n = (other.highest_ - d) & other.modulusMask();
    if (!other.test(n)) continue;
    const std::uint32_t behind = (highest_ - n) & mask;
    if (behind == 0 || behind >= tracked_ || test(n)) continue;
    set(n);
    if (counters_.lost_count > 0) --counters_.lost_count;
  }
}

}  // namespace ovse::erspan
