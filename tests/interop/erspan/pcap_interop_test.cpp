// Our pcap and pcapng bytes read back by independent readers: tshark, capinfos and tcpdump.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <string>
#include <vector>

#include "erspan/pcap.h"
#include "erspan/pcapng.h"
#include "harness/process.h"

namespace ovse::erspan {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;

constexpr std::uint64_t kTs0 = 1'700'000'000'123'456'789;
constexpr std::uint64_t kTs1 = 1'700'000'001'000'000'001;
constexpr std::uint64_t kTs2 = 1'700'000'002'999'999'999;

// An Ethernet frame (local experimental EtherType 0x88B5) of `size` bytes.
std::vector<std::uint8_t> frame(std::size_t size, std::uint8_t fill) {
  std::vector<std::uint8_t> f(size, fill);
  const std::array<std::uint8_t, 14> header = {0x02, 0, 0, 0, 0, 1,    0x02,
                                               0,    0, 0, 0, 2, 0x88, 0xB5};
  std::copy(header.begin(), header.end(), f.begin());
  return f;
}

// Appends one block produced by `encode` (sized by `size`) to `file`.
template <typename Block, typename Encode, typename Size>
void append(std::vector<std::uint8_t>& file, const Block& block, Encode encode, Size size) {
  const std::size_t at = file.size();
  file.resize(at + size(block));
  auto n = encode(block, std::span<std::uint8_t>(file).subspan(at));
  ASSERT_TRUE(n.has_value());
  ASSERT_EQ(*n, size(block));
}

void writeFile(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

std::string tsharkFields(const std::filesystem::path& file,
                         const std::vector<std::string>& fields) {
  std::vector<std::string> argv = {"tshark", "-r", file.string(), "-T",
                                   "fields", "-E", "separator=|"};
  for (const auto& f : fields) argv.insert(argv.end(), {"-e", f});
  const auto result = test::run(argv);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return result.out;
}

// Three interfaces (two sessions, one with both directions), three packets, one ISB each. The
// third packet is cut to 128 bytes by the EPB encoder; the third IDB's SnapLen is a parameter.
std::vector<std::uint8_t> buildPcapng(const std::vector<std::uint8_t>& big,
                                      const std::vector<std::uint8_t>& small,
                                      std::uint32_t third_snap_len = kDefaultSnapLen) {
  std::vector<std::uint8_t> f;
  append(f, SectionHeader{.hardware = "x86_64", .os = "Linux", .user_application = "ovse-test"},
         encodeSectionHeaderBlock, sectionHeaderBlockBytes);
  const std::array<InterfaceDescription, 3> ifaces = {{
      {.name = "erspan-192.0.2.1-sid5-in", .description = "switch A session 5 ingress"},
      {.name = "erspan-192.0.2.1-sid5-out", .description = "switch A session 5 egress"},
      {.snap_len = third_snap_len, .name = "erspan-192.0.2.9-sid7", .description = "Type II"},
  }};
  for (const auto& i : ifaces) {
    append(f, i, encodeInterfaceDescriptionBlock, interfaceDescriptionBlockBytes);
  }
  const std::array<EnhancedPacket, 3> packets = {{
      {.interface_id = 0,
       .timestamp_ns = kTs0,
       .data = small,
       .direction = PacketDirection::kInbound},
      {.interface_id = 1,
       .timestamp_ns = kTs1,
       .data = big,
       .original_bytes = 1514,
       .direction = PacketDirection::kOutbound,
       .drop_count = 4},
      {.interface_id = 2,
       .timestamp_ns = kTs2,
       .data = big,
       .snap_len = 128,
       .comment = "truncated by sender"},
  }};
  for (const auto& p : packets) append(f, p, encodeEnhancedPacketBlock, enhancedPacketBlockBytes);
  for (std::uint32_t id = 0; id < 3; ++id) {
    InterfaceStatistics stats{.interface_id = id,
                              .timestamp_ns = kTs2 + 1,
                              .start_time_ns = kTs0,
                              .end_time_ns = kTs2 + 1,
                              .received_count = 10 + id,
                              .interface_drop_count = id,
                              .os_drop_count = 0};
    append(f, stats, encodeInterfaceStatisticsBlock, interfaceStatisticsBlockBytes);
  }
  return f;
}

TEST(PcapngInterop, TsharkReadsInterfacesDirectionsTimesAndLengths) {
  if (!test::haveProgram("tshark")) GTEST_SKIP() << "tshark not installed";
  test::TempDir dir;
  const auto path = dir.path() / "three.pcapng";
  writeFile(path, buildPcapng(frame(300, 0xAB), frame(60, 0xCD)));

  EXPECT_EQ(
      tsharkFields(
          path, {"frame.interface_name", "frame.interface_description",
                 "frame.packet_flags_direction", "frame.time_epoch", "frame.len", "frame.cap_len"}),
      "erspan-192.0.2.1-sid5-in|switch A session 5 ingress|0x00000001|1700000000.123456789|60|60\n"
      "erspan-192.0.2.1-sid5-out|switch A session 5 "
      "egress|0x00000002|1700000001.000000001|1514|300\n"
      "erspan-192.0.2.9-sid7|Type II||1700000002.999999999|300|128\n");
  EXPECT_EQ(tsharkFields(path, {"frame.drop_count", "frame.comment"}),
            "|\n4|\n|truncated by sender\n");
}

TEST(PcapngInterop, CapinfosSeesInterfacesAndStatistics) {
  if (!test::haveProgram("capinfos")) GTEST_SKIP() << "capinfos not installed (wireshark-common)";
  test::TempDir dir;
  const auto path = dir.path() / "three.pcapng";
  writeFile(path, buildPcapng(frame(300, 0xAB), frame(60, 0xCD)));

  const auto result = test::run({"capinfos", "-M", path.string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("pcapng"));
  EXPECT_THAT(result.out, HasSubstr("Number of packets:   3"));
  EXPECT_THAT(result.out, HasSubstr("Number of interfaces in file: 3"));
  EXPECT_THAT(result.out, HasSubstr("Name = erspan-192.0.2.9-sid7"));
  EXPECT_THAT(result.out, HasSubstr("Description = switch A session 5 egress"));
  EXPECT_THAT(result.out, HasSubstr("Time precision = nanoseconds (9)"));
  EXPECT_THAT(result.out, HasSubstr("Capture length = 262144"));
  EXPECT_THAT(result.out, HasSubstr("Number of stat entries = 1"));
  EXPECT_THAT(result.out, ContainsRegex("Capture hardware: +x86_64"));
  EXPECT_THAT(result.out, ContainsRegex("Capture application: +ovse-test"));
}

TEST(PcapngInterop, TcpdumpReadsPcapng) {
  if (!test::haveProgram("tcpdump")) GTEST_SKIP() << "tcpdump not installed";
  test::TempDir dir;
  const auto path = dir.path() / "three.pcapng";
  writeFile(path, buildPcapng(frame(300, 0xAB), frame(60, 0xCD)));
  const auto result = test::run({"tcpdump", "-r", path.string(), "-nn", "-e", "-tt"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("1700000000.123456 02:00:00:00:00:02 > 02:00:00:00:00:01"));
  EXPECT_THAT(result.out, HasSubstr("ethertype Unknown (0x88b5), length 1514"));
}

TEST(PcapngInterop, TsharkFileFormatDissectorReadsStatistics) {
  if (!test::haveProgram("tshark")) GTEST_SKIP() << "tshark not installed";
  test::TempDir dir;
  const auto path = dir.path() / "three.pcapng";
  writeFile(path, buildPcapng(frame(300, 0xAB), frame(60, 0xCD)));
  // Wireshark's own pcapng *file* dissector shows the blocks themselves, including ISB options.
  const auto result =
      test::run({"tshark", "-X", "read_format:MIME Files Format", "-r", path.string(), "-V"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("Number of Received Packets: 12"));
  EXPECT_THAT(result.out, HasSubstr("Number of Dropped Packets: 2"));
  EXPECT_THAT(result.out, HasSubstr("Number of Dropped Packets by OS: 0"));
  EXPECT_THAT(result.out, HasSubstr("Byte Order Magic: 4d3c2b1a (Little-endian)"));
  EXPECT_THAT(result.out, HasSubstr("Block Length (trailer): 88"));
}

// Quirk pinned on purpose: libpcap (1.10, Debian 12) refuses a pcapng section whose IDBs differ
// in SnapLen (or link type) — keep them uniform in files meant for tcpdump and cut per EPB.
TEST(PcapngInterop, TcpdumpRejectsInterfacesWithDifferentSnapLens) {
  if (!test::haveProgram("tcpdump")) GTEST_SKIP() << "tcpdump not installed";
  test::TempDir dir;
  const auto path = dir.path() / "mixed.pcapng";
  writeFile(path, buildPcapng(frame(300, 0xAB), frame(60, 0xCD), 128));
  const auto result = test::run({"tcpdump", "-r", path.string(), "-nn"});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_THAT(result.err, HasSubstr("snapshot length"));
}

// Classic pcap: header + three records at the given precision.
std::vector<std::uint8_t> buildPcap(PcapPrecision precision) {
  const PcapFileFormat format{.precision = precision, .snap_len = 200};
  std::vector<std::uint8_t> f(kPcapFileHeaderBytes);
  EXPECT_TRUE(encodePcapFileHeader(format, f).has_value());
  const auto big = frame(300, 0xAB);
  const auto small = frame(60, 0xCD);
  const std::array<PcapPacket, 3> packets = {{
      {.timestamp_ns = kTs0, .data = small},
      {.timestamp_ns = kTs1, .data = big, .original_bytes = 1514},
      {.timestamp_ns = kTs2, .data = big},
  }};
  for (const auto& p : packets) {
    append(
        f, p,
        [&](const PcapPacket& b, std::span<std::uint8_t> out) {
          return encodePcapRecord(format, b, out);
        },
        [&](const PcapPacket& b) { return pcapRecordBytes(format, b.data.size()); });
  }
  return f;
}

TEST(PcapInterop, TsharkReadsMicrosecondFile) {
  if (!test::haveProgram("tshark")) GTEST_SKIP() << "tshark not installed";
  test::TempDir dir;
  const auto path = dir.path() / "us.pcap";
  writeFile(path, buildPcap(PcapPrecision::kMicroseconds));
  EXPECT_EQ(tsharkFields(path, {"frame.time_epoch", "frame.len", "frame.cap_len"}),
            "1700000000.123456000|60|60\n"
            "1700000001.000000000|1514|200\n"
            "1700000002.999999000|300|200\n");
}

TEST(PcapInterop, TsharkReadsNanosecondFile) {
  if (!test::haveProgram("tshark")) GTEST_SKIP() << "tshark not installed";
  test::TempDir dir;
  const auto path = dir.path() / "ns.pcap";
  writeFile(path, buildPcap(PcapPrecision::kNanoseconds));
  EXPECT_EQ(tsharkFields(path, {"frame.time_epoch", "frame.len", "frame.cap_len"}),
            "1700000000.123456789|60|60\n"
            "1700000001.000000001|1514|200\n"
            "1700000002.999999999|300|200\n");
  if (test::haveProgram("capinfos")) {
    const auto info = test::run({"capinfos", "-M", path.string()});
    EXPECT_THAT(info.out, HasSubstr("nanoseconds"));
    EXPECT_THAT(info.out, HasSubstr("Packet size limit:   file hdr: 200 bytes"));
  }
}

TEST(PcapInterop, TcpdumpReadsBothPrecisions) {
  if (!test::haveProgram("tcpdump")) GTEST_SKIP() << "tcpdump not installed";
  test::TempDir dir;
  for (auto precision : {PcapPrecision::kMicroseconds, PcapPrecision::kNanoseconds}) {
    const auto path = dir.path() / "t.pcap";
    writeFile(path, buildPcap(precision));
    const auto result = test::run(
        {"tcpdump", "-r", path.string(), "-nn", "-e", "--time-stamp-precision=nano", "-tt"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const bool nano = precision == PcapPrecision::kNanoseconds;
    EXPECT_THAT(result.out, HasSubstr(nano ? "1700000000.123456789" : "1700000000.123456000"));
    EXPECT_THAT(result.out, HasSubstr(nano ? "1700000002.999999999" : "1700000002.999999000"));
    EXPECT_THAT(result.out, HasSubstr("length 1514"));
  }
}

}  // namespace
}  // namespace ovse::erspan
