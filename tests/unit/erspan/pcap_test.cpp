// Known-answer tests for the classic pcap file header and record encoders.
#include "erspan/pcap.h"

#include <gtest/gtest.h>

#include <array>
#include <string_view>
#include <vector>

#include "unit/erspan/hex.h"

namespace ovse::erspan {
namespace {

using test::fromHex;

std::vector<std::uint8_t> encodeHeader(const PcapFileFormat& format) {
  std::vector<std::uint8_t> buf(64, 0xEE);
  auto n = encodePcapFileHeader(format, buf);
  EXPECT_TRUE(n.has_value());
  buf.resize(n.value_or(0));
  return buf;
}

std::vector<std::uint8_t> encodeRecord(const PcapFileFormat& format, const PcapPacket& packet) {
  std::vector<std::uint8_t> buf(pcapRecordBytes(format, packet.data.size()) + 8, 0xEE);
  auto n = encodePcapRecord(format, packet, buf);
  EXPECT_TRUE(n.has_value());
  EXPECT_EQ(n.value_or(0), pcapRecordBytes(format, packet.data.size()));
  buf.resize(n.value_or(0));
  return buf;
}

constexpr std::uint64_t kTs = 1'700'000'000'123'456'789;  // 0x6553F100 s + 123456789 ns
constexpr std::array<std::uint8_t, 3> kData = {0xAA, 0xBB, 0xCC};

TEST(PcapFileHeader, MicrosecondLittleEndianLayout) {
  PcapFileFormat format{.precision = PcapPrecision::kMicroseconds};
  EXPECT_EQ(encodeHeader(format),
            fromHex("d4c3b2a1 0200 0400 00000000 00000000 00000400 01000000"));
}

TEST(PcapFileHeader, NanosecondMagic) {
  EXPECT_EQ(encodeHeader(PcapFileFormat{}),
            fromHex("4d3cb2a1 0200 0400 00000000 00000000 00000400 01000000"));
}

TEST(PcapFileHeader, AnyLinkTypeAndSnapLen) {
  PcapFileFormat format{
      .precision = PcapPrecision::kNanoseconds, .snap_len = 65535, .link_type = kLinkTypeRaw};
  EXPECT_EQ(encodeHeader(format),
            fromHex("4d3cb2a1 0200 0400 00000000 00000000 ffff0000 65000000"));
}

TEST(PcapFileHeader, RejectsZeroSnapLen) {
  std::array<std::uint8_t, kPcapFileHeaderBytes> buf{};
  auto n = encodePcapFileHeader(PcapFileFormat{.snap_len = 0}, buf);
  ASSERT_FALSE(n.has_value());
  EXPECT_EQ(n.error().code, RecordErrorCode::kZeroSnapLen);
}

TEST(PcapFileHeader, RejectsShortBufferNamingSizeNeeded) {
  std::array<std::uint8_t, kPcapFileHeaderBytes - 1> buf{};
  auto n = encodePcapFileHeader(PcapFileFormat{}, buf);
  ASSERT_FALSE(n.has_value());
  EXPECT_EQ(n.error(), (RecordError{RecordErrorCode::kBufferTooSmall, kPcapFileHeaderBytes}));
}

TEST(PcapRecord, MicrosecondTimestampTruncatesToMicroseconds) {
  PcapFileFormat format{.precision = PcapPrecision::kMicroseconds};
  PcapPacket packet{.timestamp_ns = kTs, .data = kData, .original_bytes = 60};
  EXPECT_EQ(encodeRecord(format, packet), fromHex("00f15365 40e20100 03000000 3c000000 aabbcc"));
}

TEST(PcapRecord, NanosecondTimestampNoPadding) {
  PcapPacket packet{.timestamp_ns = kTs, .data = kData, .original_bytes = 60};
  EXPECT_EQ(encodeRecord(PcapFileFormat{}, packet),
            fromHex("00f15365 15cd5b07 03000000 3c000000 aabbcc"));
}

TEST(PcapRecord, CutsToSnapLenAndKeepsOriginalLength) {
  PcapFileFormat format{.snap_len = 2};
  PcapPacket packet{.timestamp_ns = 0, .data = kData, .original_bytes = 0};
  EXPECT_EQ(pcapRecordBytes(format, kData.size()), kPcapRecordHeaderBytes + 2);
  // original_bytes 0 (unknown) is raised to the bytes the caller had, not to the cut length.
  EXPECT_EQ(encodeRecord(format, packet), fromHex("00000000 00000000 02000000 03000000 aabb"));
}

TEST(PcapRecord, OriginalLengthNeverBelowCaptured) {
  PcapPacket packet{.timestamp_ns = 1'000'000'000, .data = kData, .original_bytes = 1};
  EXPECT_EQ(encodeRecord(PcapFileFormat{}, packet),
            fromHex("01000000 00000000 03000000 03000000 aabbcc"));
}

TEST(PcapRecord, EmptyPacketIsHeaderOnly) {
  PcapPacket packet{.timestamp_ns = 5, .data = {}, .original_bytes = 64};
  EXPECT_EQ(encodeRecord(PcapFileFormat{}, packet), fromHex("00000000 05000000 00000000 40000000"));
}

TEST(PcapRecord, RejectsShortBufferWithoutWriting) {
  PcapPacket packet{.timestamp_ns = kTs, .data = kData};
  std::vector<std::uint8_t> buf(kPcapRecordHeaderBytes + 2, 0xEE);
  auto n = encodePcapRecord(PcapFileFormat{}, packet, buf);
  ASSERT_FALSE(n.has_value());
  EXPECT_EQ(n.error(), (RecordError{RecordErrorCode::kBufferTooSmall, 19}));
  EXPECT_EQ(buf, std::vector<std::uint8_t>(kPcapRecordHeaderBytes + 2, 0xEE));
}

TEST(PcapRecord, RejectsSecondsBeyond32Bits) {
  const std::uint64_t ts = (std::uint64_t{UINT32_MAX} + 1) * 1'000'000'000;
  PcapPacket packet{.timestamp_ns = ts, .data = kData};
  std::vector<std::uint8_t> buf(64);
  auto n = encodePcapRecord(PcapFileFormat{}, packet, buf);
  ASSERT_FALSE(n.has_value());
  EXPECT_EQ(n.error(), (RecordError{RecordErrorCode::kTimestampOutOfRange, ts}));
}

TEST(PcapRecord, LastRepresentableSecond) {
  const std::uint64_t ts = std::uint64_t{UINT32_MAX} * 1'000'000'000 + 999'999'999;
  PcapPacket packet{.timestamp_ns = ts, .data = {}};
  EXPECT_EQ(encodeRecord(PcapFileFormat{}, packet), fromHex("ffffffff ffc99a3b 00000000 00000000"));
}

}  // namespace
}  // namespace ovse::erspan
