// PcapFileSink: the pipeline encapsulates straight into a 1 MiB write buffer, behind room for the
// 16-byte record header (no second copy); the file header comes from the codec; write(2) out.
// The file is made by io::createFile (0600, never over an earlier file).
#include "erspan/io/pcap_file_sink.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "erspan/bytes.h"
#include "erspan/io/safe_file.h"

namespace ovse::erspan::io {
namespace {

constexpr std::size_t kBufferBytes = 1 << 20;

}  // namespace

std::expected<std::unique_ptr<PcapFileSink>, std::string> PcapFileSink::open(
    const std::string& path, std::size_t max_packet_bytes) {
  int fd = STDOUT_FILENO;
  if (path != "-") {
    // Like every capture file: 0600, O_EXCL, an earlier file renamed aside, no link followed.
    auto created = createFile(path, {});
    if (!created) return std::unexpected("--write " + path + ": " + created.error());
    fd = created->fd;
  }
  std::unique_ptr<PcapFileSink> sink(new PcapFileSink(fd, path, max_packet_bytes));
  const auto header =
      encodePcapFileHeader(sink->format_, std::span(sink->buffer_.data(), sink->buffer_.size()));
  if (!header) return std::unexpected("--write " + path + ": cannot encode the pcap header");
  sink->used_ = *header;
  if (!sink->writeOut()) return std::unexpected("--write " + path + ": " + std::strerror(errno));
  return sink;
}

PcapFileSink::PcapFileSink(int fd, std::string path, std::size_t max_packet_bytes)
    : fd_(fd),
      own_fd_(path != "-"),
      name_("file " + path),
      max_packet_bytes_(max_packet_bytes),
      buffer_(kBufferBytes + kPcapRecordHeaderBytes + max_packet_bytes) {
  format_.precision = PcapPrecision::kNanoseconds;
  format_.snap_len = static_cast<std::uint32_t>(max_packet_bytes);
  format_.link_type = kLinkTypeEthernet;
}

PcapFileSink::~PcapFileSink() {
  finish();
  if (own_fd_) close(fd_);
}

std::span<std::uint8_t> PcapFileSink::slot() noexcept {
  if (buffer_.size() - used_ < kPcapRecordHeaderBytes + max_packet_bytes_) writeOut();
  return {buffer_.data() + used_ + kPcapRecordHeaderBytes, max_packet_bytes_};
}

void PcapFileSink::commit(std::size_t bytes, std::uint64_t timestamp_ns) noexcept {
  // The record header of draft-ietf-opsawg-pcap §5 (offsets from erspan/pcap.h), little-endian
  // like the file header the codec wrote; the slot is never larger than the file's SnapLen.
  std::uint8_t* record = buffer_.data() + used_;
  const auto length = static_cast<std::uint32_t>(bytes);
  storeLe32(record + kPcapTsSecOffset, static_cast<std::uint32_t>(timestamp_ns / 1'000'000'000));
  storeLe32(record + kPcapTsFracOffset, static_cast<std::uint32_t>(timestamp_ns % 1'000'000'000));
  storeLe32(record + kPcapCapLenOffset, length);
  storeLe32(record + kPcapOrigLenOffset, length);
  used_ += kPcapRecordHeaderBytes + bytes;
  ++stats_.sent_count;
  stats_.sent_bytes += bytes;
  if (used_ >= kBufferBytes) writeOut();
}

void PcapFileSink::flush() noexcept {
  if (used_ >= kBufferBytes / 4) writeOut();
}

bool PcapFileSink::finish() noexcept { return writeOut(); }

bool PcapFileSink::writeOut() noexcept {
  std::size_t done = 0;
  while (done < used_) {
    const ssize_t n = write(fd_, buffer_.data() + done, used_ - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      countError(stats_, n < 0 ? errno : EIO);
      used_ = 0;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  used_ = 0;
  return true;
}

}  // namespace ovse::erspan::io
