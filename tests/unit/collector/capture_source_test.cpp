// CaptureSource: offline pcap and pcapng reading with ns timestamps and BPF, live capture on
// loopback (root only), errors that name the file or interface.
#include "erspan/io/capture_source.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

#include "erspan/pcap.h"

namespace ovse::erspan::io {
namespace {

std::filesystem::path tempFile(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         ("ovse-capture-" + std::to_string(getpid()) + "-" + name);
}

/// Writes a classic ns pcap with `count` Ethernet frames; frame i is 60 bytes of value i, with
/// EtherType 0x0800 for even i and 0x86dd for odd i, stamped 1.000000001 s + i µs.
void writePcap(const std::filesystem::path& path, int count) {
  std::vector<std::uint8_t> buf(1 << 16);
  const PcapFileFormat format;
  std::size_t used = *encodePcapFileHeader(format, buf);
  for (int i = 0; i < count; ++i) {
    std::vector<std::uint8_t> frame(60, static_cast<std::uint8_t>(i));
    frame[12] = (i % 2 == 0) ? 0x08 : 0x86;
    frame[13] = (i % 2 == 0) ? 0x00 : 0xdd;
    const PcapPacket packet{1000000001ull + 1000ull * i, frame, 100};
    used += *encodePcapRecord(format, packet, std::span(buf).subspan(used));
  }
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(buf.data()), used);
}

TEST(CaptureSourceOffline, ReadsFramesWithNanosecondTimestamps) {
  const auto path = tempFile("a.pcap");
  writePcap(path, 5);
  auto source = CaptureSource::openOffline({path.string(), ""});
  ASSERT_TRUE(source) << source.error().message;
  std::vector<CapturedFrame> seen;
  std::vector<std::uint8_t> first_bytes;
  auto result = (*source)->readBatch(3, [&](const CapturedFrame& f) {
    seen.push_back(f);
    first_bytes.push_back(f.data[0]);
  });
  EXPECT_EQ(result.status, DispatchStatus::kFrames);
  EXPECT_EQ(result.frame_count, 3u);
  result = (*source)->readBatch(100, [&](const CapturedFrame& f) {
    seen.push_back(f);
    first_bytes.push_back(f.data[0]);
  });
  EXPECT_EQ(result.frame_count, 2u);
  EXPECT_EQ((*source)->readBatch(100, [](const CapturedFrame&) {}).status, DispatchStatus::kEnd);
  ASSERT_EQ(seen.size(), 5u);
  EXPECT_EQ(seen[4].timestamp_ns, 1000000001ull + 4000ull);
  EXPECT_EQ(seen[4].data.size(), 60u);
  EXPECT_EQ(seen[4].original_bytes, 100u);
  EXPECT_EQ(first_bytes, (std::vector<std::uint8_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ((*source)->linkType(), 1);
  EXPECT_FALSE((*source)->isLive());
  EXPECT_EQ((*source)->selectableFd(), -1);
  EXPECT_EQ((*source)->stats()->received_count, 5u);
  std::filesystem::remove(path);
}

TEST(CaptureSourceOffline, AppliesBpfFilter) {
  const auto path = tempFile("b.pcap");
  writePcap(path, 6);
  auto source = CaptureSource::openOffline({path.string(), "ip6"});
  ASSERT_TRUE(source) << source.error().message;
  int count = 0;
  while ((*source)
             ->readBatch(2,
                         [&](const CapturedFrame& f) {
                           EXPECT_EQ(f.data[0] % 2, 1);
                           ++count;
                         })
             .status == DispatchStatus::kFrames) {
  }
  EXPECT_EQ(count, 3);
  std::filesystem::remove(path);
}

TEST(CaptureSourceOffline, StopsOnBreakLoop) {
  const auto path = tempFile("c.pcap");
  writePcap(path, 10);
  auto source = CaptureSource::openOffline({path.string(), ""});
  ASSERT_TRUE(source);
  CaptureSource* raw = source->get();
  int count = 0;
  auto result = raw->readBatch(100, [&](const CapturedFrame&) {
    if (++count == 2) raw->breakLoop();
  });
  EXPECT_EQ(result.status, DispatchStatus::kStopped);
  EXPECT_EQ(count, 2);
  EXPECT_TRUE(raw->stopped());
  EXPECT_EQ(raw->readBatch(100, [&](const CapturedFrame&) { ++count; }).status,
            DispatchStatus::kStopped);
  EXPECT_EQ(count, 2);
  std::filesystem::remove(path);
}

TEST(CaptureSourceOffline, ErrorsNameTheFileAndTheFilter) {
  auto missing = CaptureSource::openOffline({"/nonexistent/x.pcap", ""});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("/nonexistent/x.pcap"), std::string::npos);
  const auto path = tempFile("d.pcap");
  writePcap(path, 1);
  auto bad = CaptureSource::openOffline({path.string(), "proto nonsense"});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("proto nonsense"), std::string::npos);
  std::filesystem::remove(path);
}

TEST(CaptureSourceLive, UnknownInterfaceIsNamed) {
  auto source = CaptureSource::openLive({.interface = "no-such-if0"});
  ASSERT_FALSE(source);
  EXPECT_NE(source.error().message.find("no-such-if0"), std::string::npos);
}

TEST(CaptureSourceLive, CapturesLoopbackUdp) {
  if (geteuid() != 0) GTEST_SKIP() << "live capture needs root";
  const int port = 40000 + getpid() % 20000;
  auto source = CaptureSource::openLive(
      {.interface = "lo", .filter = "udp dst port " + std::to_string(port)});
  ASSERT_TRUE(source) << source.error().message;
  ASSERT_TRUE((*source)->setNonBlocking(true));
  EXPECT_GE((*source)->selectableFd(), 0);
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (int i = 0; i < 3; ++i) {
    sendto(fd, "hello", 5, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  }
  close(fd);
  int count = 0;
  for (int tries = 0; tries < 100 && count < 3; ++tries) {
    (*source)->readBatch(64, [&](const CapturedFrame& f) {
      EXPECT_EQ(f.data.size(), 14u + 20u + 8u + 5u);
      ++count;
    });
    usleep(10000);
  }
  EXPECT_EQ(count, 3);
  EXPECT_GE((*source)->stats()->received_count, 3u);
}

}  // namespace
}  // namespace ovse::erspan::io
