// `mirrorctl export --read IN --write OUT` checked by independent decoders: tshark reads every
// field we set, scapy finds the inner frames equal to the input (or its prefix, T set), and our
// own collector decodes them back to the input frames and timestamps.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "harness/process.h"

namespace ovse::test {
namespace {

using ::testing::HasSubstr;

constexpr std::size_t kInputFrames = 10;

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, sep);) out.push_back(item);
  return out;
}

// "1700000000.123456717" → nanoseconds, exactly.
std::uint64_t epochNs(const std::string& text) {
  const auto dot = text.find('.');
  std::string frac = text.substr(dot + 1);
  frac.resize(9, '0');
  return std::stoull(text.substr(0, dot)) * 1'000'000'000ull + std::stoull(frac);
}

class ExportInterop : public ::testing::Test {
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

  // Runs the exporter from in.pcap to `name` with `flags`; returns the output path.
  std::string exportTo(const std::string& name, std::vector<std::string> flags) {
    const std::string out = (tmp_.path() / name).string();
    std::vector<std::string> argv = {OVSE_MIRRORCTL, "export",   "--read",   in_,
                                     "--write",      out,        "--remote", "10.9.9.9",
                                     "--source",     "10.8.8.8", "--mtu",    "1500"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    const auto r = run(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return out;
  }

  // One row per packet, fields separated by '|'.
  std::vector<std::vector<std::string>> fields(const std::string& file,
                                               const std::vector<std::string>& names) {
    std::vector<std::string> argv = {"tshark", "-r", file, "-T", "fields", "-E", "separator=|"};
    for (const auto& n : names) argv.insert(argv.end(), {"-e", n});
    const auto r = run(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::vector<std::string>> rows;
    for (const auto& line : split(r.out, '\n')) rows.push_back(split(line + "|", '|'));
    return rows;
  }

  std::vector<std::uint64_t> inputTimes() {
    std::vector<std::uint64_t> out;
    for (const auto& row : fields(in_, {"frame.time_epoch"})) out.push_back(epochNs(row[0]));
    return out;
  }

  TempDir tmp_;
  std::string in_;
};

TEST_F(ExportInterop, TsharkDecodesTypeIIIFields) {
  const auto out = exportTo("iii.pcap", {"--type", "erspan3", "--session-id", "567", "--hwid", "7",
                                         "--gra", "100ns", "--dscp", "46", "--ttl", "9",
                                         "--read-direction", "egress", "--index", "0x1234"});
  const auto rows = fields(
      out, {"ip.src", "ip.dst", "ip.dsfield.dscp", "ip.ttl", "ip.flags.df", "gre.sequence_number",
            "erspan.version", "erspan.spanid", "erspan.hw", "erspan.direction", "erspan.gra",
            "erspan.o", "erspan.platid", "erspan.timestamp", "erspan.pid3.timestamp",
            "erspan.truncated", "erspan.vlan", "erspan.cos", "erspan.bso"});
  const auto times = inputTimes();
  ASSERT_EQ(rows.size(), kInputFrames);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    SCOPED_TRACE(i);
    EXPECT_THAT(r[0], testing::StartsWith("10.8.8.8"));
    EXPECT_THAT(r[1], testing::StartsWith("10.9.9.9"));
    EXPECT_THAT(r[2], testing::StartsWith("46"));
    EXPECT_THAT(r[3], testing::StartsWith("9"));
    EXPECT_THAT(r[4], testing::StartsWith("1"));
    EXPECT_EQ(r[5], std::to_string(i));
    EXPECT_EQ(r[6], "2");
    EXPECT_EQ(r[7], "567");
    EXPECT_EQ(r[8], "7");
    EXPECT_EQ(r[9], "1");
    EXPECT_EQ(r[10], "1");
    EXPECT_EQ(r[11], "1");
    EXPECT_EQ(r[12], "3");
    const std::uint64_t ticks = times[i] / 100;
    EXPECT_EQ(std::stoull(r[13]), ticks & 0xFFFFFFFF);
    EXPECT_EQ(std::stoull(r[14], nullptr, 0), ticks >> 32);
    EXPECT_EQ(r[15], i == 9 ? "1" : "0");
  }
  EXPECT_EQ(rows[6][16], "100");  // the 802.1Q tagged frame
  EXPECT_EQ(rows[6][17], "5");
  EXPECT_EQ(rows[9][18], "2");  // 1642 bytes: oversized
}

TEST_F(ExportInterop, TypeIIEgressIndexCarriesBit19) {
  const auto out = exportTo("ii.pcap", {"--type", "erspan2", "--session-id", "12", "--index", "5",
                                        "--read-direction", "egress"});
  for (const auto& r : fields(out, {"erspan.version", "erspan.spanid", "erspan.index"})) {
    EXPECT_EQ(r[0], "1");
    EXPECT_EQ(r[1], "12");
    EXPECT_EQ(std::stoul(r[2], nullptr, 0), 0x80005u);
  }
}

TEST_F(ExportInterop, PtpTimestampIsNanosecondsAndSeconds) {
  const auto out = exportTo("ptp.pcap", {"--type", "erspan3", "--gra", "ptp"});
  const auto rows = fields(out, {"erspan.gra", "erspan.timestamp", "erspan.pid3.timestamp"});
  const auto times = inputTimes();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i][0], "2");
    EXPECT_EQ(std::stoull(rows[i][1]), times[i] % 1'000'000'000);
    EXPECT_EQ(std::stoull(rows[i][2], nullptr, 0), times[i] / 1'000'000'000);
  }
}

TEST_F(ExportInterop, IPv6OuterHeader) {
  const std::string out = (tmp_.path() / "v6.pcap").string();
  const auto r =
      run({OVSE_MIRRORCTL, "export", "--read", in_, "--write", out, "--remote", "fd00::9",
           "--source", "fd00::8", "--type", "erspan3", "--dscp", "10", "--mtu", "1280"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = fields(out, {"ipv6.dst", "ipv6.tclass", "erspan.version", "erspan.truncated"});
  ASSERT_EQ(rows.size(), kInputFrames);
  EXPECT_THAT(rows[0][0], testing::StartsWith("fd00::9"));
  EXPECT_THAT(rows[0][1], testing::StartsWith("0x00000028"));
  EXPECT_EQ(rows[9][3], "1");
}

TEST_F(ExportInterop, ScapyFindsInnerFramesForEveryType) {
  for (const std::string type : {"erspan1", "erspan2", "erspan3", "gre"}) {
    SCOPED_TRACE(type);
    const auto out = exportTo(type + ".pcap", {"--type", type, "--gra", "100ns"});
    const auto r =
        run({"/usr/bin/python3", sourcePath("tests/interop/exporter/inner_frames.py").string(), in_,
             out, type});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("ok 10 truncated 1"));
  }
}

TEST_F(ExportInterop, OurCollectorDecodesFramesAndTimes) {
  const auto out = exportTo("c.pcap", {"--type", "erspan3", "--gra", "100ns", "--snaplen", "64"});
  const std::string dec = (tmp_.path() / "dec.pcap").string();
  const auto r = run(
      {OVSE_MIRRORCTL, "collect", "--read", out, "--allow-any", "-w", dec, "--time", "exporter"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto got = fields(dec, {"frame.time_epoch", "frame.cap_len", "frame.len"});
  const auto want = fields(in_, {"frame.time_epoch", "frame.cap_len", "frame.len"});
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(epochNs(got[i][0]), epochNs(want[i][0]) / 100 * 100);
    EXPECT_EQ(std::stoul(got[i][1]), std::min<std::size_t>(64, std::stoul(want[i][1])));
  }
  // Inner bytes: the decoded file's frames are the input's, cut to 64.
  const auto same = run({"/usr/bin/python3", "-c",
                         "import sys\nfrom scapy.all import rdpcap\n"
                         "a = [bytes(p)[:64] for p in rdpcap(sys.argv[1])]\n"
                         "b = [bytes(p) for p in rdpcap(sys.argv[2])]\n"
                         "print('same' if a == b else 'differ')",
                         in_, dec});
  EXPECT_EQ(same.out, "same\n") << same.err;
}

TEST_F(ExportInterop, FlowFilterKeepsOnlyMatches) {
  const std::string stats = (tmp_.path() / "stats.json").string();
  const auto out = exportTo("f.pcap", {"--proto", "udp", "--dstport", "53", "--stats-json", stats});
  EXPECT_EQ(fields(out, {"udp.dstport"}).size(), 6u);
  std::ifstream f(stats);
  std::stringstream text;
  text << f.rdbuf();
  EXPECT_THAT(text.str(), HasSubstr("\"filtered_out\": 4"));
}

TEST_F(ExportInterop, BadOptionsNameFlagAndValue) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--srcip", "10.0.0.300"}, "--srcip 10.0.0.300: not an IPv4/IPv6 address or CIDR"},
      {{"--session-id", "2000"}, "2000"},
      {{"--index", "1048576"}, "1048576"},
      {{"--hwid", "64"}, "64"},
      {{"--snaplen", "10"}, "10"},
      {{"--filter", "tcp port banana"}, "--filter tcp port banana"},
      {{"--type", "erspan9"}, "--type erspan9"},
      {{"--rate-pps", "fast"}, "--rate-pps fast"},
  };
  for (const auto& [flags, message] : cases) {
    std::vector<std::string> argv = {
        OVSE_MIRRORCTL, "export", "--read", in_, "--write", (tmp_.path() / "x.pcap").string()};
    argv.insert(argv.end(), flags.begin(), flags.end());
    const auto r = run(argv);
    EXPECT_NE(r.exit_code, 0) << flags[0];
    EXPECT_THAT(r.err, HasSubstr(message)) << flags[0];
  }
  const auto r = run({OVSE_MIRRORCTL, "export", "--in", "nosuchif0:ingress", "--write", "-"});
  EXPECT_THAT(r.err, HasSubstr("--in nosuchif0:ingress"));
}

}  // namespace
}  // namespace ovse::test
