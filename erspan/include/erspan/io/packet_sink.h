// The narrow interface between the exporter pipeline and where encapsulated packets go (a raw
// GRE socket to one collector, a pcap file), so the pipeline is tested with a fake sink.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "erspan/ip.h"

namespace ovse::erspan::io {

/// errno values counted one by one; larger ones share the last slot.
inline constexpr std::size_t kErrnoSlots = 134;

/// What a sink did with the packets it was given.
struct SinkStats {
  std::uint64_t sent_count = 0;   ///< packets handed to the kernel / written
  std::uint64_t sent_bytes = 0;   ///< their bytes (as the sink sees them: IP or Ethernet level)
  std::uint64_t error_count = 0;  ///< packets that failed
  std::uint64_t link_sent_count = 0;  ///< of sent_count, written straight to the link layer
  std::array<std::uint64_t, kErrnoSlots> errors_by_errno{};  ///< error_count split by errno
};

/// A destination for encapsulated packets. The pipeline writes each packet straight into
/// `slot()` (no copy in between), then `commit`s it; `flush` pushes what is queued.
class PacketSink {
 public:
  virtual ~PacketSink() = default;
  /// Room for the next packet, at least `maxPacketBytes()` long; valid until the next commit.
  virtual std::span<std::uint8_t> slot() noexcept = 0;
  /// The slot holds a packet of `bytes` bytes captured at `timestamp_ns`.
  virtual void commit(std::size_t bytes, std::uint64_t timestamp_ns) noexcept = 0;
  /// Sends / writes everything queued (end of a capture batch, or shutdown).
  virtual void flush() noexcept = 0;
  /// The last flush before the sink's counters are reported for good: packets the kernel still
  /// holds are waited for (briefly) and counted as sent or failed, none left uncounted.
  virtual void finalFlush() noexcept { flush(); }
  /// Counters so far.
  [[nodiscard]] virtual const SinkStats& stats() const noexcept = 0;
  /// "10.0.0.9" or "file out.pcap", for stats.
  [[nodiscard]] virtual const std::string& name() const noexcept = 0;
  /// True when packets start with an outer Ethernet header (files), false for IP (sockets).
  [[nodiscard]] virtual bool outerEthernet() const noexcept = 0;
  /// Largest packet a slot holds.
  [[nodiscard]] virtual std::size_t maxPacketBytes() const noexcept = 0;
};

/// Counts one failure with `err` in `stats`.
inline void countError(SinkStats& stats, int err) noexcept {
  ++stats.error_count;
  const std::size_t slot = err < 0 ? 0 : static_cast<std::size_t>(err);
  ++stats.errors_by_errno[slot < kErrnoSlots ? slot : kErrnoSlots - 1];
}

}  // namespace ovse::erspan::io
