// Temporary capture rows on a switch and the processes that own them (the shell around
// capture_owner.h): this process's owner value, liveness from /proc, removal of rows whose
// capture died (`mirrorctl gc`, and the start of every capture), listing (`capture --list`) and
// stopping (`capture --stop`).
#pragma once

#include <chrono>
#include <expected>
#include <string>
#include <vector>

#include "mirror_manager/capture_owner.h"
#include "ovs_plugin/switch_backend.h"

namespace ovse::manager {

/// This process as a capture owner (pid, start time, boot id).
CaptureOwner selfOwner();

/// The boot id and the start times of the pids `rows` name.
HostFacts hostFacts(const std::vector<CaptureRows>& rows);

/// One capture's rows and whether its process runs.
struct CaptureInfo {
  CaptureRows rows;
  bool alive = false;
};

/// Every capture owner on the switch, with liveness.
std::vector<CaptureInfo> listCaptures(const ovs::SwitchState& state);

/// Removes the rows of every capture whose process is gone. Returns what was removed, or the
/// first error.
std::expected<std::vector<CaptureInfo>, std::string> removeDeadCaptures(ovs::SwitchBackend& backend);

/// Ends captures: `which` is a pid or "all". Live ones get SIGTERM (and remove their own rows);
/// rows of dead ones are removed here. Waits up to `timeout` for the rows to go. Returns one
/// line per capture handled, or an error (unknown pid, rows still there).
std::expected<std::vector<std::string>, std::string> stopCaptures(
    ovs::SwitchBackend& backend, const std::string& which, std::chrono::milliseconds timeout);

}  // namespace ovse::manager
