// Export counters as JSON, a status line and a summary; --stats-json written atomically.
#include "export_stats.h"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "mirror_manager/json_text.h"

namespace ovse::cli {
namespace {

using erspan::exporter::Direction;

nlohmann::json errnoCounts(const erspan::io::SinkStats& s) {
  nlohmann::json out = nlohmann::json::object();
  for (std::size_t e = 0; e < s.errors_by_errno.size(); ++e) {
    if (s.errors_by_errno[e] == 0) continue;
    const char* name = strerrorname_np(static_cast<int>(e));
    out[name != nullptr ? name : std::to_string(e)] = s.errors_by_errno[e];
  }
  return out;
}

std::uint64_t sum(const nlohmann::json& list, const char* key) {
  std::uint64_t total = 0;
  for (const auto& item : list) total += item.value(key, std::uint64_t{0});
  return total;
}

}  // namespace

nlohmann::json exportStatsJson(const erspan::exporter::ExportPipeline& p,
                               const erspan::exporter::CaptureCounters& captures,
                               double elapsed_s) {
  nlohmann::json inputs = nlohmann::json::array();
  for (std::size_t i = 0; i < p.inputCount(); ++i) {
    const auto& s = p.inputStats(i);
    nlohmann::json in = {
        {"name", p.inputName(i)},
        {"direction", p.inputDirection(i) == Direction::kEgress ? "egress" : "ingress"},
        {"received", s.received_count},
        {"filtered_out", s.filtered_out_count},
        {"sampled_out", s.sampled_out_count},
        {"truncated", s.truncated_count},
        {"rate_dropped", s.rate_dropped_count},
        {"exported", s.exported_count}};
    if (i < captures.size()) {
      in["kernel_received"] = captures[i].received_count;
      in["kernel_dropped"] = captures[i].kernel_drop_count;
      in["interface_dropped"] = captures[i].interface_drop_count;
    }
    inputs.push_back(in);
  }
  nlohmann::json outputs = nlohmann::json::array();
  for (const auto& target : p.sinks()) {
    const auto& s = target.sink->stats();
    outputs.push_back({{"name", target.sink->name()},
                       {"sent", s.sent_count},
                       {"sent_bytes", s.sent_bytes},
                       {"sent_on_link", s.link_sent_count},
                       {"send_errors", s.error_count},
                       {"errors_by_errno", errnoCounts(s)}});
  }
  return {{"elapsed_s", elapsed_s},
          {"next_sequence", p.nextSequence()},
          {"inputs", inputs},
          {"outputs", outputs}};
}

std::string exportStatusLine(const nlohmann::json& stats) {
  const auto& in = stats["inputs"];
  const auto& out = stats["outputs"];
  char line[256];
  std::snprintf(line, sizeof line,
                "in %llu  filtered %llu  sampled %llu  truncated %llu  rate-dropped %llu  "
                "sent %llu  errors %llu",
                static_cast<unsigned long long>(sum(in, "received")),
                static_cast<unsigned long long>(sum(in, "filtered_out")),
                static_cast<unsigned long long>(sum(in, "sampled_out")),
                static_cast<unsigned long long>(sum(in, "truncated")),
                static_cast<unsigned long long>(sum(in, "rate_dropped")),
                static_cast<unsigned long long>(sum(out, "sent")),
                static_cast<unsigned long long>(sum(out, "send_errors")));
  return line;
}

std::string exportSummary(const nlohmann::json& stats) {
  std::string out = "export summary (" + std::to_string(stats["elapsed_s"].get<double>()) + " s)\n";
  for (const auto& in : stats["inputs"]) {
    out += "  input " + in["name"].get<std::string>() + " (" + in["direction"].get<std::string>() +
           "): received " + manager::dumpJson(in["received"]) + ", filtered out " +
           manager::dumpJson(in["filtered_out"]) + ", sampled out " +
           manager::dumpJson(in["sampled_out"]) + ", truncated " +
           manager::dumpJson(in["truncated"]) + ", rate-dropped " +
           manager::dumpJson(in["rate_dropped"]) + ", exported " +
           manager::dumpJson(in["exported"]);
    if (in.contains("kernel_dropped"))
      out += ", kernel dropped " + manager::dumpJson(in["kernel_dropped"]);
    out += "\n";
  }
  for (const auto& o : stats["outputs"]) {
    out += "  output " + o["name"].get<std::string>() + ": sent " + manager::dumpJson(o["sent"]) +
           " (" + manager::dumpJson(o["sent_bytes"]) + " bytes), errors " +
           manager::dumpJson(o["send_errors"]);
    if (!o["errors_by_errno"].empty()) out += " " + manager::dumpJson(o["errors_by_errno"]);
    out += "\n";
  }
  return out;
}

bool writeStatsFile(const std::string& path, const nlohmann::json& stats) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    if (!f) return false;
    f << manager::dumpJson(stats, 2) << '\n';
    if (!f) return false;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  return !ec;
}

}  // namespace ovse::cli
