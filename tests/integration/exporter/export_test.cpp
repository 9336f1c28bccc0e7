// `mirrorctl export` on a sandbox hypervisor: OVS mirrors a VM's port (ingress and egress to two
// internal ports), the exporter reads them and sends ERSPAN to a collector namespace, where
// tcpdump + tshark (independent) and `mirrorctl collect` (ours) check what arrived.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "harness/capture.h"
#include "harness/sandbox.h"

namespace ovse::test {
namespace {

using nlohmann::json;

constexpr const char* kCollectorIp = "10.9.0.2";

// A sandbox with vm1, vm2, a collector behind br-ul, and vm1's traffic mirrored by OVS: what vm1
// sends (switch ingress) to internal port mxi, what it receives (switch egress) to mxe.
class ExportIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    OVSE_REQUIRE_SANDBOX();
    sb_ = std::make_unique<Sandbox>();
    sb_->addVm("vm1", "10.0.0.1/24");
    sb_->addVm("vm2", "10.0.0.2/24");
    sb_->addCollector("col", std::string(kCollectorIp) + "/24", "10.9.0.1/24");
    for (const char* port : {"mxi", "mxe"}) {
      ASSERT_EQ(
          sb_->vsctl({"add-port", "br0", port, "--", "set", "interface", port, "type=internal"})
              .exit_code,
          0);
      // No host traffic on the mirror ports (IPv6 router solicitations and the like).
      sb_->exec("hv", {"sysctl", "-qw", std::string("net.ipv6.conf.") + port + ".disable_ipv6=1"});
      ASSERT_EQ(sb_->exec("hv", {"ip", "link", "set", port, "up"}).exit_code, 0);
    }
    const auto r = sb_->vsctl({"--",
                               "--id=@i",
                               "get",
                               "port",
                               "mxi",
                               "--",
                               "--id=@e",
                               "get",
                               "port",
                               "mxe",
                               "--",
                               "--id=@v",
                               "get",
                               "port",
                               "vm1",
                               "--",
                               "--id=@mi",
                               "create",
                               "mirror",
                               "name=in",
                               "select-src-port=@v",
                               "output-port=@i",
                               "--",
                               "--id=@me",
                               "create",
                               "mirror",
                               "name=out",
                               "select-dst-port=@v",
                               "output-port=@e",
                               "--",
                               "set",
                               "bridge",
                               "br0",
                               "mirrors=@mi,@me"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // Warm up ARP between the VMs so the measured traffic is only what the test sends.
    sb_->exec("vm1", {"ping", "-c", "1", "-W", "2", "10.0.0.2"});
  }

  // Starts the exporter in the hypervisor namespace; waits for its first stats file.
  void startExporter(std::vector<std::string> flags) {
    stats_ = tmp_.path() / "stats.json";
    std::vector<std::string> argv = {"ip",           "netns",        "exec",     sb_->netns("hv"),
                                     OVSE_MIRRORCTL, "export",       "--in",     "mxi:ingress",
                                     "--in",         "mxe:egress",   "--remote", kCollectorIp,
                                     "--stats-json", stats_.string()};
    argv.insert(argv.end(), flags.begin(), flags.end());
    exporter_ = std::make_unique<Background>(argv, tmp_.path() / "export.log");
    for (int i = 0; i < 300 && !std::filesystem::exists(stats_); ++i) usleep(10000);
    ASSERT_TRUE(std::filesystem::exists(stats_)) << log();
  }

  // SIGINT, then the final counters.
  json stopExporter() {
    EXPECT_EQ(exporter_->stop(SIGINT), 0) << log();
    std::ifstream in(stats_);
    return json::parse(in);
  }

  std::string log() {
    std::ifstream in(tmp_.path() / "export.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  void ping(const std::string& extra_count, const std::string& interval, int size = 56) {
    sb_->exec("vm1", {"ping", "-q", "-c", extra_count, "-i", interval, "-s", std::to_string(size),
                      "-W", "1", "10.0.0.2"});
  }

  std::unique_ptr<PacketCapture> capture(const std::string& name) {
    return std::make_unique<PacketCapture>(*sb_, "col", "eth0", tmp_.path() / name, "proto gre");
  }

  TempDir tmp_;
  std::unique_ptr<Sandbox> sb_;
  std::unique_ptr<Background> exporter_;
  std::filesystem::path stats_;
};

std::uint64_t total(const json& stats, const char* list, const char* key) {
  std::uint64_t n = 0;
  for (const auto& item : stats[list]) n += item[key].get<std::uint64_t>();
  return n;
}

TEST_F(ExportIntegration, BothDirectionsArriveWithDirectionAndNoLoss) {
  auto cap = capture("both.pcap");
  const auto pcapng = tmp_.path() / "collected.pcapng";
  Background collector({"ip", "netns", "exec", sb_->netns("col"), OVSE_MIRRORCTL, "collect", "-i",
                        "eth0", "--allow-any", "-w", pcapng.string()},
                       tmp_.path() / "collect.log");
  startExporter({"--type", "erspan3", "--session-id", "9", "--hwid", "3", "--gra", "100ns"});
  ping("20", "0.05");
  usleep(300000);
  const json stats = stopExporter();
  collector.stop(SIGINT);
  const auto rows = cap->fields({"erspan.direction", "icmp.type", "ip.src", "gre.sequence_number",
                                 "erspan.spanid", "erspan.hw"},
                                "icmp");
  int requests_in = 0, replies_out = 0;
  std::set<std::uint64_t> seqs;
  for (const auto& r : rows) {
    EXPECT_EQ(r[4], "9");
    EXPECT_EQ(r[5], "3");
    if (r[0] == "0" && r[1] == "8") ++requests_in;
    if (r[0] == "1" && r[1] == "0") ++replies_out;
    seqs.insert(std::stoull(r[3]));
  }
  EXPECT_EQ(requests_in, 20);
  EXPECT_EQ(replies_out, 20);
  // No loss: every GRE packet the exporter sent arrived, sequence numbers without a hole.
  const auto all = cap->fields({"gre.sequence_number"});
  EXPECT_EQ(all.size(), total(stats, "outputs", "sent"));
  EXPECT_EQ(all.size(), stats["next_sequence"].get<std::size_t>());
  EXPECT_EQ(total(stats, "outputs", "send_errors"), 0u);
  // Our collector: inner ICMP frames with pcapng direction flags.
  const auto dirs = run({"tshark", "-r", pcapng.string(), "-Y", "icmp", "-T", "fields", "-e",
                         "frame.packet_flags_direction", "-e", "icmp.type"});
  EXPECT_EQ(std::count(dirs.out.begin(), dirs.out.end(), '\n'), 40) << dirs.out << dirs.err;
  EXPECT_THAT(dirs.out, testing::HasSubstr("1\t8"));  // inbound, echo request
  EXPECT_THAT(dirs.out, testing::HasSubstr("2\t0"));  // outbound, echo reply
}

TEST_F(ExportIntegration, KernelFilterKeepsOnlyMatchingPackets) {
  auto cap = capture("filter.pcap");
  startExporter({"--proto", "udp", "--dstport", "9999"});
  ping("10", "0.02");
  sb_->exec("vm1", {"bash", "-c", "for i in $(seq 5); do echo x >/dev/udp/10.0.0.2/9999; done"});
  sb_->exec("vm1", {"bash", "-c", "for i in $(seq 5); do echo x >/dev/udp/10.0.0.2/8888; done"});
  usleep(300000);
  stopExporter();
  const auto rows = cap->fields({"udp.dstport", "icmp.type"});
  ASSERT_EQ(rows.size(), 5u);
  for (const auto& r : rows) EXPECT_EQ(r[0], "9999");
}

TEST_F(ExportIntegration, SamplingKeepsOneInN) {
  auto cap = capture("sample.pcap");
  startExporter({"--sample", "5", "--proto", "icmp"});
  ping("50", "0.01");
  usleep(300000);
  const json stats = stopExporter();
  // 50 requests (mxi) and 50 replies (mxe): each input keeps frames 1, 6, 11, ... = 10 each.
  EXPECT_EQ(cap->fields({"icmp.type"}).size(), 20u);
  EXPECT_EQ(total(stats, "inputs", "sampled_out"), 80u);
}

TEST_F(ExportIntegration, RateLimitHolds) {
  auto cap = capture("rate.pcap");
  startExporter({"--rate-pps", "200", "--proto", "icmp"});
  const auto start = std::chrono::steady_clock::now();
  ping("1000", "0.002");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  usleep(200000);
  const json stats = stopExporter();
  const auto arrived = cap->fields({"icmp.type"}).size();
  // 200/s for the traffic's duration plus the 40 ms burst (8 packets) and a scheduling margin.
  EXPECT_LE(arrived, static_cast<std::size_t>(200 * (seconds + 0.3) + 8)) << seconds;
  EXPECT_GE(arrived, static_cast<std::size_t>(200 * seconds * 0.8)) << seconds;
  EXPECT_GT(total(stats, "inputs", "rate_dropped"), 0u);
  EXPECT_EQ(arrived, total(stats, "outputs", "sent"));
}

TEST_F(ExportIntegration, MtuTruncatesAndSetsT) {
  auto cap = capture("mtu.pcap");
  startExporter({"--type", "erspan2", "--mtu", "576", "--proto", "icmp"});
  ping("5", "0.05", 1000);
  usleep(300000);
  const json stats = stopExporter();
  const auto rows = cap->fields({"ip.len", "erspan.truncated"});
  ASSERT_EQ(rows.size(), 10u);
  for (const auto& r : rows) {
    EXPECT_THAT(r[0], testing::StartsWith("576"));
    EXPECT_EQ(r[1], "1");
  }
  EXPECT_EQ(total(stats, "inputs", "truncated"), 10u);
}

// Frames go straight to the link once the collector's MAC is known; when the neighbour entry
// changes (a gratuitous ARP after a failover, here `ip neigh replace`), the sender follows within
// its one-second refresh, and nothing is lost or reordered on the way.
TEST_F(ExportIntegration, LinkPathFollowsTheNextHopsNewMac) {
  auto cap = capture("link.pcap");
  startExporter({"--type", "erspan2", "--proto", "icmp"});
  ping("30", "0.05");
  const std::string new_mac = "02:00:00:00:99:99";
  ASSERT_EQ(sb_->exec("col", {"ip", "link", "set", "eth0", "address", new_mac}).exit_code, 0);
  ASSERT_EQ(sb_->exec("hv", {"ip", "neigh", "replace", kCollectorIp, "lladdr", new_mac, "dev",
                             "br-ul", "nud", "reachable"})
                .exit_code,
            0);
  ping("40", "0.05");
  usleep(300000);
  const json stats = stopExporter();
  const auto rows = cap->fields({"eth.dst", "gre.sequence_number"});
  ASSERT_EQ(rows.size(), total(stats, "outputs", "sent"));
  EXPECT_EQ(rows.size(), 140u);
  EXPECT_EQ(total(stats, "outputs", "send_errors"), 0u);
  EXPECT_GT(total(stats, "outputs", "sent_on_link"), 100u) << stats.dump();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i][1], std::to_string(i)) << "GRE sequence out of order at frame " << i;
  }
  // The last second of pings (40 frames) went to the new MAC only (the outer eth.dst: tshark
  // lists the inner frame's after it).
  for (std::size_t i = rows.size() - 40; i < rows.size(); ++i) {
    EXPECT_THAT(rows[i][0], testing::StartsWith(new_mac + ",")) << i;
  }
}

TEST_F(ExportIntegration, KernelPathSendsEverythingThroughTheStack) {
  auto cap = capture("kernel.pcap");
  startExporter({"--type", "erspan2", "--proto", "icmp", "--tx-path", "kernel"});
  ping("10", "0.05");
  usleep(300000);
  const json stats = stopExporter();
  EXPECT_EQ(cap->fields({"icmp.type"}).size(), 20u);
  EXPECT_EQ(total(stats, "outputs", "sent"), 20u);
  EXPECT_EQ(total(stats, "outputs", "sent_on_link"), 0u);
}

// The device path drops frames (here an nftables egress hook on the underlay device drops every
// 7th GRE packet; a full qdisc does the same): the link path sends such a frame again, the
// kernel's path counts it as an error. Either way the exporter's `sent` is exactly what left, and
// no later frame is lost with it (before the fix one drop stalled the TX ring for good).
TEST_F(ExportIntegration, DeviceDropsAreSentAgainOrCountedNeverHidden) {
  const auto rules = tmp_.path() / "drop.nft";
  std::ofstream(rules) << "table netdev ovse_drop {\n  chain out { type filter hook egress device "
                          "\"br-ul\" priority 0; ip protocol gre numgen inc mod 7 == 0 counter "
                          "drop; }\n}\n";
  // The collector's MAC known first: a packet the kernel queues behind neighbour resolution is
  // dropped (or not) after send() has returned, so no socket can report it.
  ASSERT_EQ(sb_->exec("hv", {"ping", "-c", "1", "-W", "2", kCollectorIp}).exit_code, 0);
  ASSERT_EQ(sb_->exec("hv", {"nft", "-f", rules.string()}).exit_code, 0);
  auto cap = capture("drops.pcap");
  startExporter({"--type", "erspan2", "--proto", "icmp"});
  ping("100", "0.01");
  usleep(300000);
  const json stats = stopExporter();
  const auto listed = sb_->exec("hv", {"nft", "list", "table", "netdev", "ovse_drop"});
  const auto rows = cap->fields({"gre.sequence_number"});
  const std::uint64_t sent = total(stats, "outputs", "sent");
  const std::uint64_t errors = total(stats, "outputs", "send_errors");
  EXPECT_THAT(listed.out, testing::Not(testing::HasSubstr("counter packets 0 "))) << listed.out;
  EXPECT_EQ(total(stats, "inputs", "exported"), 200u) << stats.dump();
  EXPECT_EQ(sent + errors, 200u) << stats.dump();
  std::set<std::string> numbers;
  for (const auto& row : rows) EXPECT_TRUE(numbers.insert(row[0]).second) << "twice: " << row[0];
  std::string missing;
  for (int i = 0; i < 200; ++i) {
    if (!numbers.contains(std::to_string(i))) missing += " " + std::to_string(i);
  }
  EXPECT_EQ(rows.size(), sent) << stats.dump() << "\nmissing:" << missing;
  // Only packets sent through the kernel's stack fail for good (the link path sends again): about
  // one a second, to keep the collector's neighbour entry verified, over a 2-3 s run.
  const std::uint64_t through_kernel = sent + errors - total(stats, "outputs", "sent_on_link");
  EXPECT_LE(through_kernel, 4u) << stats.dump();
  EXPECT_LE(errors, through_kernel) << stats.dump();
}

}  // namespace
}  // namespace ovse::test
