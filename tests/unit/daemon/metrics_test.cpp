// The /metrics text: well-formed per the strict checker, conventional names, escaped labels.
#include "mirror_manager/daemon/metrics.h"

#include <gtest/gtest.h>

#include "prometheus_text.h"

namespace ovse::manager::daemon {
namespace {

MetricsInput sample() {
  MetricsInput in;
  in.sessions.push_back({"web", "erspan", "active", true, 42, 4200});
  in.sessions.push_back({"db \"main\"\\\n", "local", "disabled", false, 0, 0});
  SessionMetrics exported{"x", "erspan", "active", true, 0, 0};
  exported.exporter = ExporterFigures{.running = true, .received = 12, .exported = 10,
                                      .sampled_out = 2};
  in.sessions.push_back(exported);
  in.ovsdb_state = "connected";
  in.counters.reconcile_runs = 7;
  in.counters.reconcile_actions = 3;
  in.counters.http_responses[200] = 5;
  in.counters.http_responses[404] = 1;
  return in;
}

TEST(DaemonMetrics, OutputPassesTheStrictFormatCheck) {
  auto parsed = test::parsePrometheusText(formatMetrics(sample()));
  ASSERT_EQ(parsed.error, "");
  for (const auto& [family, type] : parsed.types) {
    EXPECT_EQ(family.rfind("ovs_erspan_", 0), 0u) << family;
    bool total = family.size() > 6 && family.ends_with("_total");
    EXPECT_EQ(type == "counter", total) << family << " is a " << type;
  }
}

TEST(DaemonMetrics, SessionCountersAndStateSet) {
  auto p = test::parsePrometheusText(formatMetrics(sample()));
  ASSERT_EQ(p.error, "");
  EXPECT_EQ(p.value("ovs_erspan_session_mirrored_packets_total", {{"session", "web"}}), 42);
  EXPECT_EQ(p.value("ovs_erspan_session_mirrored_bytes_total", {{"session", "web"}}), 4200);
  EXPECT_EQ(p.value("ovs_erspan_session_state", {{"session", "web"}, {"state", "active"}}), 1);
  EXPECT_EQ(p.value("ovs_erspan_session_state", {{"session", "web"}, {"state", "error"}}), 0);
  EXPECT_EQ(p.value("ovs_erspan_session_enabled", {{"session", "db \"main\"\\\n"}}), 0);
  EXPECT_EQ(p.value("ovs_erspan_ovsdb_connection_state", {{"state", "connected"}}), 1);
  EXPECT_EQ(p.value("ovs_erspan_ovsdb_connection_state", {{"state", "failed"}}), 0);
  EXPECT_EQ(p.value("ovs_erspan_reconcile_runs_total"), 7);
  EXPECT_EQ(p.value("ovs_erspan_http_responses_total", {{"code", "404"}}), 1);
  EXPECT_EQ(p.value("ovs_erspan_sessions"), 3);
}

TEST(DaemonMetrics, ExporterFramesByOutcomeOnlyForExporterSessions) {
  auto p = test::parsePrometheusText(formatMetrics(sample()));
  ASSERT_EQ(p.error, "");
  EXPECT_EQ(p.value("ovs_erspan_exporter_running", {{"session", "x"}}), 1);
  EXPECT_EQ(p.value("ovs_erspan_exporter_frames_total", {{"session", "x"}, {"outcome", "exported"}}),
            10);
  EXPECT_EQ(
      p.value("ovs_erspan_exporter_frames_total", {{"session", "x"}, {"outcome", "sampled_out"}}),
      2);
  EXPECT_EQ(p.value("ovs_erspan_exporter_running", {{"session", "web"}}), -1) << "not an exporter";
}

TEST(DaemonMetrics, EscapesLabelValues) {
  EXPECT_EQ(escapeLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  std::string text = formatMetrics(sample());
  EXPECT_NE(text.find("session=\"db \\\"main\\\"\\\\\\n\""), std::string::npos);
}

TEST(DaemonMetrics, CheckerRejectsMalformedText) {
  EXPECT_NE(test::parsePrometheusText("x 1\n").error, "");
  EXPECT_NE(test::parsePrometheusText("# HELP x h\n# TYPE x gauge\nx{a=\"1} 1\n").error, "");
  EXPECT_NE(test::parsePrometheusText("# HELP x h\n# TYPE x gauge\nx 1\nx 2\n").error, "");
  EXPECT_NE(test::parsePrometheusText("# HELP x h\n# TYPE x counter\nx -1\n").error, "");
  EXPECT_EQ(test::parsePrometheusText("# HELP x h\n# TYPE x gauge\nx{a=\"\\n\"} 1\n").error, "");
}

}  // namespace
}  // namespace ovse::manager::daemon
