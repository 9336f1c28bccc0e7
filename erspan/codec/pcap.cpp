// Classic pcap encoders: file header and packet records, little-endian, into caller buffers.
#include "erspan/pcap.h"

#include <algorithm>
#include <cstring>

#include "erspan/bytes.h"

namespace ovse::erspan {
namespace {

constexpr std::uint16_t kPcapVersionMajor = 2;
constexpr std::uint16_t kPcapVersionMinor = 4;
constexpr std::uint64_t kNsPerSecond = 1'000'000'000;
constexpr std::uint64_t kNsPerMicrosecond = 1'000;

}  // namespace

Expected<std::size_t, RecordError> encodePcapFileHeader(const PcapFileFormat& format,
                                                        std::span<std::uint8_t> out) noexcept {
  // A SnapLen of 0 is invalid in classic pcap (unlike pcapng, where 0 means "no limit").
  if (format.snap_len == 0) return makeUnexpected(RecordError{RecordErrorCode::kZeroSnapLen, 0});
  if (out.size() < kPcapFileHeaderBytes) {
    return makeUnexpected(RecordError{RecordErrorCode::kBufferTooSmall, kPcapFileHeaderBytes});
  }
  std::uint8_t* p = out.data();
  const std::uint32_t magic = format.precision == PcapPrecision::kNanoseconds
                                  ? kPcapMagicNanoseconds
                                  : kPcapMagicMicroseconds;
  storeLe32(p + kPcapMagicOffset, magic);
  storeLe16(p + kPcapMajorOffset, kPcapVersionMajor);
  storeLe16(p + kPcapMinorOffset, kPcapVersionMinor);
  storeLe32(p + kPcapReserved1Offset, 0);
  storeLe32(p + kPcapReserved2Offset, 0);
  storeLe32(p + kPcapSnapLenOffset, format.snap_len);
  storeLe32(p + kPcapLinkTypeOffset, format.link_type);
  return kPcapFileHeaderBytes;
}

Expected<std::size_t, RecordError> encodePcapRecord(const PcapFileFormat& format,
                                                    const PcapPacket& packet,
                                                    std::span<std::uint8_t> out) noexcept {
  const std::uint64_t seconds = packet.timestamp_ns / kNsPerSecond;
  // The seconds field is 32 bits: it runs out in 2106.
  if (seconds > UINT32_MAX) {
    return makeUnexpected(RecordError{RecordErrorCode::kTimestampOutOfRange, packet.timestamp_ns});
  }
  const std::size_t total = pcapRecordBytes(format, packet.data.size());
  if (out.size() < total) {
    return makeUnexpected(RecordError{RecordErrorCode::kBufferTooSmall, total});
  }
  const std::uint64_t remainder_ns = packet.timestamp_ns % kNsPerSecond;
  const std::uint64_t fraction = format.precision == PcapPrecision::kNanoseconds
                                     ? remainder_ns
                                     : remainder_ns / kNsPerMicrosecond;
  const auto captured = static_cast<std::uint32_t>(total - kPcapRecordHeaderBytes);
  // The bytes the caller had (before the SnapLen cut) are a lower bound of the wire length;
  // this also keeps origlen >= caplen, which readers expect.
  const auto original = static_cast<std::uint32_t>(std::min<std::size_t>(
      std::max<std::size_t>(packet.original_bytes, packet.data.size()), UINT32_MAX));

  std::uint8_t* p = out.data();
  storeLe32(p + kPcapTsSecOffset, static_cast<std::uint32_t>(seconds));
  storeLe32(p + kPcapTsFracOffset, static_cast<std::uint32_t>(fraction));
  storeLe32(p + kPcapCapLenOffset, captured);
  storeLe32(p + kPcapOrigLenOffset, original);
  if (captured > 0) std::memcpy(p + kPcapRecordHeaderBytes, packet.data.data(), captured);
  return total;
}

}  // namespace ovse::erspan
