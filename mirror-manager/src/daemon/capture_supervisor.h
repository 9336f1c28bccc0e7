// CaptureSupervisor: writes the file of every enabled capture-type session, reading what OVS
// mirrors to the session's internal ports (erspan::capture::LiveCapture). The file opens when the
// session is enabled and stays open while its ports come and go (a VM reset, an ovs-vswitchd
// restart); it is closed, with its pcapng statistics, when the session is disabled, deleted or
// the daemon stops. Files live only in the capture directory (`serve --capture-dir`): a
// session's file is resolved by the validation rule (captureFileWithin) and opened relative to
// the directory without following any symbolic link (erspan/io/safe_file.h). A file already at
// the path (an earlier run's) is kept: it is renamed with its modification time, e.g.
// web.pcapng -> web-20261123-101500.pcapng. A change of the file, mirrored packet length,
// filter or sampling rate starts a new file; other changes keep it.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "erspan/capture/live_capture.h"
#include "erspan/io/safe_file.h"
#include "mirror_manager/daemon/metrics.h"
#include "mirror_manager/pipeline_report.h"
#include "mirror_manager/session.h"
#include "ovs_plugin/switch_state.h"

namespace ovse::manager::daemon {

class CaptureSupervisor {
 public:
  using LogFn = std::function<void(const std::string&)>;
  /// Creates `capture_dir` (0700) when missing and holds it open; when that fails, every
  /// capture session shows why (and it is tried again on the next sync).
  CaptureSupervisor(LogFn log, std::string capture_dir);

  /// Brings the open files and their ports in line with `sessions` and the ports in `state`.
  void sync(std::span<const Session> sessions, const ovs::SwitchState& state);
  /// The writer's figures for `session`; nullopt when it is not an enabled capture session.
  std::optional<CaptureFigures> figures(const std::string& session) const;
  /// Adds each capture session's writer (writing from its ports, waiting for them, or failed
  /// with why) to `report`, for the sessions' states.
  void report(PipelineReport& report) const;

 private:
  struct Entry {
    Session session;  ///< as last synced
    erspan::capture::CaptureOutputConfig output;  ///< as the file was opened
    std::unique_ptr<erspan::capture::LiveCapture> capture;
    std::string error;  ///< why no file is open
  };
  void open(const std::string& name, Entry& entry);
  /// Resolves `output.path` inside the capture directory (relative, confined); "" or why not.
  std::string confine(erspan::capture::CaptureOutputConfig& output);
  /// Records (and logs once) why `name` has no file open.
  void fail(const std::string& name, Entry& entry, const std::string& error);
  /// Opens the capture directory if it is not; "" or why it cannot be.
  std::string openDir();

  LogFn log_;
  std::string capture_dir_;
  erspan::io::ConfinedDir dir_;
  std::map<std::string, Entry> entries_;
};

}  // namespace ovse::manager::daemon
