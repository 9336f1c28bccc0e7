// `mirrorctl capture` life cycle on a real OVS: a VM port deleted and re-created mid-capture is
// followed (and the re-bind time measured), SIGTERM removes the rows, a SIGKILLed capture's rows
// go with `mirrorctl gc` or the next capture, --list/--stop, and `mirrorctl trace` shows the
// capture's mirror.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "capture_fixture.h"

namespace ovse::test {
namespace {

double nowEpoch() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

CommandResult ctl(const Sandbox& sb, std::vector<std::string> args) {
  std::vector<std::string> argv{OVSE_MIRRORCTL};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--db", sb.dbRemote()});
  return run(argv);
}

TEST_F(CaptureTest, RecreatedPortIsFollowedAndSaidSo) {
  const std::string out = file("reset.pcapng");
  start({"--switchport", "vm1", "-o", out});
  ping("vm1", "10.0.0.2", 3);
  ASSERT_EQ(sb_->vsctl({"del-port", "vm1"}).exit_code, 0);
  for (int i = 0; i < 200 && log().find("is gone") == std::string::npos; ++i) usleep(10000);
  EXPECT_NE(log().find("vm1: port vm1 is gone"), std::string::npos) << log();
  // The VM comes back: same NIC identity (iface-id), a new Port/Interface row and ofport.
  const double readded = nowEpoch();
  ASSERT_EQ(sb_->vsctl({"add-port", "br0", "vm1", "--", "set", "interface", "vm1",
                        "external_ids:iface-id=vm1-iface", "external_ids:vm-uuid=vm1-uuid",
                        "external_ids:attached-mac=02:00:00:00:00:01"})
                .exit_code,
            0);
  ping("vm1", "10.0.0.2", 100, "0.01");
  usleep(300000);
  ASSERT_EQ(stop(), 0) << log();
  EXPECT_NE(log().find("vm1: back as port vm1 (ofport"), std::string::npos) << log();
  const auto rows = fields(out, {"frame.time_epoch", "frame.interface_name"}, "icmp.type == 8");
  int after = 0;
  double first_after = 0;
  for (const auto& r : rows) {
    const double t = std::stod(r[0]);
    if (t < readded) continue;
    if (after++ == 0) first_after = t;
  }
  EXPECT_GE(after, 90) << "echo requests captured after the port came back";
  const double rebind_ms = (first_after - readded) * 1000;
  RecordProperty("rebind_ms", std::to_string(rebind_ms));
  std::cout << "first packet captured " << rebind_ms << " ms after add-port\n";
  EXPECT_EQ(captureRows(), 0);
}

TEST_F(CaptureTest, SigtermRemovesTheRows) {
  start({"--switchport", "vm1", "-o", file("t.pcapng")});
  EXPECT_EQ(captureRows(), 4) << "two mirrors (in, out) and two internal ports";
  EXPECT_EQ(stop(SIGTERM), 0) << log();
  EXPECT_EQ(captureRows(), 0);
}

TEST_F(CaptureTest, KilledCaptureRowsGoWithGc) {
  start({"--switchport", "vm1", "-o", file("k.pcapng")});
  const auto listed = ctl(*sb_, {"capture", "--list"});
  EXPECT_NE(listed.out.find("running"), std::string::npos) << listed.out;
  EXPECT_NE(stop(SIGKILL), 0);
  EXPECT_EQ(captureRows(), 4) << "SIGKILL leaves the rows";
  const auto dead = ctl(*sb_, {"capture", "--list"});
  EXPECT_NE(dead.out.find("dead"), std::string::npos) << dead.out;
  const auto gc = ctl(*sb_, {"gc"});
  EXPECT_EQ(gc.exit_code, 0) << gc.err;
  EXPECT_NE(gc.out.find("removed 2 mirrors and 2 ports of dead capture"), std::string::npos)
      << gc.out;
  EXPECT_EQ(captureRows(), 0);
}

TEST_F(CaptureTest, NextCaptureRemovesLeftoversButNotLiveCaptures) {
  Background live(captureArgv({"--switchport", "vm2", "-o", file("live.pcapng")}),
                  tmp_.path() / "live.log");
  usleep(1500000);
  start({"--switchport", "vm1", "-o", file("a.pcapng")});
  EXPECT_NE(stop(SIGKILL), 0);
  start({"--switchport", "vm1", "-o", file("b.pcapng")});
  EXPECT_NE(log().find("removed leftover rows of a capture that is not running"), std::string::npos)
      << log();
  EXPECT_EQ(captureRows(), 8) << "this run's rows and the live capture's";
  EXPECT_EQ(stop(), 0);
  EXPECT_EQ(live.stop(SIGINT), 0);
  EXPECT_EQ(captureRows(), 0);
}

TEST_F(CaptureTest, StopAllEndsRunningCaptures) {
  start({"--switchport", "vm1", "-o", file("s.pcapng")});
  const auto stopped = ctl(*sb_, {"capture", "--stop", "all"});
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
  EXPECT_NE(stopped.out.find("sent SIGTERM"), std::string::npos) << stopped.out;
  EXPECT_TRUE(waitExit(5));
  EXPECT_EQ(stop(), 0) << log();
  EXPECT_EQ(captureRows(), 0);
}

TEST_F(CaptureTest, TraceShowsTheCaptureMirror) {
  const std::vector<std::string> flow = {
      "trace",    "--switchport",      "vm1",     "--dstip", "10.0.0.2",
      "--dstmac", "02:00:00:00:00:02", "--proto", "0x01",    "--json"};
  const auto before = ctl(*sb_, flow);
  ASSERT_EQ(before.exit_code, 0) << before.err;
  auto j = nlohmann::json::parse(before.out);
  EXPECT_TRUE(j["mirrors"].empty()) << before.out;
  start({"--switchport", "vm2", "-o", file("tr.pcapng")});
  const auto during = ctl(*sb_, flow);
  ASSERT_EQ(during.exit_code, 0) << during.err;
  j = nlohmann::json::parse(during.out);
  ASSERT_EQ(j["mirrors"].size(), 1u) << during.out;
  EXPECT_NE(j["mirrors"][0]["mirror"].get<std::string>().find(":egress"), std::string::npos);
  const auto fwd = j["forwarded_to"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(fwd.begin(), fwd.end(), "vm2"), fwd.end()) << during.out;
  EXPECT_NE(j["flow"].get<std::string>().find("nw_proto=1"), std::string::npos);
  EXPECT_EQ(stop(), 0);
}

}  // namespace
}  // namespace ovse::test
