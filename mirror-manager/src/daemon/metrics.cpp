// Prometheus text rendering (see metrics.h).
#include "mirror_manager/daemon/metrics.h"

#include <algorithm>

namespace ovse::manager::daemon {
namespace {

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void sample(std::string& out, std::string_view name, const std::string& labels,
            std::uint64_t value) {
  out += name;
  if (!labels.empty()) out += "{" + labels + "}";
  out += ' ' + std::to_string(value) + '\n';
}

std::string label(std::string_view key, std::string_view value) {
  return std::string(key) + "=\"" + escapeLabelValue(value) + "\"";
}

std::uint64_t nonNegative(std::int64_t v) { return v < 0 ? 0 : static_cast<std::uint64_t>(v); }

void sessionFamilies(std::string& out, const std::vector<SessionMetrics>& sessions) {
  family(out, "ovs_erspan_sessions", "gauge", "Mirror sessions in the store.");
  sample(out, "ovs_erspan_sessions", "", sessions.size());
  family(out, "ovs_erspan_session_info", "gauge", "A session's type; always 1.");
  for (const auto& s : sessions) {
    sample(out, "ovs_erspan_session_info", label("session", s.name) + "," + label("type", s.type),
           1);
  }
  family(out, "ovs_erspan_session_enabled", "gauge", "1 when the session is enabled.");
  for (const auto& s : sessions) {
    sample(out, "ovs_erspan_session_enabled", label("session", s.name), s.enabled ? 1 : 0);
  }
  family(out, "ovs_erspan_session_state", "gauge",
         "1 for the state the session is in, 0 for the others.");
  for (const auto& s : sessions) {
    for (auto state : kSessionStates) {
      sample(out, "ovs_erspan_session_state",
             label("session", s.name) + "," + label("state", state), s.state == state ? 1 : 0);
    }
  }
  family(out, "ovs_erspan_session_mirrored_packets_total", "counter",
         "Copies OVS sent for the session (Mirror.statistics tx_packets summed over its "
         "Mirror rows: one per destination and direction).");
  for (const auto& s : sessions) {
    sample(out, "ovs_erspan_session_mirrored_packets_total", label("session", s.name),
           nonNegative(s.mirrored_packets));
  }
  family(out, "ovs_erspan_session_mirrored_bytes_total", "counter",
         "Bytes OVS mirrored for the session (Mirror.statistics tx_bytes).");
  for (const auto& s : sessions) {
    sample(out, "ovs_erspan_session_mirrored_bytes_total", label("session", s.name),
           nonNegative(s.mirrored_bytes));
  }
}

void exporterFamilies(std::string& out, const std::vector<SessionMetrics>& sessions) {
  family(out, "ovs_erspan_exporter_running", "gauge",
         "1 while the session's exporter pipeline runs (exporter-backed sessions only).");
  for (const auto& s : sessions) {
    if (s.exporter) {
      sample(out, "ovs_erspan_exporter_running", label("session", s.name), s.exporter->running);
    }
  }
  family(out, "ovs_erspan_exporter_frames_total", "counter",
         "Mirrored frames the session's exporter read, by what became of them.");
  for (const auto& s : sessions) {
    if (!s.exporter) continue;
    const ExporterFigures& e = *s.exporter;
    const std::pair<std::string_view, std::uint64_t> outcomes[] = {
        {"received", e.received},         {"exported", e.exported},
        {"filtered_out", e.filtered_out}, {"sampled_out", e.sampled_out},
        {"truncated", e.truncated},       {"rate_dropped", e.rate_dropped},
        {"kernel_dropped", e.kernel_dropped}};
    for (const auto& [outcome, n] : outcomes) {
      sample(out, "ovs_erspan_exporter_frames_total",
             label("session", s.name) + "," + label("outcome", outcome), n);
    }
  }
}

void captureFamilies(std::string& out, const std::vector<SessionMetrics>& sessions) {
  family(out, "ovs_erspan_capture_running", "gauge",
         "1 while the daemon writes the capture-type session's file.");
  for (const auto& s : sessions) {
    if (s.capture) {
      sample(out, "ovs_erspan_capture_running", label("session", s.name), s.capture->running);
    }
  }
  family(out, "ovs_erspan_capture_packets_total", "counter",
         "Mirrored frames written to the session's capture file, by direction.");
  for (const auto& s : sessions) {
    if (!s.capture) continue;
    sample(out, "ovs_erspan_capture_packets_total",
           label("session", s.name) + "," + label("direction", "ingress"), s.capture->packets_in);
    sample(out, "ovs_erspan_capture_packets_total",
           label("session", s.name) + "," + label("direction", "egress"), s.capture->packets_out);
  }
  family(out, "ovs_erspan_capture_kernel_dropped_total", "counter",
         "Frames the kernel's capture ring dropped before the session's writer read them.");
  for (const auto& s : sessions) {
    if (s.capture) {
      sample(out, "ovs_erspan_capture_kernel_dropped_total", label("session", s.name),
             s.capture->kernel_dropped);
    }
  }
  family(out, "ovs_erspan_capture_file_bytes", "gauge", "Size of the capture file being written.");
  for (const auto& s : sessions) {
    if (s.capture) {
      sample(out, "ovs_erspan_capture_file_bytes", label("session", s.name),
             s.capture->file_bytes);
    }
  }
}

void daemonFamilies(std::string& out, const MetricsInput& in) {
  const DaemonCounters& c = in.counters;
  family(out, "ovs_erspan_ovsdb_connection_state", "gauge",
         "1 for the state of the OVSDB connection, 0 for the others.");
  for (auto state : kOvsdbStates) {
    sample(out, "ovs_erspan_ovsdb_connection_state", label("state", state),
           in.ovsdb_state == state ? 1 : 0);
  }
  family(out, "ovs_erspan_reconcile_runs_total", "counter", "Reconcile-and-apply rounds.");
  sample(out, "ovs_erspan_reconcile_runs_total", "", c.reconcile_runs);
  family(out, "ovs_erspan_reconcile_actions_total", "counter", "OVSDB actions applied.");
  sample(out, "ovs_erspan_reconcile_actions_total", "", c.reconcile_actions);
  family(out, "ovs_erspan_reconcile_failures_total", "counter",
         "Reconcile rounds whose transaction OVSDB refused.");
  sample(out, "ovs_erspan_reconcile_failures_total", "", c.reconcile_failures);
  family(out, "ovs_erspan_store_reloads_total", "counter", "Session store loads from disk.");
  sample(out, "ovs_erspan_store_reloads_total", "", c.store_reloads);
  family(out, "ovs_erspan_store_reload_failures_total", "counter",
         "Session store loads that failed (the sessions loaded before stay).");
  sample(out, "ovs_erspan_store_reload_failures_total", "", c.store_reload_failures);
  family(out, "ovs_erspan_http_responses_total", "counter", "HTTP responses by status code.");
  for (const auto& [code, n] : c.http_responses) {
    sample(out, "ovs_erspan_http_responses_total", label("code", std::to_string(code)), n);
  }
  family(out, "ovs_erspan_http_handler_failures_total", "counter",
         "Requests whose handler failed unexpectedly (answered 500; the daemon kept running).");
  sample(out, "ovs_erspan_http_handler_failures_total", "", c.http.handler_failures);
  family(out, "ovs_erspan_http_connections_refused_total", "counter",
         "Connections refused because the connection limit was reached (answered 503).");
  sample(out, "ovs_erspan_http_connections_refused_total", "", c.http.connections_refused);
  family(out, "ovs_erspan_http_accept_failures_total", "counter",
         "Failed accept() calls (e.g. out of file descriptors); the listener backs off.");
  sample(out, "ovs_erspan_http_accept_failures_total", "", c.http.accept_failures);
}

}  // namespace

std::string escapeLabelValue(std::string_view value) {
  std::string out;
  for (char ch : value) {
    if (ch == '\\')
      out += "\\\\";
    else if (ch == '"')
      out += "\\\"";
    else if (ch == '\n')
      out += "\\n";
    else
      out += ch;
  }
  return out;
}

std::string formatMetrics(const MetricsInput& in) {
  std::string out;
  std::vector<SessionMetrics> sessions = in.sessions;
  std::sort(sessions.begin(), sessions.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  sessionFamilies(out, sessions);
  exporterFamilies(out, sessions);
  captureFamilies(out, sessions);
  daemonFamilies(out, in);
  return out;
}

}  // namespace ovse::manager::daemon
