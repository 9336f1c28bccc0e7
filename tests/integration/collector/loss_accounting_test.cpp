// `mirrorctl collect` loss accounting against replays built by scapy (loss_pcap.py): an exporter
// restart, a forged outlier, OVS-like native sessions sharing the host counter beside an exporter
// session of the same address, reordering and duplicates, runt inner frames. Live: ovs-vswitchd
// killed (-9) and restarted under two native ERSPAN sessions with a real collector.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
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

}  // namespace
}  // namespace ovse::test
