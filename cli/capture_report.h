// `mirrorctl capture` reporting: the live progress line, pktcap-uw's closing sentence ("Dumped N
// packets to file F, dropped M packets.") with a per-target table, and the --json document.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "erspan/capture/mirror_capture.h"
#include "mirror_manager/capture_switch.h"

namespace ovse::cli {

/// How a run ended.
struct CaptureEnd {
  std::string reason;   ///< "count", "duration", "signal", "write-error", "error"
  std::string message;  ///< the write error or other failure, "" when none
  double elapsed_s = 0;
  bool rows_removed = true;
};

/// "1234 packets (in 600, out 634), 1.2 MB written, 0 dropped, 12.0 s".
std::string captureProgressLine(const erspan::capture::MirrorCapture& io, double elapsed_s);

/// The summary as JSON.
nlohmann::json captureSummaryJson(const erspan::capture::MirrorCapture& io, const manager::CaptureSwitch& sw,
                                  const std::vector<std::string>& labels, const CaptureEnd& end);

/// The summary for humans: the closing sentence and a table per target and direction.
void printCaptureSummary(std::ostream& out, const erspan::capture::MirrorCapture& io, const manager::CaptureSwitch& sw,
                         const std::vector<std::string>& labels, const CaptureEnd& end);

/// "1.2 MB" style (1 MB = 1,000,000 bytes, like -C).
std::string humanBytes(std::uint64_t bytes);

}  // namespace ovse::cli
