// `mirrorctl collect -r` over AWS-style VXLAN mirror traffic and Geneve built with scapy: one file
// per (exporter, VNI), and tshark reads from each exactly the inner frames scapy put in, jumbo
// frames (9001-byte outer packets) whole; loss is reported as not measurable, never 0.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "harness/process.h"

namespace ovse::test {
namespace {

using json = nlohmann::json;

class VxlanInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!haveProgram("tshark") || !haveProgram("/usr/bin/python3")) {
      GTEST_SKIP() << "needs tshark and /usr/bin/python3 with scapy";
    }
    in_ = (tmp_.path() / "in.pcap").string();
    const auto made = run({"/usr/bin/python3",
                           sourcePath("tests/interop/collector/vxlan_pcap.py").string(), in_});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    expected_ = json::parse(made.out);
  }

  /// The inner frames of `file` as tshark reads them: interface name → frames (hex) in order.
  static std::map<std::string, std::vector<std::string>> framesByInterface(
      const std::filesystem::path& file) {
    const auto r = run({"tshark", "-r", file.string(), "-T", "json", "-x"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const auto names = run({"tshark", "-r", file.string(), "-T", "fields", "-e",
                            "frame.interface_name"});
    std::vector<std::string> name_list;
    std::stringstream lines(names.out);
    for (std::string line; std::getline(lines, line);) name_list.push_back(line);
    std::map<std::string, std::vector<std::string>> out;
    const json packets = json::parse(r.out);
    EXPECT_EQ(packets.size(), name_list.size());
    for (std::size_t i = 0; i < packets.size() && i < name_list.size(); ++i) {
      out[name_list[i]].push_back(packets[i]["_source"]["layers"]["frame_raw"][0]);
    }
    return out;
  }

  TempDir tmp_;
  std::string in_;
  json expected_;
};

TEST_F(VxlanInterop, OneFilePerVniWithTheInnerFramesByteExact) {
  const auto dir = tmp_.path() / "out";
  const auto r = run({OVSE_MIRRORCTL, "collect", "-r", in_, "--allow", "10.0.1.0/24,2001:db8::/64",
                      "-w", (dir / "%t-%e-%s.pcapng").string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json stats = json::parse(r.out);
  EXPECT_EQ(stats["not_ours_by_reason"], expected_["not_ours"]) << stats.dump(2);
  EXPECT_EQ(stats["vxlan"], 60);
  EXPECT_EQ(stats["geneve"]["packets"], 5);
  EXPECT_EQ(stats["geneve"]["with_options"], 5);
  EXPECT_EQ(stats["geneve"]["option_bytes"], 40);
  EXPECT_EQ(stats["geneve"]["critical"], 5);
  EXPECT_TRUE(stats["lost"].is_null()) << "no sequence numbers: loss must not read as 0";
  ASSERT_EQ(stats["sessions"].size(), 4u);
  for (const auto& s : stats["sessions"]) {
    EXPECT_EQ(s["loss_measurable"], false) << s.dump();
    EXPECT_TRUE(s["lost"].is_null()) << s.dump();
    EXPECT_EQ(s["loss"], "not measurable");
    EXPECT_EQ(s["written"], s["packets"]);
  }

  // One file per session, named by %t, %e and %s (the VNI).
  std::set<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    files.insert(entry.path().filename().string());
  EXPECT_EQ(files, (std::set<std::string>{"vxlan-10.0.1.5-100.pcapng", "vxlan-10.0.1.5-200.pcapng",
                                          "vxlan-10.0.1.5-123456.pcapng",
                                          "geneve-2001:db8::5-77.pcapng"}));
  std::size_t jumbo = 0;
  for (const auto& file : files) {
    const auto got = framesByInterface(dir / file);
    ASSERT_EQ(got.size(), 1u) << file;
    const auto& [name, frames] = *got.begin();
    ASSERT_TRUE(expected_.contains(name)) << file << ": interface " << name;
    EXPECT_EQ(frames, expected_[name].get<std::vector<std::string>>()) << file;
    for (const auto& f : frames) jumbo += f.size() / 2 == 9001 - 20 - 8 - 8;
    // pcapng interface statistics: the packets received, and no isb_ifdrop claiming 0 lost.
    const auto isb = run({"/usr/bin/python3",
                          sourcePath("tests/integration/collector/loss_pcap.py").string(), "isb",
                          (dir / file).string()});
    ASSERT_EQ(isb.exit_code, 0) << isb.err;
    EXPECT_EQ(json::parse(isb.out),
              json::parse(R"({"0": {"ifrecv": )" + std::to_string(frames.size()) + "}}"))
        << file;
  }
  EXPECT_EQ(jumbo, 20u) << "every third VXLAN frame is a 9001-byte outer packet's";
}

TEST_F(VxlanInterop, AllowAndMaxSessionsApplyAsForErspan) {
  // Only the IPv4 exporter allowed: the IPv6 Geneve exporter is refused and gets no file.
  auto r = run({OVSE_MIRRORCTL, "collect", "-r", in_, "--allow", "10.0.1.5", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json stats = json::parse(r.out);
  EXPECT_EQ(stats["rejected_exporter"], 5);
  EXPECT_EQ(stats["sessions"].size(), 3u);
  // Two sessions at most: the third VNI's packets are counted and dropped.
  r = run({OVSE_MIRRORCTL, "collect", "-r", in_, "--allow-any", "--max-sessions", "2", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  stats = json::parse(r.out);
  EXPECT_EQ(stats["sessions"].size(), 2u);
  EXPECT_EQ(stats["session_limit"], 20 + 5);
  // --session selects by VNI.
  r = run({OVSE_MIRRORCTL, "collect", "-r", in_, "--allow-any", "--session", "10.0.1.5:200",
           "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  stats = json::parse(r.out);
  ASSERT_EQ(stats["sessions"].size(), 1u);
  EXPECT_EQ(stats["sessions"][0]["vni"], 200);
}

TEST_F(VxlanInterop, PortsAreConfigurable) {
  // 4789 no longer VXLAN: those packets are not ours, by reason.
  const auto r = run({OVSE_MIRRORCTL, "collect", "-r", in_, "--allow-any", "--vxlan-port", "8472",
                      "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json stats = json::parse(r.out);
  EXPECT_EQ(stats["not_ours_by_reason"]["UDP destination port is no VXLAN or Geneve port"], 61);
  EXPECT_EQ(stats["geneve"]["packets"], 5);
  const auto bad = run({OVSE_MIRRORCTL, "collect", "-r", in_, "--allow-any", "--vxlan-port",
                        "6081"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("UDP port 6081 is given as both --vxlan-port and --geneve-port"),
            std::string::npos)
      << bad.err;
}

}  // namespace
}  // namespace ovse::test
