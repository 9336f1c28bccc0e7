// A session's state from its pipeline: OVS copying frames to an internal port delivers nothing
// until something reads that port, so `active` needs the pipeline running too.
#include "pipeline_state.h"

namespace ovse::manager {
namespace {

const char* pipelineName(const Session& s) {
  return s.type == SessionType::kCapture ? "its capture file writer" : "its exporter";
}

}  // namespace

void waitFor(SessionStatus& status, std::string why) {
  status.missing.push_back(std::move(why));
  if (status.state == SessionState::kActive || status.state == SessionState::kDegraded) {
    status.state = SessionState::kWaiting;
  }
}

bool needsPipeline(const Session& s) {
  if (s.type == SessionType::kCapture) return true;
  const auto* d = std::get_if<ErspanDestination>(&s.destination);
  return d != nullptr && d->backend == ErspanBackend::kExporter;
}

void applyPipelineState(const Session& s, const PipelineReport& report, SessionStatus& status) {
  if (!needsPipeline(s) || status.state == SessionState::kError ||
      status.state == SessionState::kDisabled) {
    return;
  }
  if (!report.supervised) {
    return waitFor(status, report.supervised_elsewhere.empty() ? std::string(kNoServeRuns)
                                                               : report.supervised_elsewhere);
  }
  auto it = report.runs.find(s.name);
  // The supervisor follows the store after each round: a new or changed session's pipeline
  // starts just after the round that programmed it.
  if (it == report.runs.end() || !(it->second.session == s)) {
    return waitFor(status, std::string(pipelineName(s)) + " has not started yet");
  }
  const PipelineRun& run = it->second;
  if (run.running) return;
  if (run.failed) {
    status.problems.push_back(run.reason);
    status.state = SessionState::kError;
    return;
  }
  waitFor(status, std::string(pipelineName(s)) + " is " + run.reason);
}

}  // namespace ovse::manager
