// Known-answer tests for the pcapng SHB, IDB, EPB and ISB encoders (layout of NOTES §4.3).
#include "erspan/pcapng.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "unit/erspan/hex.h"

namespace ovse::erspan {
namespace {

using test::fromHex;

// Encodes with `encode` into a roomy buffer and checks the size function agreed.
template <typename Block, typename Encode, typename Size>
std::vector<std::uint8_t> encodeBlock(const Block& block, Encode encode, Size size) {
  std::vector<std::uint8_t> buf(size(block) + 16, 0xEE);
  auto n = encode(block, std::span<std::uint8_t>(buf));
  EXPECT_TRUE(n.has_value());
  EXPECT_EQ(n.value_or(0), size(block));
  EXPECT_EQ(n.value_or(0) % 4, 0u);
  buf.resize(n.value_or(0));
  return buf;
}

std::vector<std::uint8_t> shb(const SectionHeader& b) {
  return encodeBlock(b, encodeSectionHeaderBlock, sectionHeaderBlockBytes);
}
std::vector<std::uint8_t> idb(const InterfaceDescription& b) {
  return encodeBlock(b, encodeInterfaceDescriptionBlock, interfaceDescriptionBlockBytes);
}
std::vector<std::uint8_t> epb(const EnhancedPacket& b) {
  return encodeBlock(b, encodeEnhancedPacketBlock, enhancedPacketBlockBytes);
}
std::vector<std::uint8_t> isb(const InterfaceStatistics& b) {
  return encodeBlock(b, encodeInterfaceStatisticsBlock, interfaceStatisticsBlockBytes);
}

constexpr std::uint64_t kTs = 1'700'000'000'123'456'789;  // hi 0x17979cfe, lo 0x3d85cd15
constexpr std::array<std::uint8_t, 5> kData = {1, 2, 3, 4, 5};

TEST(PcapngSectionHeader, WithoutOptionsHasNoOptionList) {
  EXPECT_EQ(shb({}), fromHex("0a0d0d0a 1c000000 | 4d3c2b1a 0100 0000 ffffffffffffffff | 1c000000"));
}

TEST(PcapngSectionHeader, StringOptionsPaddedAndTerminated) {
  SectionHeader header{.hardware = "x86_64", .os = "Linux", .user_application = "ovse"};
  EXPECT_EQ(shb(header), fromHex("0a0d0d0a 40000000 | 4d3c2b1a 0100 0000 ffffffffffffffff"
                                 "| 0200 0600 7838365f3634 0000"
                                 "| 0300 0500 4c696e7578 000000"
                                 "| 0400 0400 6f767365"
                                 "| 0000 0000 | 40000000"));
}

TEST(PcapngInterfaceDescription, NameDescriptionTsresol) {
  InterfaceDescription iface{.name = "eth0", .description = "sid 5"};
  EXPECT_EQ(idb(iface), fromHex("01000000 34000000 | 0100 0000 | 00000400"
                                "| 0200 0400 65746830"
                                "| 0300 0500 7369642035 000000"
                                "| 0900 0100 09 000000"
                                "| 0000 0000 | 34000000"));
}

TEST(PcapngInterfaceDescription, AlwaysCarriesNanosecondTsresol) {
  InterfaceDescription iface{.link_type = kLinkTypeRaw, .snap_len = 65535};
  EXPECT_EQ(idb(iface), fromHex("01000000 20000000 | 6500 0000 | ffff0000"
                                "| 0900 0100 09 000000 | 0000 0000 | 20000000"));
}

TEST(PcapngEnhancedPacket, AllOptions) {
  EnhancedPacket packet{.interface_id = 1,
                        .timestamp_ns = kTs,
                        .data = kData,
                        .original_bytes = 100,
                        .direction = PacketDirection::kInbound,
                        .drop_count = 3,
                        .comment = "hi"};
  EXPECT_EQ(epb(packet), fromHex("06000000 48000000 | 01000000 | fe9c9717 15cd853d"
                                 "| 05000000 64000000 | 0102030405 000000"
                                 "| 0200 0400 01000000"
                                 "| 0400 0800 0300000000000000"
                                 "| 0100 0200 6869 0000"
                                 "| 0000 0000 | 48000000"));
}

TEST(PcapngEnhancedPacket, UnknownDirectionWritesNoOptions) {
  EnhancedPacket packet{.timestamp_ns = 1, .data = std::span(kData).first(4)};
  EXPECT_EQ(epb(packet), fromHex("06000000 24000000 | 00000000 | 00000000 01000000"
                                 "| 04000000 04000000 | 01020304 | 24000000"));
}

TEST(PcapngEnhancedPacket, OutboundWithCrcError) {
  EnhancedPacket packet{.data = {}, .direction = PacketDirection::kOutbound, .crc_error = true};
  EXPECT_EQ(epb(packet), fromHex("06000000 2c000000 | 00000000 | 00000000 00000000"
                                 "| 00000000 00000000"
                                 "| 0200 0400 02000001 | 0000 0000 | 2c000000"));
}

TEST(PcapngEnhancedPacket, CutsToSnapLenAndPadsWithZeros) {
  EnhancedPacket packet{.data = kData, .snap_len = 3, .drop_count = 0};
  EXPECT_EQ(epb(packet), fromHex("06000000 34000000 | 00000000 | 00000000 00000000"
                                 "| 03000000 05000000 | 010203 00"
                                 "| 0400 0800 0000000000000000 | 0000 0000 | 34000000"));
}

TEST(PcapngEnhancedPacket, RejectsShortBufferWithoutWriting) {
  EnhancedPacket packet{.data = kData};
  std::vector<std::uint8_t> buf(enhancedPacketBlockBytes(packet) - 1, 0xEE);
  auto n = encodeEnhancedPacketBlock(packet, buf);
  ASSERT_FALSE(n.has_value());
  EXPECT_EQ(n.error(), (RecordError{RecordErrorCode::kBufferTooSmall, 40}));
  EXPECT_EQ(buf, std::vector<std::uint8_t>(39, 0xEE));
}

TEST(PcapngEnhancedPacket, RejectsCommentLongerThanOptionLength) {
  const std::string comment(70000, 'c');
  EnhancedPacket packet{.data = kData, .comment = comment};
  std::vector<std::uint8_t> buf(enhancedPacketBlockBytes(packet));
  auto n = encodeEnhancedPacketBlock(packet, buf);
  ASSERT_FALSE(n.has_value());
  EXPECT_EQ(n.error(), (RecordError{RecordErrorCode::kOptionTooLong, 70000}));
}

TEST(PcapngEnhancedPacket, FlagsHelperMatchesDirectionBits) {
  EXPECT_EQ(epbFlags(PacketDirection::kUnknown, false), 0u);
  EXPECT_EQ(epbFlags(PacketDirection::kInbound, false), 1u);
  EXPECT_EQ(epbFlags(PacketDirection::kOutbound, false), 2u);
  EXPECT_EQ(epbFlags(PacketDirection::kInbound, true), 0x01000001u);
}

TEST(PcapngInterfaceStatistics, AllOptionsTimestampsHighWordFirst) {
  InterfaceStatistics stats{.interface_id = 2,
                            .timestamp_ns = kTs,
                            .start_time_ns = 1'700'000'000'000'000'000,
                            .end_time_ns = 1'700'000'060'000'000'000,
                            .received_count = 10,
                            .interface_drop_count = 2,
                            .os_drop_count = 1};
  EXPECT_EQ(isb(stats), fromHex("05000000 58000000 | 02000000 | fe9c9717 15cd853d"
                                "| 0200 0800 fe9c9717 00002a36"
                                "| 0300 0800 0c9d9717 0058712e"
                                "| 0400 0800 0a00000000000000"
                                "| 0500 0800 0200000000000000"
                                "| 0700 0800 0100000000000000"
                                "| 0000 0000 | 58000000"));
}

TEST(PcapngInterfaceStatistics, WithoutOptions) {
  EXPECT_EQ(isb({.interface_id = 7}),
            fromHex("05000000 18000000 | 07000000 | 00000000 00000000 | 18000000"));
}

TEST(PcapngBlocks, FirstAndLastLengthFieldsAgree) {
  const auto bytes = epb({.data = kData, .direction = PacketDirection::kInbound, .comment = "x"});
  ASSERT_GE(bytes.size(), 12u);
  EXPECT_EQ(std::vector(bytes.begin() + 4, bytes.begin() + 8),
            std::vector(bytes.end() - 4, bytes.end()));
}

}  // namespace
}  // namespace ovse::erspan
