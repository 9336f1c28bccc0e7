// Stats line, stats JSON and final summary of `mirrorctl collect`.
#include "collect_report.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "mirror_manager/json_text.h"
#include "table.h"

namespace ovse::cli {
namespace {

using erspan::collector::Collector;
using erspan::collector::Session;
using erspan::collector::SessionKind;

/// What the exit table and --json say where loss cannot be measured.
constexpr const char* kNotMeasurable = "not measurable";

const char* typeName(const Session& s) {
  if (const char* overlay = erspan::collector::namesOf(s.key.kind).overlay_name) return overlay;
  switch (s.last_type) {
    case erspan::ErspanType::kTypeI:
      return "I";
    case erspan::ErspanType::kTypeII:
      return "II";
    case erspan::ErspanType::kTypeIII:
      return "III";
    case erspan::ErspanType::kGreTeb:
      break;
  }
  return "GRE-TEB";
}

/// Labels of the sessions numbered from the same counter as `s` (empty unless shared).
nlohmann::json sharedWith(const Session& s, const std::vector<std::unique_ptr<Session>>& all) {
  nlohmann::json labels = nlohmann::json::array();
  if (s.seq.scope() != erspan::collector::SequenceScope::kExporter) return labels;
  for (const auto& other : all) {
    if (s.seq.sharesCounterWith(other->seq)) labels.push_back(other->label);
  }
  return labels;
}

nlohmann::json sessionJson(const Session& s, const std::vector<std::unique_ptr<Session>>& all) {
  const auto seq = s.seq.counters();
  nlohmann::json doc = {{"exporter", s.exporter_text},
          {erspan::collector::namesOf(s.key.kind).id_field, s.key.id},
          {"type", typeName(s)},
          {"interface", s.label},
          {"packets", s.packet_count},
          {"bytes", s.byte_count},
          {"written", s.written_count},
          {"filtered", s.filtered_count},
          {"dropped", s.dropped_count},
          {"runt", s.runt_count},
          {"lost", seq.lost_count},
          {"reordered", seq.reordered_count},
          {"duplicated", seq.duplicate_count},
          {"stale", seq.stale_count},
          {"invalid", seq.invalid_count},
          {"restarts", seq.restart_count},
          {"sequence_scope", erspan::collector::scopeName(s.seq.scope())},
          {"sequence_shared_with", sharedWith(s, all)},
          {"loss_measurable", true}};
  if (!erspan::collector::lossMeasured(s)) {
    // No sequence numbers: a 0 would claim nothing was lost.
    for (const char* field : {"lost", "reordered", "duplicated", "stale", "invalid", "restarts"})
      doc[field] = nullptr;
    doc["sequence_scope"] = nullptr;
    doc["loss_measurable"] = false;
    doc["loss"] = kNotMeasurable;
  }
  return doc;
}

/// The total loss, or null when every session's loss is unmeasurable.
nlohmann::json totalLost(const Collector& collector) {
  const auto& table = collector.sessions();
  if (!table.sessions().empty() && table.lossUnmeasurableCount() == table.sessions().size()) {
    return nullptr;
  }
  return table.lostCount();
}

/// "12 lost", "lost not measurable", "12 lost (3 sessions not measurable)".
std::string lostText(const Collector& collector) {
  const auto& table = collector.sessions();
  const std::size_t unmeasurable = table.lossUnmeasurableCount();
  if (unmeasurable != 0 && unmeasurable == table.sessions().size()) return "lost not measurable";
  std::string text = std::to_string(table.lostCount()) + " lost";
  if (unmeasurable != 0) text += " (" + std::to_string(unmeasurable) + " sessions not measurable)";
  return text;
}

/// The exit table's ID column: "key 5", "vni 100", or a bare ERSPAN session ID.
std::string idText(const erspan::collector::SessionKey& key) {
  if (key.kind == SessionKind::kErspan) return std::to_string(key.id);
  return std::string(erspan::collector::namesOf(key.kind).id_label) + " " + std::to_string(key.id);
}

nlohmann::json notOursJson(const erspan::collector::CollectorCounters& c) {
  nlohmann::json reasons = nlohmann::json::object();
  for (std::size_t i = 0; i < c.not_ours.size(); ++i) {
    if (c.not_ours[i] == 0) continue;
    reasons[std::string(erspan::errorName(static_cast<erspan::DecapError>(i)))] = c.not_ours[i];
  }
  if (c.unsupported_link_type != 0) reasons["unsupported link type"] = c.unsupported_link_type;
  return reasons;
}

}  // namespace

nlohmann::json collectStatsJson(const Collector& collector) {
  const auto& c = collector.counters();
  nlohmann::json sessions = nlohmann::json::array();
  const auto& all = collector.sessions().sessions();
  for (const auto& s : all) sessions.push_back(sessionJson(*s, all));
  nlohmann::json doc = {{"packets_read", c.frames_read},
                        {"bytes_read", c.bytes_read},
                        {"decapsulated", c.decapsulated},
                        {"vxlan", c.vxlan},
                        {"geneve",
                         {{"packets", c.geneve},
                          {"with_options", c.geneve_with_options},
                          {"option_bytes", c.geneve_option_bytes},
                          {"critical", c.geneve_critical}}},
                        {"not_ours", c.notOursTotal()},
                        {"not_ours_by_reason", notOursJson(c)},
                        {"rejected_exporter", c.rejected_exporter},
                        {"session_filtered", c.session_filtered},
                        {"session_limit", c.session_limit},
                        {"not_ethernet", c.not_ethernet},
                        {"runt", c.runt},
                        {"inner_filtered", c.inner_filtered},
                        {"exporter_time_missing", c.exporter_time_missing},
                        {"lost", totalLost(collector)},
                        {"loss_not_measurable_sessions",
                         collector.sessions().lossUnmeasurableCount()},
                        {"capture",
                         {{"received", c.capture.received_count},
                          {"kernel_dropped", c.capture.kernel_drop_count},
                          {"interface_dropped", c.capture.interface_drop_count}}},
                        {"tap", {{"written", c.tap_written}, {"dropped", c.tap_dropped}}},
                        {"sessions", sessions}};
  if (const auto* out = collector.outputs()) {
    doc["written"] = out->counters().written_count;
    doc["write_dropped"] = out->counters().dropped_count;
    doc["write_errors"] = out->counters().write_error_count;
    doc["files_opened"] = out->counters().files_opened;
    doc["files_closed_for_max_outputs"] = out->counters().evicted_count;
    doc["file_bytes"] = out->counters().written_bytes + out->currentBytes();
    doc["files"] = out->paths();
  }
  return doc;
}

std::string collectStatsLine(const Collector& collector) {
  const auto& c = collector.counters();
  const auto* out = collector.outputs();
  char line[256];
  std::snprintf(
      line, sizeof line, "%llu pkts  %.1f MB  %zu sessions  %s  %llu not ours  file %.1f MB",
      static_cast<unsigned long long>(c.frames_read), c.bytes_read / 1e6,
      collector.sessions().sessions().size(), lostText(collector).c_str(),
      static_cast<unsigned long long>(c.notOursTotal()), out ? out->currentBytes() / 1e6 : 0.0);
  return line;
}

bool writeJsonFile(const std::string& path, const nlohmann::json& doc) {
  const std::string tmp = path + ".tmp";
  const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  const std::string text = manager::dumpJson(doc, 2) + "\n";
  const bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(fd);
  return ok && rename(tmp.c_str(), path.c_str()) == 0;
}

void printCollectSummary(std::ostream& out, const Collector& collector) {
  const auto& c = collector.counters();
  out << "packets read " << c.frames_read << ", decapsulated " << c.decapsulated << ", not ours "
      << c.notOursTotal() << ", rejected exporter " << c.rejected_exporter << ", session filtered "
      << c.session_filtered << ", inner filtered " << c.inner_filtered << ", not Ethernet "
      << c.not_ethernet << ", runt " << c.runt << ", over --max-sessions " << c.session_limit
      << "\n";
  if (c.vxlan != 0 || c.geneve != 0) {
    out << "VXLAN " << c.vxlan << ", Geneve " << c.geneve << " (" << c.geneve_with_options
        << " with options, " << c.geneve_option_bytes << " option bytes skipped, "
        << c.geneve_critical << " with critical options); VXLAN/Geneve carry no sequence "
        << "numbers: their loss is not measurable\n";
  }
  const nlohmann::json reasons = notOursJson(c);
  for (const auto& [reason, count] : reasons.items()) {
    out << "  not ours: " << reason << ": " << count << "\n";
  }
  if (const auto* o = collector.outputs()) {
    out << "written " << o->counters().written_count << " frames in " << o->counters().files_opened
        << " file(s) (" << o->counters().evicted_count
        << " closed for --max-outputs), dropped by write errors " << o->counters().dropped_count
        << "\n";
  }
  out << "capture: received " << c.capture.received_count << ", kernel dropped "
      << c.capture.kernel_drop_count << "\n";
  Table table({"EXPORTER", "ID", "TYPE", "PACKETS", "BYTES", "WRITTEN", "LOST", "REORDERED",
               "DUPLICATED", "STALE", "INVALID", "RESTARTS", "SCOPE"});
  for (const auto& s : collector.sessions().sessions()) {
    const auto seq = s->seq.counters();
    const bool measurable = erspan::collector::lossMeasured(*s);
    const auto count = [measurable](std::uint64_t n) {
      return measurable ? std::to_string(n) : std::string("-");
    };
    table.addRow({s->exporter_text, idText(s->key),
                  typeName(*s), std::to_string(s->packet_count), std::to_string(s->byte_count),
                  std::to_string(s->written_count),
                  measurable ? std::to_string(seq.lost_count) : kNotMeasurable,
                  count(seq.reordered_count), count(seq.duplicate_count), count(seq.stale_count),
                  count(seq.invalid_count), count(seq.restart_count),
                  measurable ? erspan::collector::scopeName(s->seq.scope()) : "-"});
  }
  if (!table.empty()) table.print(out);
}

}  // namespace ovse::cli
