// The part of a session's state its pipeline decides (see mirror_manager/pipeline_report.h).
#pragma once

#include "mirror_manager/pipeline_report.h"
#include "mirror_manager/reconciler.h"

namespace ovse::manager {

/// A programmed session that cannot deliver yet (`why`, added to `missing`) is `waiting`; one
/// that was already waiting keeps waiting.
void waitFor(SessionStatus& status, std::string why);

/// Makes `status` say what the pipeline of `s` does: a programmed exporter-backed or capture
/// session is `waiting` while nothing reads its ports (no `mirrorctl serve`, or its pipeline
/// has not started or waits for its ports) and `error` when the pipeline failed. Other
/// sessions, and those already in error or disabled, keep their status.
void applyPipelineState(const Session& s, const PipelineReport& report, SessionStatus& status);

}  // namespace ovse::manager
