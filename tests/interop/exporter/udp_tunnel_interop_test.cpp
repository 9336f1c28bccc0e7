// `mirrorctl export --type vxlan|geneve --read IN --write OUT` checked by independent decoders:
// tshark decodes VXLAN and Geneve with our VNI, ports and (IPv6) a good UDP checksum; scapy finds
// every inner frame equal to the input's (a prefix where the MTU cut it), and so does our own
// collector; flags that do not apply to the type are refused naming flag and value.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "harness/process.h"

namespace ovse::test {
namespace {

using ::testing::HasSubstr;

constexpr std::size_t kInputFrames = 10;

std::vector<std::string> splitOn(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, sep);) out.push_back(item);
  return out;
}

// Scapy: the inner frame of every VXLAN/Geneve packet equals the input frame, or is a prefix of
// it when shorter (no T bit in these headers). Prints "ok N cut M".
constexpr const char* kInnerFrames = R"(import sys
from scapy.all import rdpcap, UDP
from scapy.layers.vxlan import VXLAN
from scapy.contrib.geneve import GENEVE
inputs = [bytes(p) for p in rdpcap(sys.argv[1])]
outputs = rdpcap(sys.argv[2])
layer = VXLAN if sys.argv[3] == 'vxlan' else GENEVE
cut = 0
for n, pkt in enumerate(outputs):
    if not pkt.haslayer(layer):
        print('packet', n, 'has no', sys.argv[3]); sys.exit(1)
    inner = bytes(pkt[layer].payload)
    if len(inner) < len(inputs[n]):
        cut += 1
        ok = inputs[n].startswith(inner)
    else:
        ok = inner == inputs[n]
    if not ok:
        print('packet', n, 'differs'); sys.exit(1)
print('ok', len(outputs), 'cut', cut)
)";

class UdpTunnelInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!haveProgram("tshark") || !haveProgram("/usr/bin/python3")) {
      GTEST_SKIP() << "needs tshark and /usr/bin/python3 with scapy";
    }
    in_ = (tmp_.path() / "in.pcap").string();
    const auto made =
        run({"/usr/bin/python3", sourcePath("tests/interop/exporter/make_input.py").string(), in_});
    ASSERT_EQ(made.exit_code, 0) << made.err;
  }

  std::vector<std::string> exportArgs(const std::string& out, const std::string& remote,
                                      const std::string& source) {
    return {OVSE_MIRRORCTL, "export", "--read", in_,      "--write", out,
            "--remote",     remote,   "--source", source, "--mtu",   "1500"};
  }

  std::string exportTo(const std::string& name, const std::vector<std::string>& flags,
                       const std::string& remote = "10.9.9.9",
                       const std::string& source = "10.8.8.8") {
    const std::string out = (tmp_.path() / name).string();
    auto argv = exportArgs(out, remote, source);
    argv.insert(argv.end(), flags.begin(), flags.end());
    const auto r = run(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return out;
  }

  // One row per packet; a field with several occurrences (outer and inner) keeps the first.
  std::vector<std::vector<std::string>> fields(const std::string& file,
                                               const std::vector<std::string>& names,
                                               const std::vector<std::string>& options = {}) {
    std::vector<std::string> argv = {"tshark", "-r", file, "-T", "fields", "-E", "separator=|"};
    argv.insert(argv.end(), options.begin(), options.end());
    for (const auto& n : names) argv.insert(argv.end(), {"-e", n});
    const auto r = run(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::vector<std::string>> rows;
    for (const auto& line : splitOn(r.out, '\n')) {
      std::vector<std::string> row;
      for (const auto& f : splitOn(line + "|", '|')) row.push_back(splitOn(f + ",", ',')[0]);
      rows.push_back(row);
    }
    return rows;
  }

  std::string innerFrames(const std::string& out, const std::string& type) {
    const auto r = run({"/usr/bin/python3", "-c", kInnerFrames, in_, out, type});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return r.out;
  }

  TempDir tmp_;
  std::string in_;
};

TEST_F(UdpTunnelInterop, TsharkDecodesVxlanWithTheVni) {
  const auto out = exportTo("vxlan.pcap", {"--type", "vxlan", "--vni", "123456"});
  const auto rows = fields(out, {"ip.proto", "udp.dstport", "udp.srcport", "vxlan.vni",
                                 "vxlan.flags", "eth.src"});
  ASSERT_EQ(rows.size(), kInputFrames);
  std::set<std::string> source_ports;
  for (const auto& row : rows) {
    EXPECT_EQ(row[0], "17");
    EXPECT_EQ(row[1], "4789");
    EXPECT_GE(std::stoi(row[2]), 49152);
    source_ports.insert(row[2]);
    EXPECT_EQ(row[3], "123456");
    EXPECT_EQ(row[4], "0x0800");  // I set, everything else reserved 0
  }
  // The input's UDP frames differ in their source port: different flows, different ports.
  EXPECT_GE(source_ports.size(), 6u);
  EXPECT_THAT(innerFrames(out, "vxlan"), HasSubstr("ok 10 cut 1"));
}

TEST_F(UdpTunnelInterop, VxlanOnAnotherPortIsDecodedAsVxlanWhenTsharkIsTold) {
  const auto out = exportTo("p.pcap", {"--type", "vxlan", "--vni", "7", "--udp-port", "8472"});
  const auto rows = fields(out, {"udp.dstport", "vxlan.vni"}, {"-d", "udp.port==8472,vxlan"});
  ASSERT_EQ(rows.size(), kInputFrames);
  EXPECT_EQ(rows[0][0], "8472");
  EXPECT_EQ(rows[0][1], "7");
}

TEST_F(UdpTunnelInterop, TsharkDecodesGeneveOverIpv6WithAGoodChecksum) {
  const auto out = exportTo("geneve.pcap", {"--type", "geneve", "--vni", "16777215"}, "fd00::9",
                            "fd00::8");
  const auto rows = fields(out,
                           {"ipv6.nxt", "udp.dstport", "geneve.vni", "geneve.proto_type",
                            "geneve.version", "geneve.flags", "udp.checksum.status"},
                           {"-o", "udp.check_checksum:TRUE"});
  ASSERT_EQ(rows.size(), kInputFrames);
  for (const auto& row : rows) {
    EXPECT_EQ(row[0], "17");
    EXPECT_EQ(row[1], "6081");
    EXPECT_EQ(row[2], "0xffffff");  // tshark prints the Geneve VNI in hex
    EXPECT_EQ(row[3], "0x6558");
    EXPECT_EQ(row[4], "0");
    EXPECT_EQ(row[5], "0x00");  // no OAM, no critical options
    EXPECT_EQ(row[6], "1") << "udp.checksum.status: 0 bad, 1 good, 2 unverified";
  }
  EXPECT_THAT(innerFrames(out, "geneve"), HasSubstr("ok 10 cut 1"));
}

TEST_F(UdpTunnelInterop, OurCollectorDecodesOurVxlanAndGenevePerVni) {
  for (const std::string type : {"vxlan", "geneve"}) {
    SCOPED_TRACE(type);
    const auto out = exportTo(type + "-c.pcap", {"--type", type, "--vni", "654321"});
    const std::string dec = (tmp_.path() / (type + "-dec.pcap")).string();
    const auto r = run({OVSE_MIRRORCTL, "collect", "--read", out, "--allow-any", "-w", dec});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out + r.err, HasSubstr("vni 654321"));
    // The decoded frames are the input's (the MTU-cut one a prefix).
    const auto same = run({"/usr/bin/python3", "-c",
                           "import sys\nfrom scapy.all import rdpcap\n"
                           "a = [bytes(p) for p in rdpcap(sys.argv[1])]\n"
                           "b = [bytes(p) for p in rdpcap(sys.argv[2])]\n"
                           "ok = len(a) == len(b) and all(x.startswith(y) for x, y in zip(a, b))\n"
                           "print('same' if ok else 'differ')",
                           in_, dec});
    EXPECT_EQ(same.out, "same\n") << same.err;
  }
}

TEST_F(UdpTunnelInterop, FlagsThatDoNotApplyAreRefusedNamingFlagAndValue) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--type", "vxlan", "--vni", "16777216"}, "--vni 16777216"},
      {{"--type", "vxlan"}, "--type vxlan needs --vni"},
      {{"--type", "geneve", "--vni", "1", "--session-id", "5"}, "--session-id 5"},
      {{"--type", "vxlan", "--vni", "1", "--gra", "100ns"}, "--gra 100ns"},
      {{"--type", "vxlan", "--vni", "1", "--cos", "3"}, "--cos 3"},
      {{"--type", "erspan2", "--vni", "9"}, "--vni 9"},
      {{"--type", "gre", "--udp-port", "4789"}, "--udp-port 4789"},
      {{"--type", "vxlan", "--vni", "1", "--udp-port", "0"}, "--udp-port 0"},
  };
  for (const auto& [flags, message] : cases) {
    auto argv = exportArgs((tmp_.path() / "x.pcap").string(), "10.9.9.9", "10.8.8.8");
    argv.insert(argv.end(), flags.begin(), flags.end());
    const auto r = run(argv);
    EXPECT_NE(r.exit_code, 0) << message;
    EXPECT_THAT(r.err, HasSubstr(message));
  }
}

}  // namespace
}  // namespace ovse::test
