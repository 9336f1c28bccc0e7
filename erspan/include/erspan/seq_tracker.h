// GRE sequence accounting of one counter: received, lost (gaps), reordered, duplicated, stale and
// invalid packets and exporter restarts, with 32-bit and 30-bit (Cisco Nexus 3548) wrap-around.
// Jumps far outside the window are held on probation as in RFC 3550 appendix A.1: accepted (as a
// restart or a loss burst) only when the next packets continue from them. O(1), no allocation.
#pragma once

#include <array>
#include <cstdint>

namespace ovse::erspan {

/// Width of the exporter's GRE sequence counter.
enum class SeqWidth : std::uint8_t {
  kBits32,  ///< RFC 2890: wraps from 0xFFFFFFFF to 0 (Linux, OVS)
  kBits30,  ///< wraps from 0x3FFFFFFF to 0 (some Cisco platforms, e.g. Nexus 3548)
  /// Starts as 32 bits. While every number seen is below 2^30, a step from near 0x3FFFFFFF to
  /// near 0 that is a small forward step modulo 2^30 switches the tracker to 30 bits for good;
  /// any number >= 2^30 pins it to 32 bits. (A 32-bit exporter restarting exactly around 2^30
  /// would be misread as a wrap: a risk accepted for zero configuration.)
  kAuto,
};

/// Tracker settings.
struct SeqTrackerConfig {
  SeqWidth width = SeqWidth::kAuto;
  /// A jump ahead of more than the window that the next packets confirm counts as lost numbers
  /// up to this distance and as an exporter restart beyond it (a confirmed jump backwards is
  /// always a restart). Values below the window size are raised to it.
  std::uint32_t restart_distance = 65536;
};

/// What one packet's sequence number meant.
enum class SeqVerdict : std::uint8_t {
  kFirst,      ///< first packet of the session: nothing to compare with
  kInOrder,    ///< exactly the next number
  kGap,        ///< ahead of the next number: `gap_count` numbers are missing before it
  kLate,       ///< fills a gap counted earlier: lost - 1, reordered + 1
  kDuplicate,  ///< already seen (inside the window)
  kStale,      ///< behind the window, or older than the session start: cannot tell late from
               ///< duplicate, so no counter but `stale_count` moves (held on probation)
  kInvalid,    ///< far ahead of the window: held on probation, counted `invalid` and the window
               ///< left where it is unless the next packet continues from it
  kRestart,    ///< the packet on probation was confirmed as a new start: tracking goes on from
               ///< it (`gap_count` = numbers skipped between it and this packet)
};

/// Result of `SeqTracker::observe` for one packet.
struct SeqResult {
  SeqVerdict verdict = SeqVerdict::kFirst;
  std::uint32_t gap_count = 0;  ///< numbers newly counted lost with this packet (kGap, kRestart)
  friend bool operator==(const SeqResult&, const SeqResult&) = default;
};

/// Running totals of one session.
struct SeqCounters {
  std::uint64_t received_count = 0;   ///< every packet observed, duplicates included
  std::uint64_t lost_count = 0;       ///< numbers skipped and not (yet) seen late
  std::uint64_t reordered_count = 0;  ///< late packets that filled a counted gap
  std::uint64_t duplicate_count = 0;  ///< repeats of a number inside the window
  std::uint64_t stale_count = 0;      ///< packets too old to classify (see kStale)
  std::uint64_t restart_count = 0;    ///< confirmed new starts of the exporter's counter
  std::uint64_t invalid_count = 0;    ///< outliers far ahead that nothing continued (kInvalid)
  friend bool operator==(const SeqCounters&, const SeqCounters&) = default;
};

/// Classifies the GRE sequence numbers of one session. A ring bitmap remembers the last
/// `kWindow` numbers, which bounds duplicate and late detection; beyond it packets are kStale.
class SeqTracker {
 public:
  /// How many numbers behind the highest one are remembered (a power of two dividing 2^30).
  static constexpr std::uint32_t kWindow = 1024;
  /// A repeat of a number more than this far behind the highest starts a probation: an exporter
  /// that restarted a little below where it was repeats numbers in order (RFC 3550's
  /// MAX_MISORDER idea); a network duplicate is near the highest and never followed by its +1.
  static constexpr std::uint32_t kMaxMisorder = 32;
  /// The packet that confirms one on probation follows it by at most this many numbers...
  static constexpr std::uint32_t kProbationStep = 8;
  /// ...and is one of the next this many packets (one stray packet of the old stream between).
  static constexpr std::uint8_t kProbationPackets = 2;

  /// A tracker that has seen nothing yet.
  explicit SeqTracker(SeqTrackerConfig config = {}) noexcept;

  /// Accounts one packet carrying GRE sequence number `seq`.
  SeqResult observe(std::uint32_t seq) noexcept;

  /// Totals so far.
  [[nodiscard]] const SeqCounters& counters() const noexcept { return counters_; }

  /// Width in use: kAuto until auto-detection has decided, then kBits32 or kBits30.
  [[nodiscard]] SeqWidth width() const noexcept { return width_; }

  /// True when this tracker has seen a number and its highest is ahead of `other`'s.
  [[nodiscard]] bool aheadOf(const SeqTracker& other) const noexcept;

  /// Takes in what `other`, found to track the same counter, remembers: numbers of its window
  /// that this one counted lost are no longer lost (they were delivered on the other stream);
  /// its received count is added. Call it on the tracker that is ahead (aheadOf).
  void absorb(const SeqTracker& other) noexcept;

 private:
  static constexpr std::size_t kWords = kWindow / 64;

  void resync(std::uint32_t seq) noexcept;
  SeqResult advance(std::uint32_t seq, std::uint32_t distance) noexcept;
  SeqResult lookBack(std::uint32_t seq, std::uint32_t distance) noexcept;
  void hold(std::uint32_t seq, std::uint32_t distance, SeqVerdict verdict) noexcept;
  bool confirms(std::uint32_t seq) noexcept;
  SeqResult acceptHeld(std::uint32_t seq) noexcept;
  bool detectWidth(std::uint32_t seq) noexcept;
  [[nodiscard]] std::uint32_t modulusMask() const noexcept;
  [[nodiscard]] bool test(std::uint32_t seq) const noexcept;
  void set(std::uint32_t seq) noexcept;
  void clearRange(std::uint32_t first_seq, std::uint32_t count) noexcept;

  SeqWidth width_;
  std::uint32_t restart_distance_;
  bool started_ = false;
  std::uint32_t highest_ = 0;  ///< highest number seen (modulo the width)
  std::uint32_t tracked_ = 0;  ///< numbers since the (re)start covered by the window, <= kWindow
  std::array<std::uint64_t, kWords> seen_{};  ///< bit (seq mod kWindow) = seq was received
  SeqCounters counters_;
  /// The packet on probation: its number, distance from highest_, provisional verdict (whose
  /// counter is taken back when it is confirmed) and how many more packets may confirm it.
  std::uint32_t held_seq_ = 0;
  std::uint32_t held_distance_ = 0;
  SeqVerdict held_verdict_ = SeqVerdict::kFirst;
  std::uint8_t held_left_ = 0;
};

}  // namespace ovse::erspan
