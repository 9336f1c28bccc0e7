// `mirrorctl collect` outputs besides one file: rotation by size (-C) into a ring of files (-W),
// rotation on packet time (-G), re-injection of the inner frames into a TAP device (--tap), and
// live pcapng on standard output into a reader (`-w - | tshark -i -`), checked with capinfos /
// tcpdump / tshark and by the frame numbers erspan_gen writes into each frame.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "erspan/io/capture_source.h"
#include "harness/process.h"
#include "harness/sandbox.h"

namespace ovse::test {
namespace {

namespace fs = std::filesystem;

struct Frame {
  std::uint64_t number = 0;  ///< erspan_gen's frame counter (bytes 14..21 of the inner frame)
  std::uint64_t timestamp_ns = 0;
};

std::vector<Frame> readFrames(const fs::path& path) {
  std::vector<Frame> frames;
  auto source = erspan::io::CaptureSource::openOffline({path.string(), ""});
  EXPECT_TRUE(source) << source.error().message;
  if (!source) return frames;
  while ((*source)
             ->readBatch(256,
                         [&](const erspan::io::CapturedFrame& f) {
                           Frame frame{0, f.timestamp_ns};
                           if (f.data.size() >= 22)
                             std::memcpy(&frame.number, f.data.data() + 14, 8);
                           frames.push_back(frame);
                         })
             .status == erspan::io::DispatchStatus::kFrames) {
  }
  return frames;
}

std::vector<fs::path> filesIn(const fs::path& dir, const std::string& prefix) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename().string().starts_with(prefix)) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A network namespace of the test's own, deleted at its end.
class Namespace {
 public:
  explicit Namespace(std::string name) : name_(std::move(name)) {
    created_ = run({"ip", "netns", "add", name_}).exit_code == 0;
  }
  ~Namespace() { run({"ip", "netns", "del", name_}); }
  Namespace(const Namespace&) = delete;
  Namespace& operator=(const Namespace&) = delete;
  [[nodiscard]] bool created() const { return created_; }
  /// `argv` as a command run inside the namespace.
  [[nodiscard]] std::vector<std::string> exec(std::vector<std::string> argv) const {
    argv.insert(argv.begin(), {"ip", "netns", "exec", name_});
    return argv;
  }

 private:
  std::string name_;
  bool created_ = false;
};

void generate(const fs::path& out, int count, std::vector<std::string> extra = {}) {
  std::vector<std::string> argv{std::string(OVSE_BINARY_DIR) + "/tests/bench/erspan_gen",
                                out.string(), std::to_string(count)};
  argv.insert(argv.end(), extra.begin(), extra.end());
  auto r = run(argv);
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

TEST(CollectOutputs, SizeRotationKeepsTheNewestFilesAsARing) {
  TempDir tmp;
  generate(tmp.path() / "in.pcap", 20000);
  auto r = run({OVSE_MIRRORCTL, "collect", "-r", (tmp.path() / "in.pcap").string(), "--allow-any",
                "-w", (tmp.path() / "ring.pcapng").string(), "-C", "1", "-W", "2", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto files = filesIn(tmp.path(), "ring");
  ASSERT_EQ(files.size(), 2u) << "-W 2 keeps two files";
  std::vector<Frame> kept;
  for (const auto& f : files) {
    EXPECT_LE(fs::file_size(f), 1'000'000u + 512) << f << " exceeds -C 1 by more than a record";
    EXPECT_EQ(run({"capinfos", f.string()}).exit_code, 0) << f;
    auto frames = readFrames(f);
    kept.insert(kept.end(), frames.begin(), frames.end());
  }
  ASSERT_FALSE(kept.empty());
  EXPECT_EQ(kept.back().number, 19999u) << "the newest frames are kept";
  for (std::size_t i = 1; i < kept.size(); ++i) {
    ASSERT_EQ(kept[i].number, kept[i - 1].number + 1) << "no frame missing inside the ring";
  }
  EXPECT_LT(kept.size(), 20000u) << "older files were removed";
}

TEST(CollectOutputs, TimeRotationFollowsPacketTimes) {
  TempDir tmp;
  // 5000 packets 1 ms apart: 5 s of capture time, read in a fraction of a second.
  generate(tmp.path() / "in.pcap", 5000, {"--interval-us", "1000"});
  auto r = run({OVSE_MIRRORCTL, "collect", "-r", (tmp.path() / "in.pcap").string(), "--allow-any",
                "-w", (tmp.path() / "t.pcapng").string(), "-G", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto files = filesIn(tmp.path(), "t-");
  ASSERT_EQ(files.size(), 5u);
  std::size_t total = 0;
  for (const auto& f : files) {
    auto frames = readFrames(f);
    ASSERT_FALSE(frames.empty()) << f;
    EXPECT_LT(frames.back().timestamp_ns - frames.front().timestamp_ns, 1'000'000'000u) << f;
    total += frames.size();
  }
  EXPECT_EQ(total, 5000u);
}

// The analyzer's own tools (Snort, Zeek, tcpdump) read the mirrored frames from a TAP device.
TEST(CollectOutputs, TapReinjectsEveryInnerFrame) {
  OVSE_REQUIRE_SANDBOX();
  TempDir tmp;
  generate(tmp.path() / "in.pcap", 2000);
  const Namespace ns("ovse-tap-" + std::to_string(getpid()));
  ASSERT_TRUE(ns.created());
  const auto in = [&](const std::vector<std::string>& argv) { return run(ns.exec(argv)); };
  ASSERT_EQ(in({"ip", "tuntap", "add", "dev", "ids0", "mode", "tap"}).exit_code, 0);
  in({"sysctl", "-qw", "net.ipv6.conf.ids0.disable_ipv6=1"});
  ASSERT_EQ(in({"ip", "link", "set", "ids0", "up"}).exit_code, 0);
  const fs::path seen = tmp.path() / "seen.pcap";
  Background tcpdump(ns.exec({"tcpdump", "-i", "ids0", "-w", seen.string(), "-B", "8192", "-U",
                              "--immediate-mode", "ether src ab:ab:ab:ab:ab:ab"}),
                     tmp.path() / "tcpdump.log");
  for (int i = 0;
       i < 100 &&
       run({"grep", "-q", "listening on", (tmp.path() / "tcpdump.log").string()}).exit_code != 0;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  auto r = in({OVSE_MIRRORCTL, "collect", "-r", (tmp.path() / "in.pcap").string(), "--allow-any",
               "--tap", "ids0", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Completeness from the kernel's own counters of the TAP; order from tcpdump, which may miss
  // frames (its immediate-mode ring holds 128 of them, and the collector writes faster than it
  // drains: it saw frames 0-127 then 1666 on).
  auto counter = [&](const std::string& name) {
    return std::stoull(in({"cat", "/sys/class/net/ids0/statistics/" + name}).out);
  };
  EXPECT_EQ(counter("rx_packets"), 2000u);
  EXPECT_EQ(counter("rx_bytes"), 2000u * 128);
  EXPECT_EQ(counter("rx_dropped"), 0u);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  tcpdump.stop(SIGINT);
  auto frames = readFrames(seen);
  ASSERT_FALSE(frames.empty()) << run({"cat", (tmp.path() / "tcpdump.log").string()}).out;
  for (std::size_t i = 1; i < frames.size(); ++i) {
    ASSERT_GT(frames[i].number, frames[i - 1].number) << "in order";
  }
}

// `-w - | wireshark -k -i -`: each frame reaches the reader while the capture goes on, within
// a second of being sent (live input, so TPACKET_V3 block timeout and wake-up moderation apply).
TEST(CollectOutputs, LiveStdoutStreamsEachFrameToTheReaderWithinASecond) {
  OVSE_REQUIRE_SANDBOX();
  TempDir tmp;
  const Namespace ns("ovse-stream-" + std::to_string(getpid()));
  ASSERT_TRUE(ns.created());
  const auto in = [&](const std::vector<std::string>& argv) { return run(ns.exec(argv)); };
  ASSERT_EQ(in({"ip", "link", "add", "st0", "type", "veth", "peer", "name", "st1"}).exit_code, 0);
  for (const char* dev : {"st0", "st1"}) {
    in({"sysctl", "-qw", std::string("net.ipv6.conf.") + dev + ".disable_ipv6=1"});
    ASSERT_EQ(in({"ip", "link", "set", dev, "up"}).exit_code, 0);
  }
  const fs::path log = tmp.path() / "collect.log";
  const fs::path decoded = tmp.path() / "tshark.out";
  Background pipeline(ns.exec({"sh", "-c",
                               std::string(OVSE_MIRRORCTL) + " collect -i st1 --allow-any -w - 2>" +
                                   log.string() + " | tshark -l -n -i - >" + decoded.string()}),
                      tmp.path() / "tshark.log");
  for (int i = 0; i < 100 && run({"grep", "-q", "listening on", log.string()}).exit_code != 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  constexpr int kFrames = 5;
  // One ERSPAN II packet every 0.4 s; the sender prints the wall time of each.
  const std::string sender =
      "import sys, time\n"
      "from scapy.all import Ether, IP, GRE, UDP, Raw, sendp\n"
      "from scapy.contrib.erspan import ERSPAN_II\n"
      "for i in range(" +
      std::to_string(kFrames) +
      "):\n"
      "    inner = Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02') / "
      "IP(src='10.0.0.1', dst='10.0.0.2') / UDP(sport=1000 + i, dport=2) / Raw(b'x' * 32)\n"
      "    p = Ether(src='02:00:00:00:00:0a', dst='02:00:00:00:00:0b') / "
      "IP(src='10.98.0.1', dst='10.98.0.2') / "
      "GRE(seqnum_present=1, seqence_number=i + 1, proto=0x88BE) / "
      "ERSPAN_II(ver=1, session_id=7) / inner\n"
      "    sendp(p, iface='st0', verbose=False)\n"
      "    print(time.time(), flush=True)\n"
      "    time.sleep(0.4)\n";
  const fs::path sent = tmp.path() / "sent.log";
  Background send(ns.exec({"/usr/bin/python3", "-c", sender}), sent);
  // When each line of tshark's output appeared (wall clock, like the sender's).
  std::vector<double> appeared;
  const auto now = [] {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  for (int i = 0; i < 1500 && static_cast<int>(appeared.size()) < kFrames; ++i) {
    std::ifstream f(decoded);
    const auto lines = static_cast<std::size_t>(
        std::count(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>(), '\n'));
    while (appeared.size() < lines) appeared.push_back(now());
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(send.stop(0), 0);
  EXPECT_TRUE(pipeline.running()) << "the collector must still be capturing";
  run({"pkill", "-INT", "-P", std::to_string(pipeline.pid()), "mirrorctl"});  // ends tshark too
  pipeline.stop(SIGTERM);
  std::ifstream sent_file(sent);
  std::vector<double> sent_at;
  for (std::string line; std::getline(sent_file, line);) {
    if (!line.empty() && std::isdigit(static_cast<unsigned char>(line[0])))
      sent_at.push_back(std::stod(line));  // scapy's warnings share the log
  }
  ASSERT_EQ(sent_at.size(), static_cast<std::size_t>(kFrames));
  ASSERT_EQ(appeared.size(), static_cast<std::size_t>(kFrames))
      << run({"cat", decoded.string(), log.string()}).out;
  // The first frame also pays for tshark reading the section and interface headers and setting
  // up its dissectors (seen: 1.07 s on a loaded machine); the frames after it show the stream.
  for (int i = 0; i < kFrames; ++i) {
    EXPECT_LT(appeared[i] - sent_at[i], i == 0 ? 2.0 : 1.0)
        << "frame " << i << " reached tshark late";
  }
  std::ifstream decoded_file(decoded);
  std::stringstream text;
  text << decoded_file.rdbuf();
  EXPECT_NE(text.str().find("10.0.0.1"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("1004"), std::string::npos) << "the inner UDP ports: " << text.str();
}

}  // namespace
}  // namespace ovse::test
