// `mirrorctl capture` settings as parsed from pktcap-uw style flags, shared by the command (flags),
// the run (OVS rows + packet loop) and the report.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "erspan/exporter/flow_filter.h"
#include "mirror_manager/capture_plan.h"
#include "ovsdb_flags.h"

namespace ovse::cli {

/// Everything one `mirrorctl capture` invocation asks for.
struct CaptureOptions {
  std::vector<manager::CaptureTarget> targets;  ///< --switchport/--uplink/--vmk/--port/--vm
  std::string dir = "2";                        ///< --dir 0|1|2 (rx|tx|both)
  bool dir_given = false;
  std::string point;                        ///< --capture POINT
  bool list_points = false;                 ///< -A
  std::uint64_t count = 0;                  ///< -c: stop after this many packets (0 = no limit)
  std::uint32_t snap_len_bytes = 0;         ///< -s: bytes kept per frame (0 = whole frame)
  std::string output;                       ///< -o FILE, "-" = pcapng on stdout
  bool pcapng = false;                      ///< -P/--ng
  double duration_s = 0;                    ///< --duration (0 = until stopped)
  double rotate_mb = 0;                     ///< -C: new file past this many MB
  std::uint32_t max_files = 0;              ///< -W: keep at most this many files
  erspan::exporter::FlowFilterSpec filter;  ///< flow-filter flags and --filter
  bool json = false;                        ///< final summary as JSON
  bool list = false;                        ///< --list running captures
  std::string stop;                         ///< --stop PID|all
  double progress_s = 0;                    ///< seconds between progress lines off a terminal
  OvsdbFlags ovsdb;
};

}  // namespace ovse::cli
