// Classic pcap files read from a byte span (a mapped file): the file header in either byte order
// and precision, then one record at a time, handed out without copying. Format only: no files,
// no allocation. Layouts in pcap.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "erspan/expected.h"
#include "erspan/pcap.h"

namespace ovse::erspan {

/// Why a classic pcap file could not be read; `PcapReadError::value` carries the number seen.
enum class PcapReadErrorCode : std::uint8_t {
  kNotClassicPcap,   ///< the first 4 bytes are no classic pcap magic; value = them, little-endian
  kTruncatedHeader,  ///< fewer than 24 bytes; value = bytes present
  kTruncatedRecord,  ///< the last record ends past the file; value = bytes missing
  kCapLenTooLarge,   ///< a captured length above the snap length and 262144; value = it
};

struct PcapReadError {
  PcapReadErrorCode code = PcapReadErrorCode::kNotClassicPcap;
  std::uint64_t value = 0;
  friend bool operator==(const PcapReadError&, const PcapReadError&) = default;
};

/// The largest captured length a record may have: libpcap's limit for any link type.
inline constexpr std::uint32_t kPcapMaxCapLen = 262144;

/// What the file header declares.
struct PcapFileInfo {
  PcapPrecision precision = PcapPrecision::kMicroseconds;
  bool big_endian = false;  ///< written by a big-endian host: every field is byte-swapped
  std::uint32_t snap_len = 0;
  std::uint32_t link_type = kLinkTypeEthernet;  ///< LinkType (low 16 bits)
};

/// True when `file` starts with one of the four classic pcap magics (µs/ns, either order).
[[nodiscard]] bool isClassicPcap(std::span<const std::uint8_t> file) noexcept;

/// Parses the 24-byte file header at the start of `file`.
[[nodiscard]] Expected<PcapFileInfo, PcapReadError> parsePcapFileHeader(
    std::span<const std::uint8_t> file) noexcept;

/// One record: a view into the file's bytes.
struct PcapRecordView {
  std::uint64_t timestamp_ns = 0;  ///< nanoseconds since 1970-01-01 UTC
  std::span<const std::uint8_t> data{};
  std::uint32_t original_bytes = 0;
  std::size_t next_offset = 0;  ///< where the following record starts
};

/// Reads the record at `offset` (kPcapFileHeaderBytes for the first; the previous record's
/// next_offset after that). The caller stops when offset == file.size().
[[nodiscard]] Expected<PcapRecordView, PcapReadError> readPcapRecord(
    const PcapFileInfo& info, std::span<const std::uint8_t> file, std::size_t offset) noexcept;

}  // namespace ovse::erspan
