// One output capture file: classic nanosecond pcap, or pcapng with one interface (IDB) per
// (exporter, session, direction) written on first sight and interface statistics (ISB) on close.
#pragma once

#include <array>
#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "erspan/collector/config.h"
#include "erspan/collector/record_file.h"
#include "erspan/collector/session_table.h"
#include "erspan/pcapng.h"

namespace ovse::erspan::collector {

/// A decapsulated frame ready to be written.
struct OutputFrame {
  std::uint64_t timestamp_ns = 0;
  std::span<const std::uint8_t> data{};
  std::uint32_t original_bytes = 0;
  PacketDirection direction = PacketDirection::kUnknown;
  bool crc_error = false;                     ///< Type III BSO = 3
  std::optional<std::uint64_t> drop_count{};  ///< GRE sequence gap just before this frame
};

/// A capture file being written. Not thread-safe.
class CaptureWriter {
 public:
  /// Creates the file as `file_options` say (see RecordFile::create) and writes its header
  /// (pcap file header or SHB).
  [[nodiscard]] static std::expected<std::unique_ptr<CaptureWriter>, std::string> create(
      const std::string& path, OutputFormat format, std::size_t buffer_bytes,
      std::uint32_t snap_len_bytes, WriteBehind* write_behind = nullptr,
      const io::FileCreateOptions& file_options = {});

  /// Appends one frame of `session` (its IDB first, when new to this file). False when the file
  /// has failed (see `file().error()`).
  bool write(const Session& session, const OutputFrame& frame) noexcept;

  /// Writes one ISB per interface (received = session packets, ifdrop = GRE sequence loss),
  /// then flushes and closes. False when that failed.
  bool close(const std::vector<std::unique_ptr<Session>>& sessions, std::uint64_t now_ns);

  /// The underlying buffered file.
  [[nodiscard]] RecordFile& file() noexcept { return *file_; }
  /// Frames written to this file.
  [[nodiscard]] std::uint64_t frameCount() const noexcept { return frame_count_; }

 private:
  CaptureWriter(std::unique_ptr<RecordFile> file, OutputFormat format, std::uint32_t snap_len);
  bool writeHeader();
  std::optional<std::uint32_t> interfaceFor(const Session& session, PacketDirection direction);
  bool writeInterface(const Session& session, PacketDirection direction);

  std::unique_ptr<RecordFile> file_;
  OutputFormat format_;
  std::uint32_t snap_len_;
  /// Interface id per session index and direction (unknown, in, out); -1 = not yet written.
  std::vector<std::array<std::int32_t, 3>> interface_ids_;
  std::uint32_t next_interface_id_ = 0;
  std::uint64_t frame_count_ = 0;
  std::uint64_t first_ns_ = 0;
};

}  // namespace ovse::erspan::collector
