// `mirrorctl collect` under a flood of spoofed exporter addresses (issue #16): 5,000 sources of
// one ERSPAN packet each, offline and live (a veth in a namespace of the test's own), with real
// exporters' packets interleaved. Peak RSS stays within 256 MiB, descriptors within
// --max-outputs, every real packet is written (counted with tshark), and the start refuses
// without --allow / --allow-any. Packets are built by scapy (flood_pcap.py).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "harness/process.h"
#include "harness/sandbox.h"

namespace ovse::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kSpoofed = 5000;
constexpr std::uint64_t kRssGoalKib = 256u * 1024u;
/// A real exporter sending often (its file stays open) and one sending rarely (its file is
/// closed for --max-outputs between its packets and goes on in new files).
const std::vector<std::string> kReal = {"192.0.2.1:7:10", "192.0.2.2:8:700"};

std::string floodScript() {
  return sourcePath("tests/integration/collector/flood_pcap.py").string();
}

/// Packets per real exporter address, from flood_pcap.py's output ("ip:count ...").
std::map<std::string, int> parseSent(const std::string& out) {
  std::map<std::string, int> sent;
  std::istringstream in(out);
  std::string item;
  while (in >> item)
    sent[item.substr(0, item.find(':'))] = std::stoi(item.substr(item.find(':') + 1));
  return sent;
}

std::map<std::string, int> writeFlood(const fs::path& pcap, int spoofed) {
  std::vector<std::string> argv{"/usr/bin/python3", floodScript(), pcap.string(),
                                std::to_string(spoofed)};
  argv.insert(argv.end(), kReal.begin(), kReal.end());
  auto r = run(argv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return parseSent(r.out);
}

std::vector<fs::path> filesOf(const fs::path& dir, const std::string& prefix) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename().string().starts_with(prefix)) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// The real exporters' frames (inner UDP to 4242) in `files`, as tshark reads them (one tshark
/// over the files concatenated by mergecap: tshark takes most of a second to start).
int realFrames(const std::vector<fs::path>& files) {
  if (files.empty()) return 0;
  const fs::path merged = files.front().string() + ".merged";
  std::vector<std::string> argv{"mergecap", "-a", "-w", merged.string()};
  for (const auto& f : files) argv.push_back(f.string());
  auto m = run(argv);
  EXPECT_EQ(m.exit_code, 0) << m.err;
  auto r = run({"tshark", "-r", merged.string(), "-Y", "udp.dstport == 4242", "-T", "fields", "-e",
                "frame.number"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  fs::remove(merged);
  return static_cast<int>(std::count(r.out.begin(), r.out.end(), '\n'));
}

std::uint64_t total(const std::map<std::string, int>& sent) {
  std::uint64_t n = kSpoofed;
  for (const auto& [ip, count] : sent) n += count;
  return n;
}

/// pcapng block types in `file` (little-endian, as the collector writes), in order.
std::vector<std::uint32_t> blockTypes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::vector<std::uint32_t> types;
  std::uint32_t header[2];
  while (in.read(reinterpret_cast<char*>(header), sizeof header)) {
    types.push_back(header[0]);
    if (header[1] < 12) break;
    in.seekg(header[1] - 8, std::ios::cur);
  }
  return types;
}

/// Both real exporters' frames all written: the frequent one in one file, the rare one in
/// several (its file was closed for --max-outputs between its packets, never overwritten).
void expectRealExportersWritten(const fs::path& dir, std::map<std::string, int> sent) {
  const auto frequent = filesOf(dir, "192.0.2.1_7");
  const auto rare = filesOf(dir, "192.0.2.2_8");
  EXPECT_EQ(frequent.size(), 1u);
  EXPECT_GE(rare.size(), 2u) << "the rare exporter's file is closed and reopened anew";
  // A file closed for --max-outputs is finished as at a rotation: interface statistics last.
  constexpr std::uint32_t kIsb = 5;
  for (const auto& f : rare) EXPECT_EQ(blockTypes(f).back(), kIsb) << f;
  EXPECT_EQ(realFrames(frequent), sent["192.0.2.1"]);
  EXPECT_EQ(realFrames(rare), sent["192.0.2.2"]);
}

TEST(CollectFlood, OfflineFiveThousandSpoofedExportersStayWithinTheCaps) {
  TempDir tmp;
  const auto sent = writeFlood(tmp.path() / "in.pcap", kSpoofed);
  ASSERT_EQ(sent.size(), 2u);
  const fs::path out = tmp.path() / "out";
  // The descriptor limit leaves room for --max-outputs 256 and nothing like 5,000: opening more
  // would fail with EMFILE and count write errors.
  auto r = run({"prlimit", "--nofile=330:330", "/usr/bin/time", "-f", "maxrss_kib %M",
                OVSE_MIRRORCTL, "collect", "-r", (tmp.path() / "in.pcap").string(), "--allow-any",
                "--max-sessions", "16384", "-w", (out / "%e_%s.pcapng").string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto summary = json::parse(r.out);
  const std::size_t at = r.err.rfind("maxrss_kib ");
  ASSERT_NE(at, std::string::npos) << r.err;
  const std::uint64_t rss_kib = std::stoull(r.err.substr(at + 11));
  std::cout << "offline, " << kSpoofed << " spoofed exporters: peak RSS " << rss_kib / 1024
            << " MiB, files " << summary["files_opened"] << ", closed for --max-outputs "
            << summary["files_closed_for_max_outputs"] << "\n";
  EXPECT_LE(rss_kib, kRssGoalKib);
  EXPECT_EQ(summary["written"].get<std::uint64_t>(), total(sent));
  EXPECT_EQ(summary["write_errors"], 0);
  EXPECT_EQ(summary["write_dropped"], 0);
  EXPECT_EQ(summary["session_limit"], 0);
  EXPECT_GE(summary["files_closed_for_max_outputs"].get<std::uint64_t>(), total(sent) - 256 - 500);
  expectRealExportersWritten(out, sent);
}

TEST(CollectFlood, AllowListRejectsSpoofedExportersAndCountsThem) {
  TempDir tmp;
  const auto sent = writeFlood(tmp.path() / "in.pcap", kSpoofed);
  const fs::path out = tmp.path() / "out";
  auto r =
      run({OVSE_MIRRORCTL, "collect", "-r", (tmp.path() / "in.pcap").string(), "--allow",
           "192.0.2.0/24", "--max-outputs", "1", "-w", (out / "%e_%s.pcapng").string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto summary = json::parse(r.out);
  EXPECT_EQ(summary["rejected_exporter"], kSpoofed);
  EXPECT_EQ(summary["sessions"].size(), 2u);
  // --max-outputs 1: each exporter's packet closes the other's file.
  EXPECT_GT(summary["files_closed_for_max_outputs"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(realFrames(filesOf(out, "192.0.2.1_7")), sent.at("192.0.2.1"));
  EXPECT_EQ(realFrames(filesOf(out, "192.0.2.2_8")), sent.at("192.0.2.2"));
}

TEST(CollectFlood, SessionsPastMaxSessionsAreCountedAndDropped) {
  TempDir tmp;
  const auto sent = writeFlood(tmp.path() / "in.pcap", 300);
  const fs::path out = tmp.path() / "out";
  const std::vector<std::string> argv{
      OVSE_MIRRORCTL,   "collect", "-r", (tmp.path() / "in.pcap").string(), "--allow-any",
      "--max-sessions", "50",      "-w", (out / "%e_%s.pcapng").string()};
  auto r = run(argv);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The two real exporters come first, then 48 spoofed sessions: 252 spoofed packets dropped.
  EXPECT_NE(r.out.find("over --max-sessions 252"), std::string::npos) << r.out;
  auto with_json = argv;
  with_json.push_back("--json");
  fs::remove_all(out);
  r = run(with_json);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto summary = json::parse(r.out);
  EXPECT_EQ(summary["session_limit"], 252);
  EXPECT_EQ(summary["sessions"].size(), 50u);
  EXPECT_EQ(realFrames(filesOf(out, "192.0.2.1_7")), sent.at("192.0.2.1"));
}

TEST(CollectFlood, RefusesToStartWithoutAllowOrAllowAny) {
  TempDir tmp;
  writeFlood(tmp.path() / "in.pcap", 10);
  const std::string in = (tmp.path() / "in.pcap").string();
  const std::string w = (tmp.path() / "x.pcapng").string();
  for (const auto& argv : std::vector<std::vector<std::string>>{
           {OVSE_MIRRORCTL, "collect", "-r", in, "-w", w},
           {OVSE_MIRRORCTL, "collect", "-i", "lo", "-w", w},
           {OVSE_MIRRORCTL, "collect", "-r", in, "-w", w, "--allow", "10.0.0.1", "--allow-any"}}) {
    auto r = run(argv);
    EXPECT_EQ(r.exit_code, 2) << argv.back();
    EXPECT_NE(r.err.find("--allow-any"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--allow CIDR"), std::string::npos) << r.err;
  }
  EXPECT_FALSE(fs::exists(w)) << "nothing is written before the flags are right";
  // --max-outputs beyond the descriptor limit is refused, not discovered as EMFILE later.
  auto r = run(
      {"prlimit", "--nofile=200:200", OVSE_MIRRORCTL, "collect", "-r", in, "-w", w, "--allow-any"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--max-outputs 256 needs 320 descriptors"), std::string::npos) << r.err;
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
  [[nodiscard]] std::vector<std::string> exec(std::vector<std::string> argv) const {
    argv.insert(argv.begin(), {"ip", "netns", "exec", name_});
    return argv;
  }

 private:
  std::string name_;
  bool created_ = false;
};

/// The collector's --stats-json once `done` holds for it (polled; written every second), or
/// the last one after 50 s (creating 5,000 files takes a few seconds, more on a busy machine).
json waitForStats(const fs::path& path, const std::function<bool(const json&)>& done) {
  json stats;
  for (int i = 0; i < 500; ++i) {
    std::ifstream in(path);
    stats = json::parse(in, nullptr, false);
    if (!stats.is_discarded() && done(stats)) return stats;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return stats;
}

std::uint64_t statusKib(int pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(field + ":")) return std::stoull(line.substr(field.size() + 1));
  }
  return 0;
}

TEST(CollectFlood, LiveFiveThousandSpoofedExportersStayWithinTheCaps) {
  OVSE_REQUIRE_SANDBOX();
  TempDir tmp;
  const Namespace ns("ovse-flood-" + std::to_string(getpid()));
  ASSERT_TRUE(ns.created());
  const auto in = [&](const std::vector<std::string>& argv) { return run(ns.exec(argv)); };
  ASSERT_EQ(in({"ip", "link", "add", "fl0", "type", "veth", "peer", "name", "fl1"}).exit_code, 0);
  for (const char* dev : {"fl0", "fl1"}) {
    in({"sysctl", "-qw", std::string("net.ipv6.conf.") + dev + ".disable_ipv6=1"});
    ASSERT_EQ(in({"ip", "link", "set", dev, "up"}).exit_code, 0);
  }
  const fs::path out = tmp.path() / "out";
  const fs::path stats_path = tmp.path() / "stats.json";
  Background collector(
      ns.exec({OVSE_MIRRORCTL, "collect", "-i", "fl1", "--allow-any", "--max-sessions", "16384",
               "-w", (out / "%e_%s.pcapng").string(), "--stats-json", stats_path.string()}),
      tmp.path() / "collect.log");
  // The first statistics are written after the capture opened.
  ASSERT_FALSE(waitForStats(stats_path, [](const json&) { return true; }).is_discarded());
  std::vector<std::string> send{"/usr/bin/python3", floodScript(), "--send", "fl0",
                                std::to_string(kSpoofed)};
  send.insert(send.end(), kReal.begin(), kReal.end());
  auto r = in(send);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto sent = parseSent(r.out);
  const std::uint64_t expected = total(sent);
  const json stats = waitForStats(stats_path, [&](const json& s) {
    return s["decapsulated"].get<std::uint64_t>() >= expected;
  });
  ASSERT_EQ(stats["decapsulated"].get<std::uint64_t>(), expected);
  std::size_t fds = 0;
  for ([[maybe_unused]] const auto& e :
       fs::directory_iterator("/proc/" + std::to_string(collector.pid()) + "/fd")) {
    ++fds;
  }
  const std::uint64_t hwm_kib = statusKib(collector.pid(), "VmHWM");
  std::cout << "live, " << kSpoofed << " spoofed exporters: peak RSS " << hwm_kib / 1024
            << " MiB, descriptors " << fds << "\n";
  EXPECT_LE(fds, 256u + 16u) << "--max-outputs 256 plus the capture and stdio";
  EXPECT_LE(hwm_kib, kRssGoalKib);
  EXPECT_EQ(collector.stop(SIGINT), 0);
  std::ifstream final_in(stats_path);
  const json final_stats = json::parse(final_in);
  EXPECT_EQ(final_stats["capture"]["kernel_dropped"], 0);
  EXPECT_EQ(final_stats["written"].get<std::uint64_t>(), expected);
  EXPECT_EQ(final_stats["write_errors"], 0);
  expectRealExportersWritten(out, sent);
}

}  // namespace
}  // namespace ovse::test
