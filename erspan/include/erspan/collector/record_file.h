// A capture file (or standard output) written through one large buffer of whole records: no
// syscall per packet, and on a write error the file is cut back to the last complete record.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace ovse::erspan::collector {

/// Buffered, record-aligned output. Not thread-safe.
class RecordFile {
 public:
  /// Creates `path` (mode 0600, truncated; parent directories made 0700) or, for "-", uses
  /// standard output. The error names the path and errno.
  [[nodiscard]] static std::expected<std::unique_ptr<RecordFile>, std::string> create(
      const std::string& path, std::size_t buffer_bytes);

  ~RecordFile();
  RecordFile(const RecordFile&) = delete;
  RecordFile& operator=(const RecordFile&) = delete;

  /// Space for one record of `bytes` (flushing first when the buffer is short), or an empty span
  /// after a write error. Call `commit` with the bytes actually encoded.
  [[nodiscard]] std::span<std::uint8_t> reserve(std::size_t bytes) noexcept;

  /// Marks `bytes` of the reserved space as one complete record.
  void commit(std::size_t bytes) noexcept;

  /// Writes the buffer out. On failure the file is truncated to the last flushed record and
  /// `error()` names the file and errno; records still buffered are lost (`lostRecords()`).
  bool flush() noexcept;

  /// Flushes and closes; false when the final flush failed.
  bool close() noexcept;

  /// True after a write error: nothing more is accepted.
  [[nodiscard]] bool failed() const noexcept { return failed_; }
  /// The error message of the failure.
  [[nodiscard]] const std::string& error() const noexcept { return error_; }
  /// Records that were buffered when the failure happened (never reached the file).
  [[nodiscard]] std::uint64_t lostRecords() const noexcept { return lost_records_; }
  /// Bytes in the file plus bytes buffered.
  [[nodiscard]] std::uint64_t sizeBytes() const noexcept { return durable_bytes_ + used_; }
  /// The path given at creation ("-" for standard output).
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  /// True for standard output.
  [[nodiscard]] bool isStdout() const noexcept { return is_stdout_; }

 private:
  RecordFile(int fd, std::string path, std::size_t buffer_bytes, bool is_stdout);
  void fail(int err) noexcept;

  int fd_;
  std::string path_;
  bool is_stdout_;
  bool regular_ = false;  ///< a regular file (can be truncated back after an error)
  std::vector<std::uint8_t> buffer_;
  std::size_t used_ = 0;
  std::uint64_t buffered_records_ = 0;
  std::uint64_t durable_bytes_ = 0;
  std::uint64_t lost_records_ = 0;
  bool failed_ = false;
  std::string error_;
};

}  // namespace ovse::erspan::collector
