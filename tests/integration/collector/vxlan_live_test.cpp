// Live VXLAN reception: a Linux `vxlan` device in an "exporter" namespace sends frames over a
// 9001-MTU veth to the collector's namespace; `mirrorctl collect -i` writes them byte-exact
// (read back with tshark), jumbo frames whole, also while a kernel vxlan device on the collector's
// side is bound to the same port 4789 and GRO is on there (AF_PACKET sees packets before the
// kernel's UDP socket takes them).
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "harness/process.h"
#include "harness/sandbox.h"

namespace ovse::test {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr int kFrames = 40;

/// Two namespaces joined by a veth (MTU 9001): "exporter" 10.77.0.1 with vxlan device vx0 (VNI
/// 42 to 10.77.0.2:4789, MTU 8951) and "collector" 10.77.0.2 on vB. Deleted at the end.
class VxlanLink {
 public:
  VxlanLink()
      : exporter_("ovse-vx-" + std::to_string(getpid()) + "-e"),
        collector_("ovse-vx-" + std::to_string(getpid()) + "-c") {
    const std::string e = exporter_, c = collector_;
    const auto r = runShell(
        "set -e; ip netns add " + e + "; ip netns add " + c +
        // No IPv6: its neighbour discovery would add frames of the kernel's own to the tunnel.
        "; for n in " + e + " " + c +
        "; do ip netns exec $n sysctl -qw net.ipv6.conf.all.disable_ipv6=1 "
        "net.ipv6.conf.default.disable_ipv6=1; done"
        "; ip link add vA netns " + e + " type veth peer name vB netns " + c +
        "; ip -n " + e + " link set vA mtu 9001 up; ip -n " + e + " addr add 10.77.0.1/24 dev vA" +
        "; ip -n " + c + " link set vB mtu 9001 up; ip -n " + c + " addr add 10.77.0.2/24 dev vB" +
        "; ip -n " + e +
        " link add vx0 type vxlan id 42 remote 10.77.0.2 local 10.77.0.1 dstport 4789 dev vA"
        "; ip -n " + e + " link set vx0 mtu 8951 up");
    ready_ = r.exit_code == 0;
    error_ = r.err;
  }
  ~VxlanLink() { runShell("ip netns del " + exporter_ + "; ip netns del " + collector_); }
  VxlanLink(const VxlanLink&) = delete;
  VxlanLink& operator=(const VxlanLink&) = delete;

  [[nodiscard]] bool ready() const { return ready_; }
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] std::vector<std::string> inExporter(std::vector<std::string> argv) const {
    argv.insert(argv.begin(), {"ip", "netns", "exec", exporter_});
    return argv;
  }
  [[nodiscard]] std::vector<std::string> inCollector(std::vector<std::string> argv) const {
    argv.insert(argv.begin(), {"ip", "netns", "exec", collector_});
    return argv;
  }
  [[nodiscard]] const std::string& collectorNs() const { return collector_; }

 private:
  std::string exporter_;
  std::string collector_;
  bool ready_ = false;
  std::string error_;
};

/// The collector's --stats-json once `done` holds (polled), or the last after 20 s.
json waitForStats(const fs::path& path, const std::function<bool(const json&)>& done) {
  json stats;
  for (int i = 0; i < 200; ++i) {
    std::ifstream in(path);
    stats = json::parse(in, nullptr, false);
    if (!stats.is_discarded() && done(stats)) return stats;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return stats;
}

/// The frames of a capture as tshark reads them, hex.
std::vector<std::string> tsharkFrames(const fs::path& file) {
  const auto r = run({"tshark", "-r", file.string(), "-T", "json", "-x"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> frames;
  for (const auto& p : json::parse(r.out)) frames.push_back(p["_source"]["layers"]["frame_raw"][0]);
  return frames;
}

/// Sends kFrames through vx0 while collecting on vB; checks every frame arrived byte-exact.
void sendAndCheck(const VxlanLink& link, const TempDir& tmp) {
  const fs::path out = tmp.path() / "out";
  const fs::path stats_path = tmp.path() / "stats.json";
  Background collector(
      link.inCollector({OVSE_MIRRORCTL, "collect", "-i", "vB", "--allow", "10.77.0.1", "-w",
                        (out / "%t-%e-%s.pcapng").string(), "--stats-json", stats_path.string()}),
      tmp.path() / "collect.log");
  ASSERT_FALSE(waitForStats(stats_path, [](const json&) { return true; }).is_discarded());
  const auto sent = run(link.inExporter(
      {"/usr/bin/python3", sourcePath("tests/integration/collector/vxlan_send.py").string(), "vx0",
       std::to_string(kFrames)}));
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  const auto expected = json::parse(sent.out).get<std::vector<std::string>>();
  waitForStats(stats_path, [](const json& s) { return s["vxlan"].get<int>() >= kFrames; });
  ASSERT_EQ(collector.stop(SIGINT), 0);
  std::ifstream final_in(stats_path);
  const json stats = json::parse(final_in);
  EXPECT_EQ(stats["vxlan"], kFrames) << stats.dump(2);
  EXPECT_EQ(stats["capture"]["kernel_dropped"], 0);
  ASSERT_EQ(stats["sessions"].size(), 1u) << stats.dump(2);
  EXPECT_EQ(stats["sessions"][0]["interface"], "vxlan-10.77.0.1-vni42");
  EXPECT_TRUE(stats["sessions"][0]["lost"].is_null());
  const auto got = tsharkFrames(out / "vxlan-10.77.0.1-42.pcapng");
  EXPECT_EQ(got, expected);
  std::size_t jumbo = 0;
  for (const auto& f : got) jumbo += f.size() / 2 == 9001 - 36;
  EXPECT_EQ(jumbo, static_cast<std::size_t>(kFrames / 4));
}

TEST(VxlanLive, LinuxVxlanDeviceFramesArriveByteExact) {
  OVSE_REQUIRE_SANDBOX();
  if (!haveProgram("tshark")) GTEST_SKIP() << "needs tshark";
  const VxlanLink link;
  ASSERT_TRUE(link.ready()) << link.error();
  const TempDir tmp;
  sendAndCheck(link, tmp);
}

TEST(VxlanLive, AKernelVxlanDeviceOnTheSamePortTakesNothingFromTheCollector) {
  OVSE_REQUIRE_SANDBOX();
  if (!haveProgram("tshark")) GTEST_SKIP() << "needs tshark";
  const VxlanLink link;
  ASSERT_TRUE(link.ready()) << link.error();
  // The kernel's own VXLAN endpoint on the collector's side, bound to 4789, with GRO on vB.
  const auto r = run(link.inCollector(
      {"sh", "-c",
       "ip link add vx1 type vxlan id 42 remote 10.77.0.1 local 10.77.0.2 dstport 4789 dev vB && "
       "ip link set vx1 mtu 8951 up && ethtool -K vB gro on"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const TempDir tmp;
  sendAndCheck(link, tmp);
  // ... and the kernel device received them all too.
  const auto rx = run(link.inCollector({"cat", "/sys/class/net/vx1/statistics/rx_packets"}));
  EXPECT_EQ(std::stoi(rx.out), kFrames);
}

}  // namespace
}  // namespace ovse::test
