// ExportSupervisor: runs an exporter pipeline (erspan::exporter::LiveExport) for every enabled
// exporter-backed ERSPAN session whose internal ports exist, reading what OVS mirrors to those
// ports and sending it to the session's collector. Pipelines follow the sessions: started when
// the ports appear, restarted when the session changes, the pipeline failed, or OVS re-created
// the ports (a vswitchd restart); stopped when the session goes. Runs on the daemon's thread.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "erspan/exporter/live_export.h"
#include "mirror_manager/daemon/metrics.h"
#include "mirror_manager/pipeline_report.h"
#include "mirror_manager/session.h"
#include "ovs_plugin/switch_state.h"

namespace ovse::manager::daemon {

class ExportSupervisor {
 public:
  using LogFn = std::function<void(const std::string&)>;
  explicit ExportSupervisor(LogFn log) : log_(std::move(log)) {}

  /// Brings the running pipelines in line with `sessions` and the ports in `state`.
  void sync(std::span<const Session> sessions, const ovs::SwitchState& state);
  /// The pipeline figures of `session`; nullopt when it is not an exporter-backed session.
  std::optional<ExporterFigures> figures(const std::string& session) const;
  /// Adds each exporter-backed session's pipeline (running, waiting for its ports, or failed
  /// with why) to `report`, for the sessions' states.
  void report(PipelineReport& report) const;

 private:
  struct Entry {
    Session session;  ///< as the pipeline was started (a change restarts it)
    std::unique_ptr<erspan::exporter::LiveExport> export_;
    std::string error;  ///< why it is not running
    bool failed = false;  ///< `error` is a failure (not a wait for the ports)
  };
  void start(Entry& entry, const ovs::SwitchState& state);

  LogFn log_;
  std::map<std::string, Entry> entries_;
};

}  // namespace ovse::manager::daemon
