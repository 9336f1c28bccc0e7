// What reads the mirror ports of exporter-backed ERSPAN and capture sessions: their copies reach
// the collector or the file only through a pipeline (the exporter, the capture file writer) that
// `mirrorctl serve` runs for the store's sessions. The process that computes states says what it
// knows of those pipelines; the reconciler turns it into the session's state (pipelineStatus).
#pragma once

#include <map>
#include <string>

#include "mirror_manager/session.h"

namespace ovse::manager {

/// One session's pipeline as the daemon's supervisor sees it.
struct PipelineRun {
  Session session;      ///< the session as the pipeline runs it (a newer version has not started)
  bool running = false; ///< it runs and reads the session's ports
  bool failed = false;  ///< it could not start or it ended: `reason` says why
  std::string reason;   ///< why it is not running ("" while it runs)
};

/// The pipelines the process computing states knows of.
struct PipelineReport {
  /// True in `mirrorctl serve`, which runs the store's pipelines: `runs` is then the truth (a
  /// session missing from it has not started yet). False elsewhere (the CLI without a daemon):
  /// nothing in this process reads the sessions' ports.
  bool supervised = false;
  std::map<std::string, PipelineRun> runs;  ///< by session name
  /// Unsupervised, but another process runs the pipelines (a serve holding the store while the
  /// CLI reads it with --server none): who, and how to ask it. "" when no serve runs.
  std::string supervised_elsewhere;
};

/// The state text of a session no `mirrorctl serve` runs.
inline constexpr char kNoServeRuns[] = "no mirrorctl serve runs this session";

/// True when `s`'s copies go to internal ports that only a pipeline reads (exporter-backed
/// ERSPAN, capture).
bool needsPipeline(const Session& s);

}  // namespace ovse::manager
