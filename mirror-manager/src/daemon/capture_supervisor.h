// CaptureSupervisor: writes the file of every enabled capture-type session, reading what OVS
// mirrors to the session's internal ports (erspan::capture::LiveCapture). The file opens when the
// session is enabled and stays open while its ports come and go (a VM reset, an ovs-vswitchd
// restart); it is closed, with its pcapng statistics, when the session is disabled, deleted or
// the daemon stops. A file already at the path (an earlier run's) is kept: it is renamed with
// its modification time, e.g. web.pcapng -> web-20261123-101500.pcapng. A change of the file,
// mirrored packet length, filter or sampling rate starts a new file; other changes keep it.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "erspan/capture/live_capture.h"
#include "mirror_manager/daemon/metrics.h"
#include "mirror_manager/session.h"
#include "ovs_plugin/switch_state.h"

namespace ovse::manager::daemon {

class CaptureSupervisor {
 public:
  using LogFn = std::function<void(const std::string&)>;
  explicit CaptureSupervisor(LogFn log) : log_(std::move(log)) {}

  /// Brings the open files and their ports in line with `sessions` and the ports in `state`.
  void sync(std::span<const Session> sessions, const ovs::SwitchState& state);
  /// The writer's figures for `session`; nullopt when it is not an enabled capture session.
  std::optional<CaptureFigures> figures(const std::string& session) const;

 private:
  struct Entry {
    erspan::capture::CaptureOutputConfig output;  ///< as the file was opened
    std::unique_ptr<erspan::capture::LiveCapture> capture;
    std::string error;  ///< why no file is open
  };
  void open(const std::string& name, Entry& entry);

  LogFn log_;
  std::map<std::string, Entry> entries_;
};

}  // namespace ovse::manager::daemon
