// Writes whole Ethernet frames to one interface through an AF_PACKET TX ring (TPACKET_V2): the
// pipeline encapsulates straight into the memory the kernel sends from, and one send() hands a
// whole batch over. No IP stack per packet (no route lookup, no socket lock, no copy from a
// message): at a million packets a second that is most of what a raw IP socket costs. The
// frames still pass the interface's qdisc, so egress shaping applies to mirrored traffic too and
// frames keep their order with anything else this host sends to the same collector.
#pragma once

#include <expected>
#include <memory>
#include <string>
#include <vector>

#include "erspan/io/packet_sink.h"

namespace ovse::erspan::io {

class PacketTxRing final : public PacketSink {
 public:
  /// Opens a ring on interface `ifindex` (named `interface` in errors and stats) whose frames
  /// hold up to `max_frame_bytes` (Ethernet header included). Needs CAP_NET_RAW.
  [[nodiscard]] static std::expected<std::unique_ptr<PacketTxRing>, std::string> open(
      int ifindex, const std::string& interface, std::size_t max_frame_bytes);
  ~PacketTxRing() override;
  PacketTxRing(const PacketTxRing&) = delete;
  PacketTxRing& operator=(const PacketTxRing&) = delete;

  std::span<std::uint8_t> slot() noexcept override;
  void commit(std::size_t bytes, std::uint64_t timestamp_ns) noexcept override;
  void flush() noexcept override;
  /// Flushes, waits up to 100 ms for the frames the kernel still holds, then counts those left as
  /// errors (ENOBUFS): for a ring about to be closed, so its counts are final.
  void finalFlush() noexcept override;
  [[nodiscard]] const SinkStats& stats() const noexcept override { return stats_; }
  [[nodiscard]] const std::string& name() const noexcept override { return name_; }
  [[nodiscard]] bool outerEthernet() const noexcept override { return true; }
  [[nodiscard]] std::size_t maxPacketBytes() const noexcept override { return max_frame_bytes_; }
  [[nodiscard]] int ifindex() const noexcept { return ifindex_; }

 private:
  struct Layout {
    std::uint8_t* ring;
    std::size_t ring_bytes;
    std::size_t block_bytes;
    std::size_t frame_bytes;
    std::size_t frames_per_block;
    std::size_t frame_count;
  };
  PacketTxRing(int fd, int ifindex, std::string name, Layout layout, std::size_t max_frame_bytes);
  /// Frames never span blocks: a block may end in a gap smaller than a frame.
  std::uint8_t* frame(std::size_t index) const noexcept {
    return layout_.ring + index / layout_.frames_per_block * layout_.block_bytes +
           index % layout_.frames_per_block * layout_.frame_bytes;
  }
  bool waitForFrame(std::uint8_t* frame) noexcept;
  /// The newest frame handed over is still queued: the kernel stopped before it.
  bool lastQueued() const noexcept;
  void settle() noexcept;

  int fd_;
  int ifindex_;
  std::string name_;
  Layout layout_;
  std::size_t max_frame_bytes_;
  std::size_t head_ = 0;     ///< next frame to fill
  std::size_t pending_ = 0;  ///< frames handed to the kernel whose outcome is not counted yet
  bool discard_next_ = false;           ///< the slot given out is `spare_`: no frame was free
  std::vector<std::uint8_t> spare_;     ///< where a packet goes that no frame could take
  SinkStats stats_;
};

}  // namespace ovse::erspan::io
