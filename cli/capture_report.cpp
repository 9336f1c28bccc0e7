// Capture progress line, summary table and JSON, built from MirrorCapture and CaptureSwitch.
#include "capture_report.h"

#include <cstdio>

#include "table.h"

namespace ovse::cli {
namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

std::string filesText(const erspan::capture::MirrorCapture& io) {
  const auto& paths = io.paths();
  if (paths.empty()) return "(none)";
  if (paths.size() == 1) return paths.front();
  return paths.front() + " .. " + paths.back() + " (" + std::to_string(paths.size()) + " files)";
}

nlohmann::json directionJson(const erspan::capture::DirectionCounters& c) {
  nlohmann::json j;
  j["packets"] = c.packets;
  j["bytes"] = c.bytes;
  j["kernel_dropped"] = c.kernel_drops;
  return j;
}

}  // namespace

std::string humanBytes(std::uint64_t bytes) {
  char buf[32];
  if (bytes < 10000) {
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  } else if (bytes < 10000000) {
    std::snprintf(buf, sizeof buf, "%.1f kB", static_cast<double>(bytes) / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
  }
  return buf;
}

std::string captureProgressLine(const erspan::capture::MirrorCapture& io, double elapsed_s) {
  std::uint64_t in = 0, out = 0;
  for (const auto& c : io.counters()) {
    in += c[0].packets;
    out += c[1].packets;
  }
  char tail[64];
  std::snprintf(tail, sizeof tail, "%.1f s", elapsed_s);
  return std::to_string(io.packets()) + " packets (in " + std::to_string(in) + ", out " +
         std::to_string(out) + "), file " + humanBytes(io.fileBytes()) + ", dropped " +
         std::to_string(io.kernelDrops()) + " by the kernel, " + tail;
}

nlohmann::json captureSummaryJson(const erspan::capture::MirrorCapture& io, const manager::CaptureSwitch& sw,
                                  const std::vector<std::string>& labels, const CaptureEnd& end) {
  nlohmann::json j;
  j["packets"] = io.packets();
  j["kernel_dropped"] = io.kernelDrops();
  j["write_dropped"] = io.outputCounters().dropped_count;
  j["files"] = io.paths();
  j["elapsed_s"] = end.elapsed_s;
  j["stopped_by"] = end.reason;
  if (!end.message.empty()) j["error"] = end.message;
  j["owner"] = sw.owner();
  j["rows_removed"] = end.rows_removed;
  j["rebinds"] = sw.rebindCount();
  nlohmann::json targets = nlohmann::json::array();
  const auto counters = io.counters();
  for (std::size_t t = 0; t < labels.size(); ++t) {
    nlohmann::json tj;
    tj["target"] = labels[t];
    tj["ports"] = sw.presence()[t].ports;
    tj["gone_count"] = sw.presence()[t].gone_count;
    tj["in"] = directionJson(counters[t][0]);
    tj["out"] = directionJson(counters[t][1]);
    targets.push_back(tj);
  }
  j["targets"] = targets;
  return j;
}

void printCaptureSummary(std::ostream& out, const erspan::capture::MirrorCapture& io, const manager::CaptureSwitch& sw,
                         const std::vector<std::string>& labels, const CaptureEnd& end) {
  out << "Dumped " << io.packets() << " packets to file " << filesText(io) << ", dropped "
      << io.kernelDrops() << " packets (kernel ring)";
  if (io.outputCounters().dropped_count != 0) {
    out << ", " << io.outputCounters().dropped_count << " lost to write errors";
  }
  out << ".\n";
  Table table(
      {"TARGET", "PORTS NOW", "IN PKTS", "IN BYTES", "OUT PKTS", "OUT BYTES", "DROPPED", "GONE"});
  const auto counters = io.counters();
  for (std::size_t t = 0; t < labels.size(); ++t) {
    const auto& c = counters[t];
    table.addRow({labels[t], joined(sw.presence()[t].ports), std::to_string(c[0].packets),
                  std::to_string(c[0].bytes), std::to_string(c[1].packets),
                  std::to_string(c[1].bytes), std::to_string(c[0].kernel_drops + c[1].kernel_drops),
                  std::to_string(sw.presence()[t].gone_count)});
  }
  table.print(out);
  char elapsed[32];
  std::snprintf(elapsed, sizeof elapsed, "%.1f", end.elapsed_s);
  out << "Stopped by " << end.reason << " after " << elapsed << " s"
      << (end.rows_removed ? "; capture mirrors and ports removed" : "") << ".\n";
}

}  // namespace ovse::cli
