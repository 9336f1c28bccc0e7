// Classic pcap file header and packet records built into caller buffers, plus the error type and
// link-type constants shared with the pcapng encoder. Format only: no files, no allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "erspan/expected.h"

namespace ovse::erspan {

/// Why a pcap or pcapng record could not be written; `RecordError::value` carries the number seen.
enum class RecordErrorCode : std::uint8_t {
  kBufferTooSmall,       ///< value = bytes the record needs
  kZeroSnapLen,          ///< classic pcap SnapLen must not be 0; value = 0
  kPacketTooLong,        ///< captured bytes do not fit a 32-bit length; value = captured bytes
  kOptionTooLong,        ///< a pcapng option value exceeds 65535 bytes; value = its length
  kBlockTooLong,         ///< a pcapng block exceeds 2^32-1 bytes; value = its length
  kTimestampOutOfRange,  ///< classic pcap seconds do not fit 32 bits; value = timestamp in ns
};

/// An encoder error: what is wrong and the value that made it wrong.
struct RecordError {
  RecordErrorCode code = RecordErrorCode::kBufferTooSmall;
  std::uint64_t value = 0;
  friend bool operator==(const RecordError&, const RecordError&) = default;
};

/// LINKTYPE_ETHERNET: decapsulated mirrored frames, or whole outer packets with their Ethernet.
inline constexpr std::uint16_t kLinkTypeEthernet = 1;
/// LINKTYPE_RAW: packets that begin with an IPv4 or IPv6 header.
inline constexpr std::uint16_t kLinkTypeRaw = 101;
/// SnapLen used when the caller has no better value (tcpdump's default).
inline constexpr std::uint32_t kDefaultSnapLen = 262144;

/// Magic of a classic pcap file with seconds + microseconds timestamps.
inline constexpr std::uint32_t kPcapMagicMicroseconds = 0xA1B2C3D4;
/// Magic of a classic pcap file with seconds + nanoseconds timestamps.
inline constexpr std::uint32_t kPcapMagicNanoseconds = 0xA1B23C4D;

// Classic pcap file header (draft-ietf-opsawg-pcap §4), written little-endian so a file starts
// with `d4 c3 b2 a1` (µs) or `4d 3c b2 a1` (ns):
//
//    0 |                          Magic Number                         |
//    4 |          Major Version        |         Minor Version         |
//    8 |                           Reserved1                           |
//   12 |                           Reserved2                           |
//   16 |                            SnapLen                            |
//   20 | FCS |f|0 0 0 0 0 0 0 0 0 0 0 0|         LinkType              |
inline constexpr std::size_t kPcapMagicOffset = 0;
inline constexpr std::size_t kPcapMajorOffset = 4;
inline constexpr std::size_t kPcapMinorOffset = 6;
inline constexpr std::size_t kPcapReserved1Offset = 8;
inline constexpr std::size_t kPcapReserved2Offset = 12;
inline constexpr std::size_t kPcapSnapLenOffset = 16;
inline constexpr std::size_t kPcapLinkTypeOffset = 20;
/// Size of the classic pcap file header.
inline constexpr std::size_t kPcapFileHeaderBytes = 24;
static_assert(kPcapLinkTypeOffset + 4 == kPcapFileHeaderBytes, "pcap file header is 24 octets");

// Packet record header (§5), followed by CapturedLen octets of data and no padding:
//
//    0 |                      Timestamp (Seconds)                      |
//    4 |            Timestamp (Microseconds or nanoseconds)            |
//    8 |                    Captured Packet Length                     |
//   12 |                    Original Packet Length                     |
inline constexpr std::size_t kPcapTsSecOffset = 0;
inline constexpr std::size_t kPcapTsFracOffset = 4;
inline constexpr std::size_t kPcapCapLenOffset = 8;
inline constexpr std::size_t kPcapOrigLenOffset = 12;
/// Size of the classic pcap per-packet record header.
inline constexpr std::size_t kPcapRecordHeaderBytes = 16;
static_assert(kPcapOrigLenOffset + 4 == kPcapRecordHeaderBytes, "pcap record header is 16 octets");

/// Resolution of the fractional part of classic pcap timestamps (chosen by the file magic).
enum class PcapPrecision : std::uint8_t { kMicroseconds, kNanoseconds };

/// What a classic pcap file header declares; records of that file are encoded with the same value.
struct PcapFileFormat {
  PcapPrecision precision = PcapPrecision::kNanoseconds;
  std::uint32_t snap_len = kDefaultSnapLen;     ///< never 0; records are cut to this many bytes
  std::uint32_t link_type = kLinkTypeEthernet;  ///< LinkType in the low 16 bits (+ FCS bits)
};

/// One packet for a classic pcap record.
struct PcapPacket {
  std::uint64_t timestamp_ns = 0;        ///< nanoseconds since 1970-01-01 UTC
  std::span<const std::uint8_t> data{};  ///< the captured bytes (cut to the file's SnapLen)
  std::uint32_t original_bytes = 0;      ///< wire length; raised to data.size() if below it
};

/// Writes the 24-byte file header little-endian into `out`; returns the bytes written.
[[nodiscard]] Expected<std::size_t, RecordError> encodePcapFileHeader(
    const PcapFileFormat& format, std::span<std::uint8_t> out) noexcept;

/// Exact size of the record `encodePcapRecord` writes for a packet of `data_bytes` captured bytes.
[[nodiscard]] constexpr std::size_t pcapRecordBytes(const PcapFileFormat& format,
                                                    std::size_t data_bytes) noexcept {
  return kPcapRecordHeaderBytes + (data_bytes < format.snap_len ? data_bytes : format.snap_len);
}

/// Writes one record header + data into `out`; returns the bytes written (`pcapRecordBytes`).
/// Data beyond `format.snap_len` is cut; the original length is never below `data.size()`.
[[nodiscard]] Expected<std::size_t, RecordError> encodePcapRecord(
    const PcapFileFormat& format, const PcapPacket& packet, std::span<std::uint8_t> out) noexcept;

}  // namespace ovse::erspan
