// `mirrorctl collect` reporting: the live stats line, the --stats-json document and the final
// summary (table or --json), all built from a Collector's counters.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "erspan/collector/collector.h"

namespace ovse::cli {

/// The whole state as JSON: totals, drop reasons, capture counters, files and sessions.
nlohmann::json collectStatsJson(const erspan::collector::Collector& collector);

/// One-line live status: packets, bytes, sessions, lost, current file size.
std::string collectStatsLine(const erspan::collector::Collector& collector);

/// Writes `doc` to `path` atomically (temporary file + rename, mode 0600); false on error.
bool writeJsonFile(const std::string& path, const nlohmann::json& doc);

/// Human summary: totals, not-ours reasons that occurred, one row per session.
void printCollectSummary(std::ostream& out, const erspan::collector::Collector& collector);

}  // namespace ovse::cli
