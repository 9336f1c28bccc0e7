// Collector parts: --allow / --session parsing, exporter timestamp resolution, output path
// patterns, record-boundary truncation after a write error, writing behind.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "erspan/collector/config.h"
#include "erspan/collector/output_set.h"
#include "erspan/collector/record_file.h"
#include "erspan/collector/timestamp.h"

namespace ovse::erspan::collector {
namespace {

TEST(ParseCidrList, AcceptsV4V6AndHosts) {
  auto list = parseCidrList("10.0.0.0/8, 2001:db8::/32,192.0.2.7");
  ASSERT_TRUE(list) << list.error();
  ASSERT_EQ(list->size(), 3u);
  EXPECT_TRUE((*list)[0].contains(false, {10, 1, 2, 3}));
  EXPECT_FALSE((*list)[0].contains(false, {11, 1, 2, 3}));
  EXPECT_FALSE((*list)[0].contains(true, {10, 1, 2, 3}));
  EXPECT_TRUE((*list)[1].contains(true, {0x20, 0x01, 0x0d, 0xb8, 9}));
  EXPECT_TRUE((*list)[2].contains(false, {192, 0, 2, 7}));
  EXPECT_FALSE((*list)[2].contains(false, {192, 0, 2, 8}));
}

TEST(ParseCidrList, ErrorsNameTheEntry) {
  auto bad = parseCidrList("10.0.0.0/8,10.0.0.0/33");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("'10.0.0.0/33'"), std::string::npos);
  EXPECT_NE(parseCidrList("host.example").error().find("'host.example'"), std::string::npos);
}

TEST(ParseSessionList, AcceptsIdsAndExporterScopedIds) {
  auto list = parseSessionList("123,10.0.0.1:7,[2001:db8::1]:9");
  ASSERT_TRUE(list) << list.error();
  ASSERT_EQ(list->size(), 3u);
  EXPECT_TRUE((*list)[0].any_exporter);
  EXPECT_EQ((*list)[1].id, 7u);
  EXPECT_FALSE((*list)[1].any_exporter);
  EXPECT_TRUE((*list)[2].exporter_v6);
  EXPECT_FALSE(parseSessionList("2001:db8::1:9"));
  EXPECT_NE(parseSessionList("12x").error().find("'12x'"), std::string::npos);
}

DecapView typeIII(std::uint32_t ts, std::uint8_t gra) {
  DecapView v;
  v.type = ErspanType::kTypeIII;
  v.timestamp = ts;
  v.gra = gra;
  return v;
}

TEST(ExporterTimeNs, ResolvesThe32BitWrapAgainstArrival) {
  const std::uint64_t arrival = 1700000000ull * 1000000000ull + 123456789;
  const std::uint64_t units = arrival / 100000;  // 100 µs
  EXPECT_EQ(exporterTimeNs(typeIII(static_cast<std::uint32_t>(units), 0), arrival), units * 100000);
  // An exporter 2 s behind, with the low 32 bits just wrapped relative to arrival.
  const std::uint64_t behind = units - 20000;
  EXPECT_EQ(exporterTimeNs(typeIII(static_cast<std::uint32_t>(behind), 0), arrival),
            behind * 100000);
  const std::uint64_t ns100 = arrival / 100 + 5;  // 100 ns units, slightly ahead
  EXPECT_EQ(exporterTimeNs(typeIII(static_cast<std::uint32_t>(ns100), 1), arrival), ns100 * 100);
}

TEST(ExporterTimeNs, UsesUpperBitsAnd1588AndRefusesOthers) {
  DecapView v = typeIII(500, 2);
  v.has_platform_subheader = true;
  v.platform_id = 3;
  v.platform_info2 = 1700000000;
  EXPECT_EQ(exporterTimeNs(v, 0), 1700000000ull * 1000000000ull + 500);
  v.has_platform_subheader = false;
  EXPECT_EQ(exporterTimeNs(v, 1700000000ull * 1000000000ull + 999999000ull),
            1700000001ull * 1000000000ull + 500);
  EXPECT_FALSE(exporterTimeNs(typeIII(1, 3), 5));
  DecapView ii;
  ii.type = ErspanType::kTypeII;
  EXPECT_FALSE(exporterTimeNs(ii, 5));
}

TEST(OutputPattern, ExpandsTokensAndNumbersFiles) {
  Session s;
  s.exporter_text = "10.0.0.1";
  s.key.id = 123;
  const std::uint64_t t = 1700000000ull * 1000000000ull;
  const std::string p = expandPattern("c/%e-%s-%t/%Y%%", &s, t);
  EXPECT_EQ(p.substr(0, 25), "c/10.0.0.1-123-erspan/202");
  EXPECT_EQ(p.back(), '%');
  EXPECT_EQ(expandPattern("x-%e.pcap", nullptr, t), "x-all.pcap");
  EXPECT_EQ(numberedPath("a.b/c.pcapng", 3), "a.b/c-00003.pcapng");
  EXPECT_EQ(numberedPath("a.b/c", 3), "a.b/c-00003");
  EXPECT_TRUE(patternIsPerSession("x-%s.pcapng"));
  EXPECT_FALSE(patternIsPerSession("x-%Y%%s.pcapng"));
}

TEST(RecordFile, IsPrivateAndReportsWriteErrorsNamingTheFile) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("ovse-rf-" + std::to_string(getpid()) + "/sub/f.bin");
  auto file = RecordFile::create(path.string(), 1);
  ASSERT_TRUE(file) << file.error();
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto out = (*file)->reserve(10);
  ASSERT_EQ(out.size(), 10u);
  (*file)->commit(10);
  EXPECT_TRUE((*file)->close());
  EXPECT_EQ(std::filesystem::file_size(path), 10u);
  std::filesystem::remove_all(path.parent_path().parent_path());

  auto full = RecordFile::create("/dev/full", 1);
  ASSERT_TRUE(full) << full.error();
  ASSERT_EQ((*full)->reserve(10).size(), 10u);
  (*full)->commit(10);
  EXPECT_FALSE((*full)->flush());
  EXPECT_TRUE((*full)->failed());
  EXPECT_EQ((*full)->lostRecords(), 1u);
  EXPECT_NE((*full)->error().find("'/dev/full'"), std::string::npos);
  EXPECT_NE((*full)->error().find("errno 28"), std::string::npos);
  EXPECT_TRUE((*full)->reserve(10).empty());
}

// Through a WriteBehind, records keep going into the second buffer while the first is written;
// the file gets every byte in order, and a failed write shows at the next flush, with the
// records of both buffers lost.
TEST(RecordFile, WritesBehindInOrderAndSeesTheirFailureAtTheNextFlush) {
  WriteBehind writer;
  const auto path = std::filesystem::temp_directory_path() /
                    ("ovse-rf-wb-" + std::to_string(getpid()) + ".bin");
  auto file = RecordFile::create(path.string(), kMinRecordBufferBytes, &writer);
  ASSERT_TRUE(file) << file.error();
  constexpr std::size_t kRecord = 1000, kRecords = 3000;  // ~6 buffers
  for (std::size_t i = 0; i < kRecords; ++i) {
    auto out = (*file)->reserve(kRecord);
    ASSERT_EQ(out.size(), kRecord);
    std::fill(out.begin(), out.end(), static_cast<std::uint8_t>(i));
    (*file)->commit(kRecord);
  }
  EXPECT_EQ((*file)->sizeBytes(), kRecord * kRecords);
  EXPECT_TRUE((*file)->close());
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
  ASSERT_EQ(bytes.size(), kRecord * kRecords);
  for (std::size_t i = 0; i < kRecords; ++i) {
    ASSERT_EQ(static_cast<std::uint8_t>(bytes[i * kRecord]), static_cast<std::uint8_t>(i));
  }
  std::filesystem::remove(path);

  auto full = RecordFile::create("/dev/full", kMinRecordBufferBytes, &writer);
  ASSERT_TRUE(full) << full.error();
  ASSERT_EQ((*full)->reserve(10).size(), 10u);
  (*full)->commit(10);
  EXPECT_TRUE((*full)->flush()) << "handed over; the write has not happened yet";
  ASSERT_EQ((*full)->reserve(10).size(), 10u);
  (*full)->commit(10);
  EXPECT_FALSE((*full)->flush());
  EXPECT_TRUE((*full)->failed());
  EXPECT_EQ((*full)->lostRecords(), 2u);
  EXPECT_NE((*full)->error().find("errno 28"), std::string::npos);
  EXPECT_TRUE((*full)->reserve(10).empty());
  EXPECT_FALSE((*full)->close());
}

}  // namespace
}  // namespace ovse::erspan::collector
