// What makes an exporter-backed or capture session `active`: OVS copying to its internal ports
// is not enough, something must read them. The reconciler takes what the process computing
// states knows of the pipelines (PipelineReport) and says waiting or error with why.
#include <gtest/gtest.h>

#include "converge.h"
#include "fake_switch.h"
#include "mirror_manager/reconciler.h"

namespace ovse::manager {
namespace {

Session captureSession() {
  Session s;
  s.name = "cap";
  s.type = SessionType::kCapture;
  s.sources = {{.iface_id = "vm-a"}};
  s.destination = CaptureDestination{.file = "cap.pcapng"};
  return s;
}

Session exporterSession() {
  Session s;
  s.name = "exp";
  s.type = SessionType::kErspan;
  s.sources = {{.iface_id = "vm-a"}};
  s.destination = ErspanDestination{.remote_ip = "192.0.2.10", .backend = ErspanBackend::kExporter};
  return s;
}

class PipelineStateTest : public ::testing::Test {
 protected:
  void SetUp() override { fake_.addPort("br0", "vm1", {{"iface-id", "vm-a"}}); }

  // Programs `sessions` (as any writer does), then returns the statuses under `report`.
  std::vector<SessionStatus> statuses(const std::vector<Session>& sessions,
                                      const PipelineReport& report) {
    ReconcileScope scope;
    scope.pipelines = report;
    return ovse::test::converge(fake_, sessions, scope);
  }

  test::FakeSwitch fake_;
};

TEST_F(PipelineStateTest, WithoutServeExporterAndCaptureSessionsWaitAndSayWhy) {
  auto s = statuses({exporterSession(), captureSession()}, PipelineReport{});
  ASSERT_EQ(s.size(), 2u);
  for (const auto& status : s) {
    EXPECT_EQ(status.state, SessionState::kWaiting) << status.name;
    EXPECT_EQ(status.missing, std::vector<std::string>{kNoServeRuns}) << status.name;
    EXPECT_FALSE(status.mirrors.empty()) << "still programmed: " << status.name;
  }
}

TEST_F(PipelineStateTest, NativeAndLocalSessionsNeedNoPipeline) {
  Session native = exporterSession();
  std::get<ErspanDestination>(native.destination).backend = ErspanBackend::kNative;
  fake_.addPort("br0", "tap");
  Session local = captureSession();
  local.name = "loc";
  local.type = SessionType::kLocal;
  local.destination = LocalDestination{"tap"};
  auto s = statuses({local}, PipelineReport{});
  EXPECT_EQ(s[0].state, SessionState::kActive);
  EXPECT_FALSE(needsPipeline(native));
  EXPECT_FALSE(needsPipeline(local));
  EXPECT_TRUE(needsPipeline(exporterSession()));
  EXPECT_TRUE(needsPipeline(captureSession()));
}

TEST_F(PipelineStateTest, ServeRunningThePipelineMakesItActive) {
  PipelineReport report{.supervised = true};
  report.runs["exp"] = {.session = exporterSession(), .running = true};
  auto s = statuses({exporterSession()}, report);
  EXPECT_EQ(s[0].state, SessionState::kActive);
  EXPECT_TRUE(s[0].missing.empty());
}

TEST_F(PipelineStateTest, AFailedPipelineIsAnErrorWithItsReason) {
  PipelineReport report{.supervised = true};
  report.runs["exp"] = {.session = exporterSession(),
                        .failed = true,
                        .reason = "exporter not started: oe1234abcdi: No such device"};
  auto s = statuses({exporterSession()}, report);
  EXPECT_EQ(s[0].state, SessionState::kError);
  EXPECT_EQ(s[0].problems,
            std::vector<std::string>{"exporter not started: oe1234abcdi: No such device"});
}

// The supervisor follows the store after the round: a changed session's pipeline is not the
// one that failed or ran before (so a fix is not refused for the old version's failure).
TEST_F(PipelineStateTest, APipelineOfAnEarlierVersionIsNotYetStarted) {
  Session before = exporterSession();
  PipelineReport report{.supervised = true};
  report.runs["exp"] = {.session = before, .failed = true, .reason = "exporter ended: x"};
  Session now = before;
  now.sampling_rate = 4;
  auto s = statuses({now}, report);
  EXPECT_EQ(s[0].state, SessionState::kWaiting);
  EXPECT_EQ(s[0].missing, std::vector<std::string>{"its exporter has not started yet"});
}

TEST_F(PipelineStateTest, APipelineWaitingForItsPortsWaits) {
  PipelineReport report{.supervised = true};
  report.runs["cap"] = {.session = captureSession(), .reason = "waiting for its ports in OVS"};
  auto s = statuses({captureSession()}, report);
  EXPECT_EQ(s[0].state, SessionState::kWaiting);
  EXPECT_EQ(s[0].missing,
            std::vector<std::string>{"its capture file writer is waiting for its ports in OVS"});
}

TEST_F(PipelineStateTest, DisabledSessionsStayDisabled) {
  Session s = captureSession();
  s.enabled = false;
  EXPECT_EQ(statuses({s}, PipelineReport{})[0].state, SessionState::kDisabled);
}

}  // namespace
}  // namespace ovse::manager
