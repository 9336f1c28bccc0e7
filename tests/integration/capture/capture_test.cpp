// `mirrorctl capture` on a real OVS: both directions of a VM's ping and TCP in one pcapng with
// pcapng direction flags (tshark), exact ping counts, TCP complete per tshark, -c, -s, the
// filter flags, two targets and --vm in one run, stdout into tshark, flag errors, a full disk.
#include "harness/capture.h"

#include <sys/mount.h>

#include <thread>

#include "capture_fixture.h"

namespace ovse::test {
namespace {

constexpr char kIn[] = "0x00000001";   // epb_flags inbound
constexpr char kOut[] = "0x00000002";  // epb_flags outbound

TEST_F(CaptureTest, BothDirectionsOfPingAndTcpInOnePcapng) {
  const std::string out = file("both.pcapng");
  // A TCP transfer of exactly 300000 payload bytes (iperf3 -n stops counting early).
  Background server({"ip", "netns", "exec", sb_->netns("vm2"), "/usr/bin/python3", "-c",
                     "import socket\n"
                     "s = socket.socket()\n"
                     "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
                     "s.bind(('10.0.0.2', 5001)); s.listen(1); c, _ = s.accept(); n = 0\n"
                     "while True:\n"
                     "  d = c.recv(65536)\n"
                     "  if not d: break\n"
                     "  n += len(d)\n"
                     "print(n, flush=True); c.close()\n"},
                    tmp_.path() / "server.log");
  start({"--switchport", "vm1", "--dir", "2", "-o", out});
  ping("vm1", "10.0.0.2", 10);
  usleep(300000);
  auto client = sb_->exec(
      "vm1", {"/usr/bin/python3", "-c",
              "import socket, time\n"
              "for i in range(50):\n"
              "  try: s = socket.create_connection(('10.0.0.2', 5001)); break\n"
              "  except OSError: time.sleep(0.05)\n"
              "s.sendall(b'x' * 300000); s.shutdown(socket.SHUT_WR); s.recv(1); s.close()\n"});
  ASSERT_EQ(client.exit_code, 0) << client.out << client.err;
  usleep(500000);
  ASSERT_EQ(stop(), 0) << log();
  const auto icmp = fields(
      out, {"frame.interface_name", "frame.packet_flags_direction", "icmp.type", "ip.src"}, "icmp");
  EXPECT_EQ(icmp.size(), 20u);
  int requests_in = 0, replies_out = 0;
  for (const auto& r : icmp) {
    requests_in += r[0] == "vm1-in" && r[1] == kIn && r[2] == "8" && r[3] == "10.0.0.1";
    replies_out += r[0] == "vm1-out" && r[1] == kOut && r[2] == "0" && r[3] == "10.0.0.2";
  }
  EXPECT_EQ(requests_in, 10);
  EXPECT_EQ(replies_out, 10);
  // TCP: every payload byte vm1 sent went in, each once: the data segments, sorted by sequence
  // number, tile the 300000 bytes. (Their order in the file is not checked: OVS's userspace
  // datapath may output a flow's first packets, handled by an upcall, after later ones, and the
  // two taps are merged in timestamp order per read round only.)
  auto tcp_in = fields(out, {"tcp.seq", "tcp.len"}, "tcp.len > 0 && ip.src == 10.0.0.1");
  std::vector<std::pair<std::uint64_t, std::uint64_t>> segments;
  for (const auto& r : tcp_in) segments.emplace_back(std::stoull(r[0]), std::stoull(r[1]));
  std::sort(segments.begin(), segments.end());
  std::uint64_t next = 1;  // tshark's relative sequence numbers start at 1 after the SYN
  for (const auto& [seq, len] : segments) {
    EXPECT_EQ(seq, next) << "a gap or a repeat before relative sequence " << seq;
    next = seq + len;
  }
  EXPECT_EQ(next - 1, 300000u);
  EXPECT_GT(fields(out, {"tcp.len"}, "tcp && ip.src == 10.0.0.2").size(), 20u) << "ACKs out";
  const auto directions = fields(out, {"frame.interface_name", "frame.packet_flags_direction"});
  for (const auto& r : directions) {
    EXPECT_EQ(r[1], r[0] == "vm1-in" ? kIn : kOut) << r[0];
  }
  EXPECT_NE(log().find("Dumped "), std::string::npos) << log();
  EXPECT_EQ(captureRows(), 0) << "the capture's mirrors and ports are removed";
}

TEST_F(CaptureTest, CountAndSnapLength) {
  const std::string out = file("c.pcapng");
  start({"--switchport", "vm1", "-c", "4", "-s", "60", "-o", out});
  ping("vm1", "10.0.0.2", 10);
  ASSERT_TRUE(waitExit(5)) << log();
  EXPECT_EQ(stop(), 0) << log();
  const auto rows = fields(out, {"frame.cap_len", "frame.len"});
  ASSERT_EQ(rows.size(), 4u) << log();
  for (const auto& r : rows) {
    EXPECT_EQ(r[0], "60");
    EXPECT_EQ(r[1], "98") << "the original length survives -s";
  }
  EXPECT_NE(log().find("Stopped by count"), std::string::npos) << log();
}

TEST_F(CaptureTest, FilterFlagsKeepOnlyMatchingPackets) {
  auto traffic = [&] {
    ping("vm1", "10.0.0.2", 5);
    sb_->exec("vm1", {"bash", "-c", "for i in 1 2 3; do echo x >/dev/udp/10.0.0.2/9999; done"});
    usleep(300000);
  };
  const std::string match = file("match.pcapng");
  start({"--switchport", "vm1", "--dir", "0", "--proto", "0x01", "--dstip", "10.0.0.2/32", "-o",
         match});
  traffic();
  ASSERT_EQ(stop(), 0) << log();
  const auto rows = fields(match, {"icmp.type", "frame.packet_flags_direction"});
  EXPECT_EQ(rows.size(), 5u);
  EXPECT_EQ(countWhere(rows, 0, "8"), 5) << "only echo requests: dir 0, ICMP, to 10.0.0.2";

  const std::string none = file("none.pcapng");
  start({"--switchport", "vm1", "--dstip", "10.0.0.99", "-o", none});
  traffic();
  ASSERT_EQ(stop(), 0) << log();
  EXPECT_EQ(fields(none, {"frame.number"}).size(), 0u) << "a valid, empty capture";

  const std::string udp = file("udp.pcapng");
  start({"--switchport", "vm1", "--capture", "PortInput", "--proto", "udp", "--dstport", "9999",
         "-o", udp});
  traffic();
  ASSERT_EQ(stop(), 0) << log();
  EXPECT_EQ(fields(udp, {"udp.dstport"}, "udp.dstport == 9999").size(), 3u);
  EXPECT_EQ(fields(udp, {"frame.number"}).size(), 3u);

  const std::string out_only = file("out.pcapng");
  start({"--switchport", "vm1", "--capture", "PortOutput", "--proto", "icmp", "-o", out_only});
  traffic();
  ASSERT_EQ(stop(), 0) << log();
  const auto icmp_out = fields(out_only, {"icmp.type", "frame.packet_flags_direction"});
  EXPECT_EQ(countWhere(icmp_out, 0, "0"), 5) << "echo replies";
  EXPECT_EQ(countWhere(icmp_out, 0, "8"), 0) << "no requests: they go into the switch";
  EXPECT_EQ(countWhere(icmp_out, 1, kOut), static_cast<int>(icmp_out.size()));
}

TEST_F(CaptureTest, TwoTargetsAndVmInOneRun) {
  const std::string out = file("two.pcapng");
  start({"--switchport", "vm1", "--vm", "vm2-uuid", "-o", out});
  ping("vm1", "10.0.0.2", 5);
  usleep(300000);
  ASSERT_EQ(stop(), 0) << log();
  const auto rows = fields(out, {"frame.interface_name"}, "icmp");
  for (const char* iface : {"vm1-in", "vm1-out", "vm2-uuid-in", "vm2-uuid-out"}) {
    EXPECT_EQ(countWhere(rows, 0, iface), 5) << iface;
  }
}

TEST_F(CaptureTest, StdoutStreamsIntoTshark) {
  std::string argv;
  for (const auto& a : captureArgv({"--switchport", "vm1", "-c", "6", "-o", "-"})) argv += a + " ";
  const std::string err = file("stream.err"), out = file("stream.txt");
  Background pipe({"bash", "-c",
                   argv + "2>" + err + " | tshark -l -r - -T fields -e frame.interface_name >" +
                       out + " 2>/dev/null"},
                  tmp_.path() / "pipe.log");
  for (int i = 0; i < 500 && run({"grep", "-q", "Ctrl-C stops", err}).exit_code != 0; ++i) {
    usleep(10000);
  }
  ping("vm1", "10.0.0.2", 5);
  for (int i = 0; i < 500 && pipe.running(); ++i) usleep(10000);
  EXPECT_EQ(pipe.stop(), 0);
  auto lines = run({"grep", "-c", "vm1-", out});
  EXPECT_EQ(lines.out, "6\n") << run({"cat", err}).out;
  EXPECT_EQ(captureRows(), 0);
}

TEST_F(CaptureTest, FlagErrorsAreOneLineAndExit2) {
  auto unknown = run(captureArgv({"--switchport", "vm3", "-o", file("x.pcapng")}));
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("--switchport vm3: no port name, ofport or iface-id"),
            std::string::npos)
      << unknown.err;
  EXPECT_NE(unknown.err.find("did you mean vm1, vm2"), std::string::npos) << unknown.err;
  auto snap = run(captureArgv({"--switchport", "vm1", "-s", "10", "-o", file("x.pcapng")}));
  EXPECT_EQ(snap.exit_code, 2);
  EXPECT_NE(snap.err.find("-s 10: between 24 and 262144"), std::string::npos) << snap.err;
  auto conflict =
      run(captureArgv({"--switchport", "vm1", "--capture", "PortInput", "--dir", "1", "-o", "x"}));
  EXPECT_EQ(conflict.exit_code, 2);
  EXPECT_NE(conflict.err.find("conflict"), std::string::npos) << conflict.err;
  auto drop = run(captureArgv({"--switchport", "vm1", "--capture", "Drop", "-o", "x"}));
  EXPECT_EQ(drop.exit_code, 2);
  EXPECT_NE(drop.err.find("no OVS equivalent"), std::string::npos) << drop.err;
  auto unwritable = run(captureArgv({"--switchport", "vm1", "-o", "/proc/nope/x.pcapng"}));
  EXPECT_EQ(unwritable.exit_code, 1);
  EXPECT_NE(unwritable.err.find("-o /proc/nope/x.pcapng"), std::string::npos) << unwritable.err;
  EXPECT_EQ(captureRows(), 0) << "nothing is programmed for a run that cannot write";
}

TEST_F(CaptureTest, FullDiskEndsCleanlyWithReadableFile) {
  const std::string mnt = file("mnt");
  std::filesystem::create_directory(mnt);
  ASSERT_EQ(mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=1m"), 0);
  struct Unmount {
    std::string path;
    ~Unmount() { umount2(path.c_str(), MNT_DETACH); }
  } unmount{mnt};
  const std::string out = mnt + "/full.pcapng";
  start({"--switchport", "vm1", "-o", out});
  sb_->exec("vm1", {"ping", "-q", "-f", "-s", "1400", "-c", "1500", "10.0.0.2"});
  ASSERT_TRUE(waitExit(10)) << "a full disk ends the capture: " << log();
  EXPECT_EQ(stop(), 1);
  EXPECT_NE(log().find("No space left on device"), std::string::npos) << log();
  EXPECT_NE(log().find("Stopped by write-error"), std::string::npos) << log();
  const auto rows = fields(out, {"frame.len"});
  EXPECT_GT(rows.size(), 100u) << "the partial file is readable up to its last record";
  EXPECT_EQ(captureRows(), 0);
}

}  // namespace
}  // namespace ovse::test
