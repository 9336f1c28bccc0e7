// The daemon's log: one timestamped line per event on stderr (journald adds its own metadata).
#pragma once

#include <string>

namespace ovse::manager::daemon {

/// Writes "2024-01-02T03:04:05Z <line>" to stderr.
void logLine(const std::string& line);

}  // namespace ovse::manager::daemon
