// `mirrorctl collect` against OVS's own ERSPAN v1/v2, VXLAN and Geneve tunnel ports: a mirror of
// vm1 (ping + an iperf3 TCP flow) reaches the collector namespace; inner frames equal what vm1
// sent and received, v2 carries the direction, no loss (ERSPAN) or loss not measurable (VXLAN,
// Geneve: no sequence numbers). Also disk full on a small tmpfs.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "erspan/io/capture_source.h"
#include "harness/sandbox.h"

namespace ovse::test {
namespace {

using Frames = std::vector<std::vector<std::uint8_t>>;

/// Starts `command` in `netns` in the background (bounded by timeout); returns its pid.
int spawnIn(const std::string& netns, const std::string& command, const std::string& log) {
  auto r = runShell("ip netns exec " + netns + " timeout 60 " + command + " >" + log + " 2>" + log +
                    ".err & echo $!");
  return std::stoi(r.out);
}

/// SIGINT to `pid`, then waits (up to 10 s) until it is gone.
void interruptAndWait(int pid) {
  kill(pid, SIGINT);
  for (int i = 0; i < 1000 && kill(pid, 0) == 0; ++i) usleep(10000);
}

Frames readFrames(const std::string& path, const std::string& filter) {
  Frames frames;
  auto source = erspan::io::CaptureSource::openOffline({path, filter});
  EXPECT_TRUE(source) << source.error().message;
  if (!source) return frames;
  while ((*source)
             ->readBatch(64,
                         [&](const erspan::io::CapturedFrame& f) {
                           frames.emplace_back(f.data.begin(), f.data.end());
                         })
             .status == erspan::io::DispatchStatus::kFrames) {
  }
  std::sort(frames.begin(), frames.end());
  return frames;
}

/// OVS's own tunnel port types a mirror can output to: ERSPAN v1 ("erspan1"), v2 ("erspan2"),
/// "vxlan" and "geneve"; key (session ID or VNI) 123.
void addTunnelMirror(Sandbox& sb, const std::string& tunnel) {
  const bool erspan = tunnel.starts_with("erspan");
  std::vector<std::string> port = {"add-port",
                                   "br0",
                                   "t1",
                                   "--",
                                   "set",
                                   "interface",
                                   "t1",
                                   "type=" + (erspan ? std::string("erspan") : tunnel),
                                   "options:remote_ip=10.99.0.2",
                                   "options:key=123"};
  if (tunnel == "erspan1") port.insert(port.end(), {"options:erspan_ver=1", "options:erspan_idx=3"});
  if (tunnel == "erspan2") {
    port.insert(port.end(),
                {"options:erspan_ver=2", "options:erspan_dir=1", "options:erspan_hwid=7"});
  }
  ASSERT_EQ(sb.vsctl(port).exit_code, 0);
  ASSERT_EQ(sb.vsctl({"--",
                      "--id=@p",
                      "get",
                      "port",
                      "t1",
                      "--",
                      "--id=@s",
                      "get",
                      "port",
                      "vm1",
                      "--",
                      "--id=@m",
                      "create",
                      "mirror",
                      "name=m",
                      "select-src-port=@s",
                      "select-dst-port=@s",
                      "output-port=@p",
                      "--",
                      "set",
                      "bridge",
                      "br0",
                      "mirrors=@m"})
                .exit_code,
            0);
}

class CollectFromOvs : public ::testing::TestWithParam<std::string> {};

TEST_P(CollectFromOvs, InnerFramesMatchWhatTheVmSentWithoutLoss) {
  OVSE_REQUIRE_SANDBOX();
  const std::string tunnel = GetParam();
  TempDir tmp;
  const std::string dir = tmp.path().string();
  Sandbox sb;
  sb.addVm("vm1", "10.0.0.1/24");
  sb.addVm("vm2", "10.0.0.2/24");
  sb.addCollector("col", "10.99.0.2/24", "10.99.0.1/24");
  addTunnelMirror(sb, tunnel);
  // OVS's userspace ERSPAN neither truncates nor fragments: a 1514-byte frame + 50 bytes of
  // encapsulation exceeds the 1500-byte underlay and is dropped after taking a GRE sequence
  // number (seen as loss). Keep the VMs' frames small enough to be mirrored whole.
  for (const char* vm : {"vm1", "vm2"}) {
    ASSERT_EQ(sb.exec(vm, {"ip", "link", "set", "eth0", "mtu", "1400"}).exit_code, 0);
    // tcpdump in the VM would otherwise see GSO super-frames that never exist on the wire.
    sb.exec(vm, {"ethtool", "-K", "eth0", "tso", "off", "gso", "off", "gro", "off"});
  }
  const int server = spawnIn(sb.netns("vm2"), "iperf3 -s -1", dir + "/iperf-s.log");
  const int collector =
      spawnIn(sb.netns("col"),
              std::string(OVSE_MIRRORCTL) + " collect -i eth0 --allow 10.99.0.0/24 --json -w " +
                  dir + "/out.pcapng",
              dir + "/collect.json");
  const int sniffer =
      spawnIn(sb.netns("vm1"), "tcpdump -i eth0 -w " + dir + "/vm1.pcap", dir + "/tcpdump.log");
  // Both captures must be running before the first packet.
  for (int i = 0;
       i < 100 && runShell("grep -q 'listening on' " + dir + "/tcpdump.log.err").exit_code != 0;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_EQ(sb.exec("vm1", {"ping", "-c", "5", "-i", "0.2", "10.0.0.2"}).exit_code, 0);
  EXPECT_EQ(sb.exec("vm1", {"iperf3", "-c", "10.0.0.2", "-n", "300K"}).exit_code, 0);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  interruptAndWait(sniffer);
  interruptAndWait(collector);
  interruptAndWait(server);

  // ICMP must match exactly. For the TCP flow every collected frame must be one vm1 sent or
  // received; OVS's userspace datapath was seen to leave a few percent of a fast flow's frames
  // unmirrored (no GRE sequence gap: they never took a number), so coverage is checked >= 90%.
  EXPECT_EQ(readFrames(dir + "/out.pcapng", "icmp"), readFrames(dir + "/vm1.pcap", "icmp"));
  const std::string flows = "icmp or tcp port 5201";
  const Frames sent = readFrames(dir + "/vm1.pcap", flows);
  const Frames got = readFrames(dir + "/out.pcapng", flows);
  EXPECT_GT(sent.size(), 20u);
  EXPECT_TRUE(std::includes(sent.begin(), sent.end(), got.begin(), got.end()))
      << "collector wrote frames vm1 never sent or received";
  EXPECT_GE(got.size() * 10, sent.size() * 9) << got.size() << " of " << sent.size();
  std::ifstream in(dir + "/collect.json");
  const auto summary = nlohmann::json::parse(in, nullptr, false);
  ASSERT_FALSE(summary.is_discarded()) << runShell("cat " + dir + "/collect.json").out;
  ASSERT_EQ(summary["sessions"].size(), 1u);
  const auto& session = summary["sessions"][0];
  if (!tunnel.starts_with("erspan")) {
    EXPECT_TRUE(summary["lost"].is_null()) << summary.dump();
    EXPECT_EQ(session["loss"], "not measurable");
    EXPECT_EQ(session["vni"], 123);
    EXPECT_EQ(session["type"], tunnel == "vxlan" ? "VXLAN" : "Geneve");
    EXPECT_EQ(session["interface"], tunnel + "-10.99.0.1-vni123");
    return;
  }
  EXPECT_EQ(summary["lost"], 0);
  EXPECT_EQ(session["session_id"], 123);
  EXPECT_EQ(session["type"], tunnel == "erspan1" ? "II" : "III");
  if (tunnel == "erspan2") {
    auto flags = runShell("tshark -r " + dir +
                          "/out.pcapng -T fields -e frame.packet_flags_direction | sort -u");
    EXPECT_EQ(flags.out, "0x00000002\n");  // erspan_dir=1: egress → outbound
  }
}

INSTANTIATE_TEST_SUITE_P(OvsTunnels, CollectFromOvs,
                         ::testing::Values("erspan1", "erspan2", "vxlan", "geneve"));

TEST(CollectDiskFull, FileStaysReadableErrorIsClearAndWritingResumes) {
  OVSE_REQUIRE_SANDBOX();
  TempDir tmp;
  const std::string dir = tmp.path().string();
  const std::string mnt = dir + "/mnt";
  std::filesystem::create_directory(mnt);
  ASSERT_EQ(mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=1m"), 0);
  struct Unmount {
    std::string path;
    ~Unmount() { umount2(path.c_str(), MNT_DETACH); }
  } unmount{mnt};
  ASSERT_EQ(
      run({std::string(OVSE_BINARY_DIR) + "/tests/bench/erspan_gen", dir + "/in.pcap", "20000"})
          .exit_code,
      0);
  auto r = run({OVSE_MIRRORCTL, "collect", "-r", dir + "/in.pcap", "--allow-any", "-w",
                mnt + "/out.pcapng", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(mnt + "/out.pcapng"), std::string::npos) << r.err;
  auto check = run({"tshark", "-r", mnt + "/out.pcapng", "-q"});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  const auto summary = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(summary.is_discarded()) << r.out;
  EXPECT_GT(summary["write_dropped"].get<int>(), 0);
  EXPECT_EQ(summary["written"].get<int>() + summary["write_dropped"].get<int>(), 20000);
}

}  // namespace
}  // namespace ovse::test
