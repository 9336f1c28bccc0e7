// The classic pcap reader: both byte orders and precisions, records read back from the encoder,
// and every way a file can end badly.
#include "erspan/pcap_reader.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "erspan/bytes.h"
#include "unit/erspan/hex.h"

namespace ovse::erspan {
namespace {

using test::fromHex;

constexpr std::uint64_t kTs = 1'700'000'000'123'456'789;

// A file of `packets` written by our encoder in `precision`.
std::vector<std::uint8_t> writeFile(PcapPrecision precision,
                                    const std::vector<std::vector<std::uint8_t>>& packets) {
  PcapFileFormat format{.precision = precision, .snap_len = 65535};
  std::vector<std::uint8_t> file(kPcapFileHeaderBytes);
  EXPECT_TRUE(encodePcapFileHeader(format, file).has_value());
  for (std::size_t i = 0; i < packets.size(); ++i) {
    std::vector<std::uint8_t> record(pcapRecordBytes(format, packets[i].size()));
    PcapPacket p{.timestamp_ns = kTs + i,
                 .data = packets[i],
                 .original_bytes = static_cast<std::uint32_t>(packets[i].size() + 100)};
    EXPECT_TRUE(encodePcapRecord(format, p, record).has_value());
    file.insert(file.end(), record.begin(), record.end());
  }
  return file;
}

TEST(PcapReader, ReadsBackWhatTheEncoderWrote) {
  const std::vector<std::vector<std::uint8_t>> packets{{1, 2, 3}, {}, {4, 5, 6, 7, 8}};
  for (auto precision : {PcapPrecision::kNanoseconds, PcapPrecision::kMicroseconds}) {
    auto file = writeFile(precision, packets);
    auto info = parsePcapFileHeader(file);
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(info->precision, precision);
    EXPECT_FALSE(info->big_endian);
    EXPECT_EQ(info->snap_len, 65535u);
    EXPECT_EQ(info->link_type, kLinkTypeEthernet);
    std::size_t offset = kPcapFileHeaderBytes;
    for (std::size_t i = 0; i < packets.size(); ++i) {
      auto r = readPcapRecord(*info, file, offset);
      ASSERT_TRUE(r.has_value());
      EXPECT_EQ(std::vector<std::uint8_t>(r->data.begin(), r->data.end()), packets[i]);
      EXPECT_EQ(r->original_bytes, packets[i].size() + 100);
      const std::uint64_t want = precision == PcapPrecision::kNanoseconds
                                     ? kTs + i
                                     : (kTs + i) / 1000 * 1000;  // µs files keep µs
      EXPECT_EQ(r->timestamp_ns, want);
      offset = r->next_offset;
    }
    EXPECT_EQ(offset, file.size());
  }
}

TEST(PcapReader, BigEndianFiles) {
  // A µs file from a big-endian host: magic a1b2c3d4 as written, snaplen 96, one 2-byte record at
  // 1 s + 5 µs, original length 60.
  auto file = fromHex(
      "a1b2c3d4 0002 0004 00000000 00000000 00000060 00000001"
      "00000001 00000005 00000002 0000003c beef");
  auto info = parsePcapFileHeader(file);
  ASSERT_TRUE(info.has_value());
  EXPECT_TRUE(info->big_endian);
  EXPECT_EQ(info->precision, PcapPrecision::kMicroseconds);
  EXPECT_EQ(info->snap_len, 96u);
  auto r = readPcapRecord(*info, file, kPcapFileHeaderBytes);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->timestamp_ns, 1'000'005'000u);
  EXPECT_EQ(r->original_bytes, 60u);
  EXPECT_EQ(r->data.size(), 2u);
  EXPECT_EQ(r->next_offset, file.size());
  // The nanosecond magic, big-endian.
  file[2] = 0x3c;
  file[3] = 0x4d;
  EXPECT_EQ(parsePcapFileHeader(file)->precision, PcapPrecision::kNanoseconds);
}

TEST(PcapReader, NotPcapAndShortHeaders) {
  auto pcapng = fromHex("0a0d0d0a 1c000000 4d3c2b1a");
  EXPECT_FALSE(isClassicPcap(pcapng));
  EXPECT_EQ(parsePcapFileHeader(pcapng).error(),
            (PcapReadError{PcapReadErrorCode::kNotClassicPcap, 0x0A0D0D0A}));
  auto short_header = fromHex("d4c3b2a1 0200 0400");
  EXPECT_EQ(parsePcapFileHeader(short_header).error(),
            (PcapReadError{PcapReadErrorCode::kTruncatedHeader, 8}));
}

TEST(PcapReader, TruncatedRecordsSayHowManyBytesAreMissing) {
  auto file = writeFile(PcapPrecision::kNanoseconds, {{1, 2, 3, 4, 5}});
  auto info = *parsePcapFileHeader(file);
  auto cut = std::vector<std::uint8_t>(file.begin(), file.end() - 2);
  EXPECT_EQ(readPcapRecord(info, cut, kPcapFileHeaderBytes).error(),
            (PcapReadError{PcapReadErrorCode::kTruncatedRecord, 2}));
  auto header_only = std::vector<std::uint8_t>(file.begin(), file.begin() + 30);
  EXPECT_EQ(readPcapRecord(info, header_only, kPcapFileHeaderBytes).error(),
            (PcapReadError{PcapReadErrorCode::kTruncatedRecord, 10}));
  EXPECT_EQ(readPcapRecord(info, file, file.size() + 4).error().code,
            PcapReadErrorCode::kTruncatedRecord);
}

TEST(PcapReader, RefusesCapturedLengthsNoSnapLengthAllows) {
  auto file = writeFile(PcapPrecision::kNanoseconds, {{1}});
  auto info = *parsePcapFileHeader(file);
  storeLe32(file.data() + kPcapFileHeaderBytes + kPcapCapLenOffset, 0x7FFFFFFF);
  EXPECT_EQ(readPcapRecord(info, file, kPcapFileHeaderBytes).error(),
            (PcapReadError{PcapReadErrorCode::kCapLenTooLarge, 0x7FFFFFFF}));
}

}  // namespace
}  // namespace ovse::erspan
