// RecordFile: files made by io::createFile (0600, never over an earlier file), large buffered
// writes (optionally on a WriteBehind thread), truncation back to a record boundary on error.
#include "erspan/collector/record_file.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace ovse::erspan::collector {
namespace {

std::string errnoText(int err) {
  return std::string(std::strerror(err)) + " (errno " + std::to_string(err) + ")";
}

}  // namespace

RecordFile::RecordFile(int fd, std::string path, std::size_t buffer_bytes, bool is_stdout,
                       WriteBehind* writer)
    : fd_(fd), path_(std::move(path)), is_stdout_(is_stdout), writer_(writer) {
  buffers_[0].resize(buffer_bytes);
  if (writer_ != nullptr) buffers_[1].resize(buffer_bytes);
  buffer_ = &buffers_[0];
}

RecordFile::~RecordFile() { close(); }

std::expected<std::unique_ptr<RecordFile>, std::string> RecordFile::create(
    const std::string& path, std::size_t buffer_bytes, WriteBehind* writer,
    const io::FileCreateOptions& options) {
  buffer_bytes = std::max(buffer_bytes, kMinRecordBufferBytes);
  if (path == "-") {
    return std::unique_ptr<RecordFile>(
        new RecordFile(STDOUT_FILENO, path, buffer_bytes, true, writer));
  }
  auto created = io::createFile(path, options);
  if (!created) return std::unexpected(created.error());
  auto file =
      std::unique_ptr<RecordFile>(new RecordFile(created->fd, path, buffer_bytes, false, writer));
  // Only a regular file can be cut back after an error (never a device such as /dev/full).
  file->regular_ = created->regular;
  file->kept_aside_ = std::move(created->kept_aside);
  return file;
}

std::span<std::uint8_t> RecordFile::reserve(std::size_t bytes) noexcept {
  if (failed_ || fd_ < 0 || bytes > buffer_->size()) return {};
  if (buffer_->size() - used_ < bytes && !flush()) return {};
  return std::span<std::uint8_t>(buffer_->data() + used_, bytes);
}

void RecordFile::commit(std::size_t bytes) noexcept {
  used_ += bytes;
  ++buffered_records_;
}

bool RecordFile::settle() noexcept {
  if (!pending_) return true;
  writer_->wait(job_);
  pending_ = false;
  if (job_.error != 0) {
    fail(job_.error, pending_records_ + buffered_records_);
    return false;
  }
  durable_bytes_ += job_.size;
  return true;
}

bool RecordFile::flush() noexcept {
  if (failed_ || !settle()) return false;
  if (used_ == 0) return true;
  if (writer_ != nullptr) {
    job_ = WriteBehind::Job{.fd = fd_, .data = buffer_->data(), .size = used_};
    writer_->submit(job_);
    pending_ = true;
    pending_records_ = buffered_records_;
    buffer_ = buffer_ == &buffers_[0] ? &buffers_[1] : &buffers_[0];
  } else {
    if (const int err = writeAll(fd_, buffer_->data(), used_); err != 0) {
      fail(err, buffered_records_);
      return false;
    }
    durable_bytes_ += used_;
  }
  used_ = 0;
  buffered_records_ = 0;
  return true;
}

void RecordFile::fail(int err, std::uint64_t unwritten_records) noexcept {
  failed_ = true;
  lost_records_ = unwritten_records;
  error_ = "write to '" + path_ + "' failed: " + errnoText(err);
  // A partial write may have cut a record: go back to the last complete one so the file stays
  // readable. (A pipe cannot be cut back; its reader sees the stream end there.)
  if (regular_ && ftruncate(fd_, static_cast<off_t>(durable_bytes_)) != 0) {
    error_ += "; cannot truncate back to " + std::to_string(durable_bytes_) +
              " bytes: " + errnoText(errno);
  }
  used_ = 0;
  buffered_records_ = 0;
}

bool RecordFile::close() noexcept {
  if (fd_ < 0) return !failed_;
  const bool ok = flush() && settle();
  if (!is_stdout_) ::close(fd_);
  fd_ = -1;
  return ok;
}

}  // namespace ovse::erspan::collector
