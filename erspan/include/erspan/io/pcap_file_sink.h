// Writes encapsulated packets (outer Ethernet + IP + GRE + ERSPAN + frame) to a classic pcap file
// with nanosecond timestamps, encapsulated in place in a large write buffer (one copy per frame).
#pragma once

#include <expected>
#include <memory>
#include <string>
#include <vector>

#include "erspan/io/packet_sink.h"
#include "erspan/pcap.h"

namespace ovse::erspan::io {

/// A pcap file sink ("-" writes to standard output).
class PcapFileSink final : public PacketSink {
 public:
  /// Creates `path` with io::createFile (mode 0600; an earlier file at the path is renamed
  /// aside, never truncated) and writes the file header; the error names the path.
  [[nodiscard]] static std::expected<std::unique_ptr<PcapFileSink>, std::string> open(
      const std::string& path, std::size_t max_packet_bytes = 65535 + 128);
  ~PcapFileSink() override;
  PcapFileSink(const PcapFileSink&) = delete;
  PcapFileSink& operator=(const PcapFileSink&) = delete;

  std::span<std::uint8_t> slot() noexcept override;
  void commit(std::size_t bytes, std::uint64_t timestamp_ns) noexcept override;
  /// Writes the buffer out once it holds more than a chunk (files need no per-batch flush).
  void flush() noexcept override;
  [[nodiscard]] const SinkStats& stats() const noexcept override { return stats_; }
  [[nodiscard]] const std::string& name() const noexcept override { return name_; }
  [[nodiscard]] bool outerEthernet() const noexcept override { return true; }
  [[nodiscard]] std::size_t maxPacketBytes() const noexcept override { return max_packet_bytes_; }

  /// Writes everything buffered; false (and counted) on a write error.
  bool finish() noexcept;

 private:
  PcapFileSink(int fd, std::string path, std::size_t max_packet_bytes);
  bool writeOut() noexcept;

  int fd_;
  bool own_fd_;
  std::string name_;
  PcapFileFormat format_;
  std::size_t max_packet_bytes_;
  std::vector<std::uint8_t> buffer_;  ///< encoded records waiting for write(2)
  std::size_t used_ = 0;
  SinkStats stats_;
};

}  // namespace ovse::erspan::io
