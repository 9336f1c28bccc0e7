// Prometheus text exposition (format 0.0.4) of the daemon's metrics: per-session mirrored
// packets and bytes (OVS Mirror.statistics), session state, the OVSDB connection, reconcile and
// HTTP counters. Pure: the daemon fills a MetricsInput, formatMetrics renders it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mirror_manager/session_service.h"

namespace ovse::manager::daemon {

/// The Content-Type of the text format.
inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

/// The figures of a session's exporter pipeline (exporter-backed ERSPAN sessions).
struct ExporterFigures {
  bool running = false;
  std::string error;  ///< why it is not running ("" while it runs)
  std::uint64_t received = 0;
  std::uint64_t exported = 0;
  std::uint64_t filtered_out = 0;
  std::uint64_t sampled_out = 0;
  std::uint64_t truncated = 0;
  std::uint64_t rate_dropped = 0;
  std::uint64_t kernel_dropped = 0;
};

/// The figures of the file writer the daemon runs for a capture-type session.
struct CaptureFigures {
  bool running = false;
  std::string error;  ///< why it is not writing, or a port it cannot read ("" when all is well)
  std::string file;   ///< the file being written
  std::vector<std::string> ports;  ///< the session's internal ports it reads now
  std::uint64_t file_bytes = 0;
  std::uint64_t packets_in = 0;  ///< ingress (into the switch from the sources)
  std::uint64_t packets_out = 0;
  std::uint64_t bytes_in = 0;  ///< original (wire) bytes
  std::uint64_t bytes_out = 0;
  std::uint64_t sampled_out = 0;
  std::uint64_t kernel_dropped = 0;
};

/// One session's figures.
/// (SessionSummary: name, type, state, enabled, and its Mirror rows' tx packets and bytes.)
struct SessionMetrics : SessionSummary {
  std::optional<ExporterFigures> exporter;  ///< when the daemon runs an exporter for it
  std::optional<CaptureFigures> capture;    ///< when the daemon writes a capture file for it
};

/// What the HTTP listeners refused or survived; they only grow while the daemon runs.
struct HttpServerCounters {
  std::uint64_t handler_failures = 0;     ///< requests whose handler threw (answered 500)
  std::uint64_t connections_refused = 0;  ///< connections over the cap (answered 503)
  std::uint64_t accept_failures = 0;      ///< accept() errors, e.g. out of descriptors
};

/// The daemon's own counters; they only grow while it runs.
/// (ServiceCounters: reconcile runs, actions and failures, store reloads and their failures.)
struct DaemonCounters : ServiceCounters {
  std::map<int, std::uint64_t> http_responses;  ///< by status code
  HttpServerCounters http;
};

/// Everything /metrics shows.
struct MetricsInput {
  std::vector<SessionMetrics> sessions;
  std::string ovsdb_state;  ///< connecting, connected, failed
  DaemonCounters counters;
};

/// The states a session can be in, in the order the state gauge lists them.
inline constexpr std::string_view kSessionStates[] = {"active",   "degraded", "waiting",
                                                      "disabled", "error",    "unknown"};

/// The OVSDB connection states, in the order the connection gauge lists them.
inline constexpr std::string_view kOvsdbStates[] = {"connecting", "connected", "failed"};

/// `value` escaped for a label value: backslash, double quote and newline.
std::string escapeLabelValue(std::string_view value);

/// The exposition text: every family with # HELP and # TYPE lines, samples sorted by session.
std::string formatMetrics(const MetricsInput& in);

}  // namespace ovse::manager::daemon
