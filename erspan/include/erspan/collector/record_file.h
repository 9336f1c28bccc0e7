// A capture file (or standard output) written through large buffers of whole records: no
// syscall per packet, and on a write error the file is cut back to the last complete record.
// With a WriteBehind, a full buffer is handed to its thread and records go on into the other
// one; a write error is then seen at the next flush, and both buffers' records count as lost.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "erspan/collector/record_buffer.h"
#include "erspan/collector/write_behind.h"
#include "erspan/io/safe_file.h"

namespace ovse::erspan::collector {

/// The smallest buffer a RecordFile uses (smaller requests get this): the largest pcapng EPB
/// (snap length 262144 plus headers and options) must fit in one.
inline constexpr std::size_t kMinRecordBufferBytes = 512u << 10;

/// Buffered, record-aligned output. Not thread-safe.
class RecordFile {
 public:
  /// Creates `path` through io::createFile (mode 0600, O_EXCL, an earlier non-empty file kept
  /// aside unless `options.overwrite`, confined to `options.dir_fd` when given; parent
  /// directories made 0700) or, for "-", uses standard output. Writes go through `writer`'s
  /// thread when given (it must outlive the file), else happen in flush(). The error names the
  /// path and errno.
  [[nodiscard]] static std::expected<std::unique_ptr<RecordFile>, std::string> create(
      const std::string& path, std::size_t buffer_bytes, WriteBehind* writer = nullptr,
      const io::FileCreateOptions& options = {});

  ~RecordFile();
  RecordFile(const RecordFile&) = delete;
  RecordFile& operator=(const RecordFile&) = delete;

  /// Space for one record of `bytes` (flushing first when the buffer is short), or an empty span
  /// after a write error. Call `commit` with the bytes actually encoded.
  [[nodiscard]] std::span<std::uint8_t> reserve(std::size_t bytes) noexcept;

  /// Marks `bytes` of the reserved space as one complete record.
  void commit(std::size_t bytes) noexcept;

  /// Writes the buffer out (with a WriteBehind: hands it over, after the previous one is
  /// written). On failure the file is truncated to the last written record and `error()` names
  /// the file and errno; records not written are lost (`lostRecords()`).
  bool flush() noexcept;

  /// Flushes and closes; false when the final flush failed.
  bool close() noexcept;

  /// True after a write error: nothing more is accepted.
  [[nodiscard]] bool failed() const noexcept { return failed_; }
  /// The error message of the failure.
  [[nodiscard]] const std::string& error() const noexcept { return error_; }
  /// Records that were buffered or being written when the failure happened (never reached the
  /// file).
  [[nodiscard]] std::uint64_t lostRecords() const noexcept { return lost_records_; }
  /// Bytes in the file plus bytes being written and buffered.
  [[nodiscard]] std::uint64_t sizeBytes() const noexcept {
    return durable_bytes_ + (pending_ ? job_.size : 0) + used_;
  }
  /// The path given at creation ("-" for standard output).
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  /// True for standard output.
  [[nodiscard]] bool isStdout() const noexcept { return is_stdout_; }
  /// Where the earlier file at this path was kept ("" when there was none).
  [[nodiscard]] const std::string& keptAside() const noexcept { return kept_aside_; }

 private:
  RecordFile(int fd, std::string path, std::size_t buffer_bytes, bool is_stdout,
             WriteBehind* writer);
  /// Waits for the buffer being written; false (and failed) when its write failed.
  bool settle() noexcept;
  void fail(int err, std::uint64_t unwritten_records) noexcept;

  int fd_;
  std::string path_;
  bool is_stdout_;
  bool regular_ = false;  ///< a regular file (can be truncated back after an error)
  WriteBehind* writer_;
  RecordBuffer buffers_[2];  ///< resident only as far as records fill them (record_buffer.h)
  RecordBuffer* buffer_;     ///< the one records go into
  std::size_t used_ = 0;
  std::uint64_t buffered_records_ = 0;
  WriteBehind::Job job_;  ///< the other buffer, while `pending_`
  bool pending_ = false;
  std::uint64_t pending_records_ = 0;
  std::uint64_t durable_bytes_ = 0;
  std::uint64_t lost_records_ = 0;
  bool failed_ = false;
  std::string error_;
  std::string kept_aside_;
};

}  // namespace ovse::erspan::collector
