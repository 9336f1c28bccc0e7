// pcapng block encoders: size functions and writers for SHB, IDB, EPB and ISB, little-endian.
#include "erspan/pcapng.h"

#include <algorithm>
#include <cstring>
#include <initializer_list>

#include "erspan/bytes.h"

namespace ovse::erspan {
namespace {

constexpr std::uint16_t kOptEndOfOpt = 0;
constexpr std::uint16_t kOptComment = 1;
constexpr std::uint16_t kShbHardware = 2;
constexpr std::uint16_t kShbOs = 3;
constexpr std::uint16_t kShbUserAppl = 4;
constexpr std::uint16_t kIfName = 2;
constexpr std::uint16_t kIfDescription = 3;
constexpr std::uint16_t kIfTsResol = 9;
constexpr std::uint16_t kEpbFlags = 2;
constexpr std::uint16_t kEpbDropCount = 4;
constexpr std::uint16_t kIsbStartTime = 2;
constexpr std::uint16_t kIsbEndTime = 3;
constexpr std::uint16_t kIsbIfRecv = 4;
constexpr std::uint16_t kIsbIfDrop = 5;
constexpr std::uint16_t kIsbOsDrop = 7;
constexpr std::size_t kMaxOptionValueBytes = 0xFFFF;
constexpr std::size_t kOptionHeaderBytes = 4;
constexpr std::size_t kEndOfOptBytes = 4;

constexpr std::size_t pad4(std::size_t n) { return (n + 3) & ~std::size_t{3}; }
constexpr std::size_t optionBytes(std::size_t value_bytes) {
  return kOptionHeaderBytes + pad4(value_bytes);
}
constexpr std::size_t stringOptionBytes(std::string_view s) {
  return s.empty() ? 0 : optionBytes(s.size());
}
template <typename T>
constexpr std::size_t optionalOptionBytes(const std::optional<T>& v, std::size_t value_bytes) {
  return v ? optionBytes(value_bytes) : 0;
}
// An option list exists only when it has options; then it ends with opt_endofopt.
constexpr std::size_t withEndOfOpt(std::size_t options_bytes) {
  return options_bytes == 0 ? 0 : options_bytes + kEndOfOptBytes;
}

// The one up-front check of every encoder: option values fit their u16 length, the block fits
// its u32 length and the caller's buffer. Nothing is written before it passes. Returns the first
// rule broken, or nullopt (an optional, not Expected<void>: the clang stand-in has no void form).
std::optional<RecordError> checkBlock(std::size_t total, std::size_t out_bytes,
                                      std::initializer_list<std::size_t> option_lengths) {
  for (std::size_t len : option_lengths) {
    if (len > kMaxOptionValueBytes) {
      return RecordError{RecordErrorCode::kOptionTooLong, len};
    }
  }
  if (total > UINT32_MAX) return RecordError{RecordErrorCode::kBlockTooLong, total};
  if (out_bytes < total) {
    return RecordError{RecordErrorCode::kBufferTooSmall, total};
  }
  return std::nullopt;
}

// Sequential little-endian writer over a buffer already checked by checkBlock.
class Cursor {
 public:
  explicit Cursor(std::uint8_t* p) : p_(p) {}
  void u16(std::uint16_t v) {
    storeLe16(p_ + pos_, v);
    pos_ += 2;
  }
  void u32(std::uint32_t v) {
    storeLe32(p_ + pos_, v);
    pos_ += 4;
  }
  void u64(std::uint64_t v) {
    storeLe64(p_ + pos_, v);
    pos_ += 8;
  }
  // pcapng timestamps are two u32 words, high first, each in section byte order (not one u64).
  void timestamp(std::uint64_t ns) {
    u32(static_cast<std::uint32_t>(ns >> 32));
    u32(static_cast<std::uint32_t>(ns));
  }
  // Copies `size` bytes (packet data or option text) and zero-fills to the next multiple of 4.
  void padded(const void* data, std::size_t size) {
    if (size > 0) std::memcpy(p_ + pos_, data, size);
    const std::size_t padding = pad4(size) - size;
    std::memset(p_ + pos_ + size, 0, padding);
    pos_ += size + padding;
  }
  void option(std::uint16_t code, const void* data, std::size_t size) {
    u16(code);
    u16(static_cast<std::uint16_t>(size));
    padded(data, size);
  }
  void stringOption(std::uint16_t code, std::string_view s) {
    if (!s.empty()) option(code, s.data(), s.size());
  }
  void u32Option(std::uint16_t code, std::uint32_t v) {
    u16(code);
    u16(4);
    u32(v);
  }
  void u64Option(std::uint16_t code, const std::optional<std::uint64_t>& v) {
    if (!v) return;
    u16(code);
    u16(8);
    u64(*v);
  }
  void timestampOption(std::uint16_t code, const std::optional<std::uint64_t>& ns) {
    if (!ns) return;
    u16(code);
    u16(8);
    timestamp(*ns);
  }
  void endOfOptions(bool any_option) {
    if (!any_option) return;
    u16(kOptEndOfOpt);
    u16(0);
  }
  // Block header: type and total length; the trailing copy of the length comes from `finish`.
  void begin(std::uint32_t type, std::size_t total) {
    u32(type);
    u32(static_cast<std::uint32_t>(total));
  }
  std::size_t finish(std::size_t total) {
    u32(static_cast<std::uint32_t>(total));
    return pos_;
  }

 private:
  std::uint8_t* p_;
  std::size_t pos_ = 0;
};

std::size_t shbOptionBytes(const SectionHeader& shb) {
  return withEndOfOpt(stringOptionBytes(shb.hardware) + stringOptionBytes(shb.os) +
                      stringOptionBytes(shb.user_application));
}

std::size_t epbCapturedBytes(const EnhancedPacket& epb) {
  return epb.snap_len == 0 ? epb.data.size() : std::min<std::size_t>(epb.data.size(), epb.snap_len);
}

std::size_t epbOptionBytes(const EnhancedPacket& epb) {
  const bool has_flags = epbFlags(epb.direction, epb.crc_error) != 0;
  return withEndOfOpt((has_flags ? optionBytes(4) : 0) + optionalOptionBytes(epb.drop_count, 8) +
                      stringOptionBytes(epb.comment));
}

std::size_t isbOptionBytes(const InterfaceStatistics& isb) {
  return withEndOfOpt(
      optionalOptionBytes(isb.start_time_ns, 8) + optionalOptionBytes(isb.end_time_ns, 8) +
      optionalOptionBytes(isb.received_count, 8) +
      optionalOptionBytes(isb.interface_drop_count, 8) + optionalOptionBytes(isb.os_drop_count, 8));
}

}  // namespace

std::size_t sectionHeaderBlockBytes(const SectionHeader& shb) noexcept {
  return kPcapngShbFixedBytes + shbOptionBytes(shb);
}

Expected<std::size_t, RecordError> encodeSectionHeaderBlock(const SectionHeader& shb,
                                                            std::span<std::uint8_t> out) noexcept {
  const std::size_t total = sectionHeaderBlockBytes(shb);
  if (auto bad = checkBlock(total, out.size(),
                            {shb.hardware.size(), shb.os.size(), shb.user_application.size()})) {
    return makeUnexpected(*bad);
  }
  Cursor c(out.data());
  c.begin(kPcapngShbType, total);
  c.u32(kPcapngByteOrderMagic);
  c.u16(1);  // major
  c.u16(0);  // minor: readers reject anything but 0
  // Section length -1: unknown, so the file can grow (and be cut at any block boundary).
  c.u64(UINT64_MAX);
  c.stringOption(kShbHardware, shb.hardware);
  c.stringOption(kShbOs, shb.os);
  c.stringOption(kShbUserAppl, shb.user_application);
  c.endOfOptions(shbOptionBytes(shb) != 0);
  return c.finish(total);
}

std::size_t interfaceDescriptionBlockBytes(const InterfaceDescription& idb) noexcept {
  // if_tsresol is always present, so the option list always exists.
  return kPcapngIdbFixedBytes + stringOptionBytes(idb.name) + stringOptionBytes(idb.description) +
         optionBytes(1) + kEndOfOptBytes;
}

Expected<std::size_t, RecordError> encodeInterfaceDescriptionBlock(
    const InterfaceDescription& idb, std::span<std::uint8_t> out) noexcept {
  const std::size_t total = interfaceDescriptionBlockBytes(idb);
  if (auto bad = checkBlock(total, out.size(), {idb.name.size(), idb.description.size()})) {
    return makeUnexpected(*bad);
  }
  Cursor c(out.data());
  c.begin(kPcapngIdbType, total);
  c.u16(idb.link_type);
  c.u16(0);  // reserved
  c.u32(idb.snap_len);
  c.stringOption(kIfName, idb.name);
  c.stringOption(kIfDescription, idb.description);
  const std::uint8_t tsresol = kPcapngTsResolNanoseconds;
  c.option(kIfTsResol, &tsresol, 1);
  c.endOfOptions(true);
  return c.finish(total);
}

std::size_t enhancedPacketBlockBytes(const EnhancedPacket& epb) noexcept {
  return kPcapngEpbFixedBytes + pad4(epbCapturedBytes(epb)) + epbOptionBytes(epb);
}

Expected<std::size_t, RecordError> encodeEnhancedPacketBlock(const EnhancedPacket& epb,
                                                             std::span<std::uint8_t> out) noexcept {
  const std::size_t captured = epbCapturedBytes(epb);
  const std::size_t total = enhancedPacketBlockBytes(epb);
  if (captured > UINT32_MAX) {
    return makeUnexpected(RecordError{RecordErrorCode::kPacketTooLong, captured});
  }
  if (auto bad = checkBlock(total, out.size(), {epb.comment.size()})) return makeUnexpected(*bad);
  const auto captured32 = static_cast<std::uint32_t>(captured);
  const std::uint32_t flags = epbFlags(epb.direction, epb.crc_error);
  Cursor c(out.data());
  c.begin(kPcapngEpbType, total);
  c.u32(epb.interface_id);
  c.timestamp(epb.timestamp_ns);
  c.u32(captured32);
  // The bytes the caller had (before the SnapLen cut) are a lower bound of the wire length;
  // this also keeps origlen >= caplen, which readers expect.
  c.u32(static_cast<std::uint32_t>(std::min<std::size_t>(
      std::max<std::size_t>(epb.original_bytes, epb.data.size()), UINT32_MAX)));
  c.padded(epb.data.data(), captured);
  // Unknown direction with no error bits is the same as no epb_flags: save the 8 bytes.
  if (flags != 0) c.u32Option(kEpbFlags, flags);
  c.u64Option(kEpbDropCount, epb.drop_count);
  c.stringOption(kOptComment, epb.comment);
  c.endOfOptions(epbOptionBytes(epb) != 0);
  return c.finish(total);
}

std::size_t interfaceStatisticsBlockBytes(const InterfaceStatistics& isb) noexcept {
  return kPcapngIsbFixedBytes + isbOptionBytes(isb);
}

Expected<std::size_t, RecordError> encodeInterfaceStatisticsBlock(
    const InterfaceStatistics& isb, std::span<std::uint8_t> out) noexcept {
  const std::size_t total = interfaceStatisticsBlockBytes(isb);
  if (auto bad = checkBlock(total, out.size(), {})) return makeUnexpected(*bad);
  Cursor c(out.data());
  c.begin(kPcapngIsbType, total);
  c.u32(isb.interface_id);
  c.timestamp(isb.timestamp_ns);
  c.timestampOption(kIsbStartTime, isb.start_time_ns);
  c.timestampOption(kIsbEndTime, isb.end_time_ns);
  c.u64Option(kIsbIfRecv, isb.received_count);
  c.u64Option(kIsbIfDrop, isb.interface_drop_count);
  c.u64Option(kIsbOsDrop, isb.os_drop_count);
  c.endOfOptions(isbOptionBytes(isb) != 0);
  return c.finish(total);
}

}  // namespace ovse::erspan
