// `mirrorctl collect` loss accounting against replays built by scapy (loss_pcap.py): an exporter
// restart, a forged outlier, OVS-like native sessions sharing the host counter beside an exporter
// session of the same address, reordering and duplicates, runt inner frames. Live: ovs-vswitchd
// killed (-9) and restarted under two native ERSPAN sessions with a real collector.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "harness/process.h"
#include "harness/sandbox.h"

namespace ovse::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Replay {
  json expected;  ///< per session ID: what loss_pcap.py sent and the counts it implies
  json summary;   ///< collect --json
  fs::path capture;
};

Replay replay(const TempDir& tmp, const std::string& scenario) {
  Replay out;
  const fs::path in = tmp.path() / (scenario + ".pcap");
  out.capture = tmp.path() / (scenario + ".pcapng");
  auto gen =
      run({"/usr/bin/python3", sourcePath("tests/integration/collector/loss_pcap.py").string(),
           scenario, in.string()});
  EXPECT_EQ(gen.exit_code, 0) << gen.err;
  out.expected = json::parse(gen.out, nullptr, false);
  auto r = run({OVSE_MIRRORCTL, "collect", "-r", in.string(), "--allow-any", "--json", "-w",
                out.capture.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  out.summary = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(out.summary.is_discarded()) << r.out;
  return out;
}

/// pcapng interface statistics of `capture`: {"0": {"ifrecv": n, "ifdrop": n}, ...}.
json interfaceStatistics(const fs::path& capture) {
  auto r = run({"/usr/bin/python3", sourcePath("tests/integration/collector/loss_pcap.py").string(),
                "isb", capture.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out, nullptr, false);
}

/// The session of `id` in a collect --json summary (null when absent).
json session(const json& summary, int id) {
  for (const auto& s : summary["sessions"]) {
    if (s.value("session_id", -1) == id) return s;
  }
  return nullptr;
}

TEST(LossAccounting, ExporterRestartCountsLossFromTheNewStart) {
  TempDir tmp;
  const Replay r = replay(tmp, "restart");
  const json s = session(r.summary, 1);
  ASSERT_FALSE(s.is_null()) << r.summary.dump();
  EXPECT_EQ(s["packets"], r.expected["1"]["sent"]);
  EXPECT_EQ(s["lost"], 10);
  EXPECT_EQ(s["restarts"], 1);
  EXPECT_EQ(s["duplicated"], 0);
  EXPECT_EQ(s["stale"], 0);
  EXPECT_EQ(r.summary["lost"], 10);
  // The same numbers in the file: the session's interface statistics.
  EXPECT_EQ(interfaceStatistics(r.capture),
            json::parse(R"({"0": {"ifrecv": 1490, "ifdrop": 10}})"));
}

TEST(LossAccounting, OneForgedOutlierIsInvalidNotBillionsLost) {
  TempDir tmp;
  const Replay r = replay(tmp, "outlier");
  const json s = session(r.summary, 1);
  ASSERT_FALSE(s.is_null()) << r.summary.dump();
  EXPECT_LE(s["lost"].get<long>(), 1);
  EXPECT_EQ(s["invalid"], 1);
  EXPECT_EQ(s["restarts"], 0);
}

TEST(LossAccounting, NativeSessionsOnOneHostCounterBesideAnExporterSession) {
  TempDir tmp;
  const Replay r = replay(tmp, "shared");
  EXPECT_EQ(r.summary["lost"], 0) << r.summary.dump(1);
  for (const int id : {10, 11, 20}) {
    const json s = session(r.summary, id);
    ASSERT_FALSE(s.is_null()) << id;
    EXPECT_EQ(s["packets"], r.expected[std::to_string(id)]["sent"]) << id;
    EXPECT_EQ(s["lost"], 0) << id;
    EXPECT_EQ(s["duplicated"], 0) << id;
    EXPECT_EQ(s["reordered"], 0) << id;
    EXPECT_EQ(s["stale"], 0) << id;
    EXPECT_EQ(s["invalid"], 0) << id;
  }
  EXPECT_EQ(session(r.summary, 10)["sequence_scope"], "exporter");
  EXPECT_EQ(session(r.summary, 10)["sequence_shared_with"], json::array({"erspan-10.0.0.1-sid11"}));
  EXPECT_EQ(session(r.summary, 20)["sequence_scope"], "session");
  EXPECT_EQ(session(r.summary, 20)["sequence_shared_with"], json::array());
  const json isb = interfaceStatistics(r.capture);
  ASSERT_EQ(isb.size(), 3u) << isb.dump();
  for (const char* id : {"0", "1", "2"}) EXPECT_EQ(isb[id]["ifdrop"], 0) << "interface " << id;
}

TEST(LossAccounting, ReorderingAndDuplicatesInsideTheWindow) {
  TempDir tmp;
  const Replay r = replay(tmp, "reorder");
  const json s = session(r.summary, 1);
  ASSERT_FALSE(s.is_null()) << r.summary.dump();
  EXPECT_EQ(s["lost"], 0);
  EXPECT_EQ(s["reordered"], r.expected["1"]["reordered"]);
  EXPECT_EQ(s["duplicated"], r.expected["1"]["duplicated"]);
  EXPECT_EQ(s["restarts"], 0);
}

TEST(LossAccounting, RuntInnerFramesAreCountedNotWritten) {
  TempDir tmp;
  const Replay r = replay(tmp, "runt");
  const json s = session(r.summary, 1);
  ASSERT_FALSE(s.is_null()) << r.summary.dump();
  EXPECT_EQ(s["runt"], 14);
  EXPECT_EQ(r.summary["runt"], 14);
  EXPECT_EQ(s["written"], 10);
  EXPECT_EQ(s["lost"], 0);
  auto frames = run({"tshark", "-r", r.capture.string(), "-T", "fields", "-e", "frame.len", "-e",
                     "_ws.malformed"});
  ASSERT_EQ(frames.exit_code, 0) << frames.err;
  std::istringstream in(frames.out);
  int count = 0;
  for (std::string line; std::getline(in, line); ++count) {
    EXPECT_GE(std::stoi(line), 14) << line;
    EXPECT_EQ(line.find('\t'), line.size() - 1) << "malformed: " << line;
  }
  EXPECT_EQ(count, 10);
}

/// Starts `command` in `netns` in the background (bounded by a timeout); returns its pid.
int spawnIn(const std::string& netns, const std::string& command, const std::string& log) {
  auto r = runShell("ip netns exec " + netns + " timeout 120 " + command + " >" + log + " 2>" +
                    log + ".err & echo $!");
  return std::stoi(r.out);
}

/// SIGINT to `pid`, then waits (up to 10 s) until it is gone.
void interruptAndWait(int pid) {
  kill(pid, SIGINT);
  for (int i = 0; i < 1000 && kill(pid, 0) == 0; ++i) usleep(10000);
}

/// Polls `check` every 50 ms for up to `seconds`; true once it holds.
template <typename Check>
bool waitFor(Check check, int seconds) {
  for (int i = 0; i < seconds * 20; ++i) {
    if (check()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return check();
}

/// vm1 (10.0.0.1) and vm2 (10.0.0.2) that send nothing but the test's pings (the counts are
/// compared exactly): no IPv6 neighbour discovery, no ARP.
void addQuietVms(Sandbox& sb) {
  sb.addVm("vm1", "10.0.0.1/24", "02:00:00:00:00:01");
  sb.addVm("vm2", "10.0.0.2/24", "02:00:00:00:00:02");
  for (const auto& [vm, peer] : {std::pair{"vm1", "2"}, std::pair{"vm2", "1"}}) {
    sb.exec(vm, {"sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"});
    sb.exec(vm, {"sysctl", "-qw", "net.ipv6.conf.eth0.disable_ipv6=1"});
    ASSERT_EQ(
        sb.exec(vm, {"ip", "neigh", "replace", std::string("10.0.0.") + peer, "lladdr",
                     std::string("02:00:00:00:00:0") + peer, "nud", "permanent", "dev", "eth0"})
            .exit_code,
        0);
  }
}

/// An internal port `mxi` in the hypervisor's namespace that receives what vm1 sends (an OVS
/// mirror), for our exporter to read.
void addExporterMirrorPort(Sandbox& sb) {
  ASSERT_EQ(sb.vsctl({"add-port", "br0", "mxi", "--", "set", "interface", "mxi", "type=internal"})
                .exit_code,
            0);
  sb.exec("hv", {"sysctl", "-qw", "net.ipv6.conf.mxi.disable_ipv6=1"});
  ASSERT_EQ(sb.exec("hv", {"ip", "link", "set", "mxi", "up"}).exit_code, 0);
  ASSERT_EQ(sb.vsctl({"--", "--id=@p", "get", "port", "mxi", "--", "--id=@s", "get", "port", "vm1",
                      "--", "--id=@m", "create", "mirror", "name=mx", "select-src-port=@s",
                      "output-port=@p", "--", "add", "bridge", "br0", "mirrors", "@m"})
                .exit_code,
            0);
}

/// tcpdump (`outer.pcap`, the independent view of the wire) and `mirrorctl collect` (`out.pcapng`,
/// `--json` summary in `collect.json`, counters in `stats.json`) on the collector's link.
struct Listeners {
  int sniffer = -1;
  int collector = -1;
  bool ready = false;  ///< both said "listening on" within 30 s
};

Listeners listen(Sandbox& sb, const std::string& dir) {
  Listeners out;
  out.sniffer = spawnIn(sb.netns("col"), "tcpdump -U -i eth0 -w " + dir + "/outer.pcap proto gre",
                        dir + "/tcpdump.log");
  out.collector = spawnIn(sb.netns("col"),
                          std::string(OVSE_MIRRORCTL) +
                              " collect -i eth0 --allow 10.99.0.0/24 --json --stats-json " + dir +
                              "/stats.json -w " + dir + "/out.pcapng",
                          dir + "/collect.json");
  out.ready = waitFor(
      [&] {
        return runShell("grep -q 'listening on' " + dir + "/tcpdump.log.err && grep -q " +
                        "'listening on' " + dir + "/collect.json.err")
                   .exit_code == 0;
      },
      30);
  return out;
}

/// Real loss: the underlay towards the collector drops every `n`th GRE packet (nftables on the
/// hypervisor's side of the collector's link, before any capture sees it), counted by nftables.
/// The first drop is the (n/2)th packet, not the first: a loss at the very start of a series after
/// a restart cannot be seen by any receiver (measured: nftables' `numgen inc` starts at 0, so
/// `mod n == 0` dropped OVS's numbers 0 and 1 of the restarted counter and the wire, like the
/// collector, showed 22 of 24 drops).
void dropEveryNthGre(Sandbox& sb, const std::string& dir, int n) {
  {
    std::ofstream rules(dir + "/drop.nft");
    rules << "table netdev ovse_loss {\n  chain out { type filter hook egress device \"col\" "
             "priority 0; ip protocol gre numgen inc mod "
          << n << " == " << n / 2 << " counter drop; }\n}\n";
  }
  ASSERT_EQ(sb.exec("hv", {"nft", "-f", dir + "/drop.nft"}).exit_code, 0);
}

/// Removes dropEveryNthGre's rule; returns how many packets it dropped.
std::uint64_t stopDropping(Sandbox& sb) {
  const auto listed = sb.exec("hv", {"nft", "-j", "list", "table", "netdev", "ovse_loss"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  std::uint64_t dropped = 0;
  const json rules = json::parse(listed.out, nullptr, false);
  if (!rules.is_discarded()) {
    for (const auto& item : rules.value("nftables", json::array())) {
      if (!item.contains("rule")) continue;
      for (const auto& e : item["rule"]["expr"]) {
        if (e.contains("counter")) dropped += e["counter"]["packets"].get<std::uint64_t>();
      }
    }
  }
  EXPECT_EQ(sb.exec("hv", {"nft", "delete", "table", "netdev", "ovse_loss"}).exit_code, 0);
  return dropped;
}

/// A native OVS ERSPAN II port `port` (key = session ID) mirroring VM port `vm` to 10.99.0.2.
void addNativeSession(Sandbox& sb, const std::string& port, const std::string& vm, int key) {
  ASSERT_EQ(sb.vsctl({"add-port", "br0", port, "--", "set", "interface", port, "type=erspan",
                      "options:remote_ip=10.99.0.2", "options:key=" + std::to_string(key),
                      "options:erspan_ver=1", "options:erspan_idx=3"})
                .exit_code,
            0);
  ASSERT_EQ(sb.vsctl({"--",
                      "--id=@p",
                      "get",
                      "port",
                      port,
                      "--",
                      "--id=@s",
                      "get",
                      "port",
                      vm,
                      "--",
                      "--id=@m",
                      "create",
                      "mirror",
                      "name=m" + port,
                      "select-src-port=@s",
                      "select-dst-port=@s",
                      "output-port=@p",
                      "--",
                      "add",
                      "bridge",
                      "br0",
                      "mirrors",
                      "@m"})
                .exit_code,
            0);
}

/// (session ID, GRE sequence number) of every ERSPAN packet in `pcap`, in arrival order.
std::vector<std::pair<int, std::uint32_t>> wireSequence(const std::string& pcap) {
  auto r = run({"tshark", "-r", pcap, "-Y", "erspan", "-T", "fields", "-e", "erspan.spanid", "-e",
                "gre.sequence_number"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::pair<int, std::uint32_t>> out;
  std::istringstream in(r.out);
  int id = 0;
  std::uint32_t seq = 0;
  while (in >> id >> seq) out.emplace_back(id, seq);
  return out;
}

/// Numbers missing from a series that counts up from one counter and restarts (jumps back):
/// per run from a start to just before the next restart, the numbers between its lowest and
/// highest that never arrived. Also returns the number of restarts.
std::pair<std::uint64_t, int> missingAndRestarts(const std::vector<std::uint32_t>& series) {
  std::uint64_t missing = 0;
  int restarts = 0;
  std::set<std::uint32_t> run;
  const auto close = [&] {
    if (!run.empty()) missing += *run.rbegin() - *run.begin() + 1 - run.size();
    run.clear();
  };
  for (std::size_t i = 0; i < series.size(); ++i) {
    if (i > 0 && series[i] + 32 < series[i - 1]) {
      close();
      ++restarts;
    }
    run.insert(series[i]);
  }
  close();
  return {missing, restarts};
}

/// `mirrorctl export` of what vm1 sends (the mirror port `mxi`) as ERSPAN II session 300 to the
/// collector, started in the hypervisor's namespace; counters every second in `<name>.json`.
int startExporter(Sandbox& sb, const std::string& dir, const std::string& name) {
  return spawnIn(sb.netns("hv"),
                 std::string(OVSE_MIRRORCTL) +
                     " export --in mxi:ingress --remote 10.99.0.2 --session-id 300 --json "
                     "--stats-json " +
                     dir + "/" + name + ".json",
                 dir + "/" + name + ".out");
}

/// Packets an exporter's counters say it sent (its --stats-json file or its final --json).
std::uint64_t exporterSent(const std::string& path) {
  std::ifstream in(path);
  const json stats = json::parse(in, nullptr, false);
  std::uint64_t sent = 0;
  if (stats.is_discarded()) return 0;
  for (const auto& out : stats.value("outputs", json::array())) sent += out.value("sent", 0ul);
  return sent;
}

/// Sends a last ping of a size nothing else has (999 bytes of data) and waits until tcpdump holds
/// `copies` mirrored copies of it (-U writes each packet): everything before them is in its file
/// too. Stops tcpdump, then waits until the collector has decapsulated every packet tcpdump saw.
/// Returns (session ID, GRE sequence number) of each of them, in arrival order.
std::vector<std::pair<int, std::uint32_t>> drainWire(Sandbox& sb, const std::string& dir,
                                                     const Listeners& listeners, int copies) {
  EXPECT_EQ(sb.exec("vm1", {"ping", "-c", "1", "-s", "999", "10.0.0.2"}).exit_code, 0);
  EXPECT_TRUE(waitFor(
      [&] {
        return runShell("tshark -r " + dir + "/outer.pcap -Y 'ip.len == 1027' 2>/dev/null | wc -l")
                   .out == std::to_string(copies) + "\n";
      },
      10));
  interruptAndWait(listeners.sniffer);
  auto wire = wireSequence(dir + "/outer.pcap");
  EXPECT_TRUE(waitFor(
      [&] {
        std::ifstream in(dir + "/stats.json");
        const json stats = json::parse(in, nullptr, false);
        return !stats.is_discarded() && stats.value("decapsulated", 0ul) >= wire.size();
      },
      10));
  return wire;
}

// Measured here: OVS numbers the ERSPAN packets of all its native ports of one host from one
// counter (two sessions' numbers interleave into one series), and starts it again when
// ovs-vswitchd restarts. The collector must count exactly the numbers that never arrived.
TEST(LossAccountingLive, VswitchdKilledAndRestartedUnderTwoNativeSessions) {
  OVSE_REQUIRE_SANDBOX();
  TempDir tmp;
  const std::string dir = tmp.path().string();
  Sandbox sb;
  addQuietVms(sb);
  sb.addCollector("col", "10.99.0.2/24", "10.99.0.1/24");
  addNativeSession(sb, "t1", "vm1", 101);
  addNativeSession(sb, "t2", "vm2", 102);
  const Listeners listeners = listen(sb, dir);
  ASSERT_TRUE(listeners.ready) << runShell("cat " + dir + "/*.err").out;
  EXPECT_EQ(sb.exec("vm1", {"ping", "-q", "-c", "300", "-i", "0.005", "10.0.0.2"}).exit_code, 0);
  // kill -9: no clean shutdown; the database keeps the ports and mirrors.
  const auto pid = runShell("cat " + (sb.dir() / "ovs-vswitchd.pid").string()).out;
  ASSERT_EQ(kill(std::stoi(pid), SIGKILL), 0);
  sb.restartVswitchd();
  ASSERT_TRUE(waitFor(
      [&] {
        return sb.exec("vm1", {"ping", "-c", "1", "-W", "1", "10.0.0.2"}).exit_code == 0;
      },
      30));
  // Real loss after the restart: the underlay towards the collector drops every 50th ERSPAN
  // packet OVS sends (nftables on the hypervisor's side of the collector's link, before any
  // capture sees it).
  dropEveryNthGre(sb, dir, 50);
  EXPECT_EQ(sb.exec("vm1", {"ping", "-q", "-c", "300", "-i", "0.005", "10.0.0.2"}).exit_code, 0);
  const std::uint64_t dropped = stopDropping(sb);
  // The marker's copies: request and reply on both sessions.
  const auto wire = drainWire(sb, dir, listeners, 4);
  interruptAndWait(listeners.collector);

  std::map<int, std::vector<std::uint32_t>> by_session;
  std::vector<std::uint32_t> all;
  for (const auto& [id, seq] : wire) {
    by_session[id].push_back(seq);
    all.push_back(seq);
  }
  ASSERT_EQ(by_session.size(), 2u);
  const auto [missing, restarts] = missingAndRestarts(all);
  std::cout << "on the wire: " << all.size()
            << " ERSPAN packets (session 101: " << by_session[101].size()
            << ", 102: " << by_session[102].size() << "), one series with " << restarts
            << " restart(s) and " << missing << " number(s) missing\n";
  EXPECT_GE(restarts, 1) << "ovs-vswitchd's restart starts the counter again";
  EXPECT_EQ(missing, dropped) << "nftables dropped every 50th of the ~1,200 copies";
  // Each session alone has gaps (its sibling's numbers); together they form one series.
  for (const auto& [id, series] : by_session) {
    EXPECT_GT(missingAndRestarts(series).first, missing + 100) << "session " << id;
  }
  std::ifstream in(dir + "/collect.json");
  const json summary = json::parse(in, nullptr, false);
  ASSERT_FALSE(summary.is_discarded()) << runShell("cat " + dir + "/collect.json*").out;
  EXPECT_EQ(summary["lost"], missing) << summary.dump(1);
  for (const auto& s : summary["sessions"]) {
    const int id = s["session_id"];
    EXPECT_EQ(s["packets"], by_session[id].size()) << id;
    EXPECT_EQ(s["sequence_scope"], "exporter") << id;
    EXPECT_EQ(s["restarts"], restarts) << id;
    EXPECT_EQ(s["duplicated"], 0) << id;
    EXPECT_EQ(s["stale"], 0) << id;
    EXPECT_EQ(s["invalid"], 0) << id;
  }
}

// The case that reported hundreds lost per native session: OVS's native sessions (one host
// counter) and our exporter (a counter per session) mirror to one collector from one address.
TEST(LossAccountingLive, NativeSessionsBesideOurExporterFromOneHost) {
  OVSE_REQUIRE_SANDBOX();
  TempDir tmp;
  const std::string dir = tmp.path().string();
  Sandbox sb;
  addQuietVms(sb);
  sb.addCollector("col", "10.99.0.2/24", "10.99.0.1/24");
  addNativeSession(sb, "t1", "vm1", 101);
  addNativeSession(sb, "t2", "vm2", 102);
  // Our exporter on the same host: what vm1 sends, from an internal port, as session 300.
  addExporterMirrorPort(sb);
  const Listeners listeners = listen(sb, dir);
  ASSERT_TRUE(listeners.ready) << runShell("cat " + dir + "/*.err").out;
  const int exporter = startExporter(sb, dir, "export");
  ASSERT_TRUE(waitFor([&] { return fs::exists(dir + "/export.json"); }, 30))
      << runShell("cat " + dir + "/export.out*").out;
  EXPECT_EQ(sb.exec("vm1", {"ping", "-q", "-c", "400", "-i", "0.005", "10.0.0.2"}).exit_code, 0);
  // The marker's copies: request and reply on both native sessions, the request from ours.
  const auto wire = drainWire(sb, dir, listeners, 5);
  interruptAndWait(listeners.collector);
  interruptAndWait(exporter);

  std::map<int, std::vector<std::uint32_t>> by_session;
  std::vector<std::uint32_t> host;
  for (const auto& [id, seq] : wire) {
    by_session[id].push_back(seq);
    if (id != 300) host.push_back(seq);
  }
  ASSERT_EQ(by_session.size(), 3u);
  const std::uint64_t missing =
      missingAndRestarts(host).first + missingAndRestarts(by_session[300]).first;
  std::cout << "on the wire: native 101: " << by_session[101].size()
            << ", 102: " << by_session[102].size() << ", exporter 300: " << by_session[300].size()
            << "; numbers missing: " << missing << "\n";
  std::ifstream in(dir + "/collect.json");
  const json summary = json::parse(in, nullptr, false);
  ASSERT_FALSE(summary.is_discarded()) << runShell("cat " + dir + "/collect.json*").out;
  EXPECT_EQ(summary["lost"], missing) << summary.dump(1);
  for (const auto& s : summary["sessions"]) {
    const int id = s["session_id"];
    EXPECT_EQ(s["packets"], by_session[id].size()) << id;
    EXPECT_EQ(s["exporter"], "10.99.0.1") << id << ": one address for both kinds";
    EXPECT_EQ(s["sequence_scope"], id == 300 ? "session" : "exporter") << id;
    EXPECT_EQ(s["duplicated"], 0) << id;
    EXPECT_EQ(s["stale"], 0) << id;
    EXPECT_EQ(s["invalid"], 0) << id;
    EXPECT_EQ(s["restarts"], 0) << id;
  }
}

// Our exporter numbers per session from 0 each time it starts. Killed (-9) mid-stream and started
// again, it repeats numbers the collector has already seen: that is a restart, not hundreds of
// duplicates. What the VM sent while no exporter ran was never sent, so it is not loss. (Loss
// after a restart is the replay test's; here nftables cannot make it: on the link path our
// exporter sends again a frame the egress hook dropped, see packet_tx_ring.cpp.)
TEST(LossAccountingLive, OurExporterKilledAndRestartedMidStream) {
  OVSE_REQUIRE_SANDBOX();
  TempDir tmp;
  const std::string dir = tmp.path().string();
  Sandbox sb;
  addQuietVms(sb);
  sb.addCollector("col", "10.99.0.2/24", "10.99.0.1/24");
  addExporterMirrorPort(sb);
  const Listeners listeners = listen(sb, dir);
  ASSERT_TRUE(listeners.ready) << runShell("cat " + dir + "/*.err").out;
  const auto exporterSays = [&](const std::string& name, std::uint64_t at_least) {
    return waitFor([&] { return exporterSent(dir + "/" + name + ".json") >= at_least; }, 10);
  };

  const int first = startExporter(sb, dir, "export1");
  ASSERT_TRUE(waitFor([&] { return fs::exists(dir + "/export1.json"); }, 30))
      << runShell("cat " + dir + "/export1.out*").out;
  EXPECT_EQ(sb.exec("vm1", {"ping", "-q", "-c", "200", "-i", "0.005", "10.0.0.2"}).exit_code, 0);
  // Its counters reach the file once a second: every request it read has been sent by then.
  ASSERT_TRUE(exporterSays("export1", 200)) << runShell("cat " + dir + "/export1.json").out;
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const std::uint64_t sent_before = exporterSent(dir + "/export1.json");
  // kill -9 the exporter itself (the child of `timeout`): no clean shutdown, no final counters.
  const int exporter_pid = std::stoi(runShell("pgrep -P " + std::to_string(first)).out);
  ASSERT_EQ(kill(exporter_pid, SIGKILL), 0);
  ASSERT_TRUE(waitFor([&] { return kill(first, 0) != 0 || waitpid(first, nullptr, WNOHANG) > 0; },
                      10));
  // Mirrored while no exporter runs: never sent.
  EXPECT_EQ(sb.exec("vm1", {"ping", "-q", "-c", "50", "-i", "0.005", "10.0.0.2"}).exit_code, 0);

  const int second = startExporter(sb, dir, "export2");
  ASSERT_TRUE(waitFor([&] { return fs::exists(dir + "/export2.json"); }, 30))
      << runShell("cat " + dir + "/export2.out*").out;
  EXPECT_EQ(sb.exec("vm1", {"ping", "-q", "-c", "300", "-i", "0.005", "10.0.0.2"}).exit_code, 0);
  const auto wire = drainWire(sb, dir, listeners, 1);  // the marker's request
  interruptAndWait(second);
  const std::uint64_t sent_after = exporterSent(dir + "/export2.out");
  interruptAndWait(listeners.collector);

  std::vector<std::uint32_t> series;
  for (const auto& [id, seq] : wire) {
    EXPECT_EQ(id, 300);
    series.push_back(seq);
  }
  const auto [missing, restarts] = missingAndRestarts(series);
  std::cout << "exporter sent " << sent_before << " + " << sent_after << "; on the wire "
            << wire.size() << " with " << missing << " number(s) missing and " << restarts
            << " restart(s)\n";
  // The exporters' own counters and the wire agree: everything sent arrived, numbered 0.. twice.
  EXPECT_EQ(restarts, 1);
  EXPECT_EQ(sent_before + sent_after, wire.size()) << runShell("cat " + dir + "/export2.out*").out;
  EXPECT_EQ(missing, 0u);
  ASSERT_FALSE(series.empty());
  EXPECT_EQ(series.front(), 0u);

  std::ifstream in(dir + "/collect.json");
  const json summary = json::parse(in, nullptr, false);
  ASSERT_FALSE(summary.is_discarded()) << runShell("cat " + dir + "/collect.json*").out;
  ASSERT_EQ(summary["sessions"].size(), 1u) << summary.dump(1);
  const json& s = summary["sessions"][0];
  EXPECT_EQ(s["session_id"], 300);
  EXPECT_EQ(s["packets"], wire.size());
  EXPECT_EQ(s["lost"], 0) << s.dump(1);
  EXPECT_EQ(summary["lost"], 0);
  EXPECT_EQ(s["restarts"], 1) << s.dump(1);
  EXPECT_EQ(s["sequence_scope"], "session");
  EXPECT_EQ(s["duplicated"], 0);
  EXPECT_EQ(s["stale"], 0);
  EXPECT_EQ(s["invalid"], 0);
  // The file says the same: its interface statistics.
  const json isb = interfaceStatistics(dir + "/out.pcapng");
  EXPECT_EQ(isb["0"]["ifdrop"], 0) << isb.dump();
  EXPECT_EQ(isb["0"]["ifrecv"], wire.size()) << isb.dump();
}

}  // namespace
}  // namespace ovse::test
