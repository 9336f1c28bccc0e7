// Classic pcap reading: magic → byte order and precision, record headers, bounds.
#include "erspan/pcap_reader.h"

#include "erspan/bytes.h"

namespace ovse::erspan {
namespace {

constexpr std::uint32_t kMagicMicrosecondsSwapped = 0xD4C3B2A1;
constexpr std::uint32_t kMagicNanosecondsSwapped = 0x4D3CB2A1;

std::uint32_t field(const PcapFileInfo& info, const std::uint8_t* p) noexcept {
  return info.big_endian ? loadBe32(p) : loadLe32(p);
}

}  // namespace

bool isClassicPcap(std::span<const std::uint8_t> file) noexcept {
  if (file.size() < 4) return false;
  const std::uint32_t magic = loadLe32(file.data());
  return magic == kPcapMagicMicroseconds || magic == kPcapMagicNanoseconds ||
         magic == kMagicMicrosecondsSwapped || magic == kMagicNanosecondsSwapped;
}

Expected<PcapFileInfo, PcapReadError> parsePcapFileHeader(
    std::span<const std::uint8_t> file) noexcept {
  if (!isClassicPcap(file)) {
    return makeUnexpected(PcapReadError{PcapReadErrorCode::kNotClassicPcap,
                                        file.size() < 4 ? 0 : loadLe32(file.data())});
  }
  if (file.size() < kPcapFileHeaderBytes) {
    return makeUnexpected(PcapReadError{PcapReadErrorCode::kTruncatedHeader, file.size()});
  }
  const std::uint32_t magic = loadLe32(file.data());
  PcapFileInfo info;
  info.big_endian = magic == kMagicMicrosecondsSwapped || magic == kMagicNanosecondsSwapped;
  info.precision = magic == kPcapMagicNanoseconds || magic == kMagicNanosecondsSwapped
                       ? PcapPrecision::kNanoseconds
                       : PcapPrecision::kMicroseconds;
  info.snap_len = field(info, file.data() + kPcapSnapLenOffset);
  info.link_type = field(info, file.data() + kPcapLinkTypeOffset) & 0xFFFF;
  return info;
}

Expected<PcapRecordView, PcapReadError> readPcapRecord(const PcapFileInfo& info,
                                                       std::span<const std::uint8_t> file,
                                                       std::size_t offset) noexcept {
  const std::size_t left = offset <= file.size() ? file.size() - offset : 0;
  if (left < kPcapRecordHeaderBytes) {
    return makeUnexpected(
        PcapReadError{PcapReadErrorCode::kTruncatedRecord, kPcapRecordHeaderBytes - left});
  }
  const std::uint8_t* h = file.data() + offset;
  const std::uint32_t cap_len = field(info, h + kPcapCapLenOffset);
  if (cap_len > kPcapMaxCapLen && cap_len > info.snap_len) {
    return makeUnexpected(PcapReadError{PcapReadErrorCode::kCapLenTooLarge, cap_len});
  }
  if (left - kPcapRecordHeaderBytes < cap_len) {
    return makeUnexpected(PcapReadError{PcapReadErrorCode::kTruncatedRecord,
                                        cap_len - (left - kPcapRecordHeaderBytes)});
  }
  const std::uint64_t frac = field(info, h + kPcapTsFracOffset);
  PcapRecordView r;
  r.timestamp_ns = std::uint64_t{field(info, h + kPcapTsSecOffset)} * 1'000'000'000ull +
                   (info.precision == PcapPrecision::kNanoseconds ? frac : frac * 1000ull);
  r.data = file.subspan(offset + kPcapRecordHeaderBytes, cap_len);
  r.original_bytes = field(info, h + kPcapOrigLenOffset);
  r.next_offset = offset + kPcapRecordHeaderBytes + cap_len;
  return r;
}

}  // namespace ovse::erspan
