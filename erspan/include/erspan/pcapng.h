// pcapng blocks (SHB, IDB, EPB, ISB) built into caller buffers, little-endian, ns timestamps.
// Format only: the collector owns files and decides when to write each block.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "erspan/pcap.h"

namespace ovse::erspan {

// Every pcapng block (draft-ietf-opsawg-pcapng §3.1) is written in little-endian byte order; the
// SHB's byte-order magic 0x1A2B3C4D therefore appears as `4d 3c 2b 1a` and readers byte-swap:
//
//    0 |                          Block Type                           |
//    4 |                      Block Total Length                       |
//    8 /                          Block Body (padded to 4)             /
//      |                      Block Total Length                       |
//
// Options are TLVs `u16 code | u16 length (unpadded) | value padded to 4 with zeros`, the list
// closed by opt_endofopt (0, 0). A block with no options has no option list at all.

/// Section Header Block type.
inline constexpr std::uint32_t kPcapngShbType = 0x0A0D0D0A;
/// Interface Description Block type.
inline constexpr std::uint32_t kPcapngIdbType = 1;
/// Interface Statistics Block type.
inline constexpr std::uint32_t kPcapngIsbType = 5;
/// Enhanced Packet Block type.
inline constexpr std::uint32_t kPcapngEpbType = 6;
/// SHB byte-order magic.
inline constexpr std::uint32_t kPcapngByteOrderMagic = 0x1A2B3C4D;
/// if_tsresol value written in every IDB: 10^-9 s, so all timestamps are nanoseconds.
inline constexpr std::uint8_t kPcapngTsResolNanoseconds = 9;

/// Fixed part of each block, both length fields included.
inline constexpr std::size_t kPcapngShbFixedBytes = 28;  // type, len, magic, 1.0, i64 length, len
inline constexpr std::size_t kPcapngIdbFixedBytes = 20;  // type, len, linktype, rsvd, snaplen, len
inline constexpr std::size_t kPcapngEpbFixedBytes = 32;  // type, len, if, ts hi/lo, cap, orig, len
inline constexpr std::size_t kPcapngIsbFixedBytes = 24;  // type, len, if, ts hi/lo, len
static_assert(kPcapngShbFixedBytes == 4 + 4 + 4 + 2 + 2 + 8 + 4);
static_assert(kPcapngIdbFixedBytes == 4 + 4 + 2 + 2 + 4 + 4);
static_assert(kPcapngEpbFixedBytes == 4 + 4 + 4 + 4 + 4 + 4 + 4 + 4);
static_assert(kPcapngIsbFixedBytes == 4 + 4 + 4 + 4 + 4 + 4);

/// Section Header Block options; empty strings are left out.
struct SectionHeader {
  std::string_view hardware{};          ///< shb_hardware (2)
  std::string_view os{};                ///< shb_os (3)
  std::string_view user_application{};  ///< shb_userappl (4)
};

/// One interface of the section (the collector writes one per session and direction). Interface
/// ids are implicit: 0, 1, 2… in the order the IDBs are written. if_tsresol is always 9 (ns).
/// Keep `link_type` and `snap_len` equal across the IDBs of a file meant for tcpdump: libpcap
/// 1.10 refuses a section whose interfaces differ in either (tshark does not mind). To cut one
/// session shorter, set `EnhancedPacket::snap_len` instead.
struct InterfaceDescription {
  std::uint16_t link_type = kLinkTypeEthernet;
  std::uint32_t snap_len = kDefaultSnapLen;  ///< 0 = unlimited
  std::string_view name{};                   ///< if_name (2); empty = left out
  std::string_view description{};            ///< if_description (3); empty = left out
};

/// Direction bits 0-1 of epb_flags.
enum class PacketDirection : std::uint8_t { kUnknown = 0, kInbound = 1, kOutbound = 2 };

/// One packet for an Enhanced Packet Block.
struct EnhancedPacket {
  std::uint32_t interface_id = 0;
  std::uint64_t timestamp_ns = 0;        ///< nanoseconds since 1970-01-01 UTC
  std::span<const std::uint8_t> data{};  ///< captured bytes, cut to `snap_len` when that is non-0
  std::uint32_t original_bytes = 0;      ///< wire length; raised to data.size() if below it
  std::uint32_t snap_len = 0;            ///< the interface's SnapLen (0 = no limit)
  PacketDirection direction = PacketDirection::kUnknown;  ///< epb_flags bits 0-1
  bool crc_error = false;                     ///< epb_flags bit 24 (e.g. ERSPAN III BSO = 3)
  std::optional<std::uint64_t> drop_count{};  ///< epb_dropcount (4): e.g. GRE sequence gap
  std::string_view comment{};                 ///< opt_comment (1); empty = left out
};

/// Interface Statistics Block contents, usually written when the file is closed.
struct InterfaceStatistics {
  std::uint32_t interface_id = 0;
  std::uint64_t timestamp_ns = 0;                       ///< when the statistics were taken
  std::optional<std::uint64_t> start_time_ns{};         ///< isb_starttime (2)
  std::optional<std::uint64_t> end_time_ns{};           ///< isb_endtime (3)
  std::optional<std::uint64_t> received_count{};        ///< isb_ifrecv (4)
  std::optional<std::uint64_t> interface_drop_count{};  ///< isb_ifdrop (5): e.g. sequence gaps
  std::optional<std::uint64_t> os_drop_count{};         ///< isb_osdrop (7): socket / ring drops
};

/// epb_flags value for `direction` and `crc_error`.
[[nodiscard]] constexpr std::uint32_t epbFlags(PacketDirection direction, bool crc_error) noexcept {
  return static_cast<std::uint32_t>(direction) | (crc_error ? (std::uint32_t{1} << 24) : 0);
}

/// Exact size of the SHB `encodeSectionHeaderBlock` writes.
[[nodiscard]] std::size_t sectionHeaderBlockBytes(const SectionHeader& shb) noexcept;
/// Writes an SHB (version 1.0, section length -1) into `out`; returns the bytes written.
[[nodiscard]] Expected<std::size_t, RecordError> encodeSectionHeaderBlock(
    const SectionHeader& shb, std::span<std::uint8_t> out) noexcept;

/// Exact size of the IDB `encodeInterfaceDescriptionBlock` writes.
[[nodiscard]] std::size_t interfaceDescriptionBlockBytes(const InterfaceDescription& idb) noexcept;
/// Writes an IDB with if_name, if_description and if_tsresol = 9; returns the bytes written.
[[nodiscard]] Expected<std::size_t, RecordError> encodeInterfaceDescriptionBlock(
    const InterfaceDescription& idb, std::span<std::uint8_t> out) noexcept;

/// Exact size of the EPB `encodeEnhancedPacketBlock` writes.
[[nodiscard]] std::size_t enhancedPacketBlockBytes(const EnhancedPacket& epb) noexcept;
/// Writes an EPB (data zero-padded to 4, epb_flags only when non-zero, then epb_dropcount and
/// opt_comment when given); returns the bytes written.
[[nodiscard]] Expected<std::size_t, RecordError> encodeEnhancedPacketBlock(
    const EnhancedPacket& epb, std::span<std::uint8_t> out) noexcept;

/// Exact size of the ISB `encodeInterfaceStatisticsBlock` writes.
[[nodiscard]] std::size_t interfaceStatisticsBlockBytes(const InterfaceStatistics& isb) noexcept;
/// Writes an ISB with the options that are set; returns the bytes written.
[[nodiscard]] Expected<std::size_t, RecordError> encodeInterfaceStatisticsBlock(
    const InterfaceStatistics& isb, std::span<std::uint8_t> out) noexcept;

}  // namespace ovse::erspan
