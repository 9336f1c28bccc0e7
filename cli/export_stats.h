// Counters of `mirrorctl export` as JSON (--stats-json, --json), as a one-line live status and as
// the final human summary.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "erspan/exporter/export_runner.h"

namespace ovse::cli {

/// Per-input and per-output counters; `captures[i]` belongs to pipeline input i.
[[nodiscard]] nlohmann::json exportStatsJson(const erspan::exporter::ExportPipeline& pipeline,
                                             const erspan::exporter::CaptureCounters& captures,
                                             double elapsed_s);

/// "in 1200 filt 3 samp 0 trunc 0 rate 0 sent 1197 err 0 | 1197 pkt/s" for a terminal.
[[nodiscard]] std::string exportStatusLine(const nlohmann::json& stats);

/// Multi-line human summary printed at the end.
[[nodiscard]] std::string exportSummary(const nlohmann::json& stats);

/// Writes `stats` to `path` atomically (temp file + rename); false on failure.
bool writeStatsFile(const std::string& path, const nlohmann::json& stats);

}  // namespace ovse::cli
