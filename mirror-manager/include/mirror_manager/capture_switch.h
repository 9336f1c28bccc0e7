// The OVS side of `mirrorctl capture`: the run's temporary sessions (owner capture-<pid>-...)
// reconciled whenever OVSDB changes, so a re-created port (VM reset) is mirrored again; the
// internal ports to read; "gone"/"back" messages; removal of every row at the end.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <vector>

#include "erspan/capture/mirror_capture.h"
#include "mirror_manager/capture_plan.h"
#include "mirror_manager/reconciler.h"
#include "mirror_manager/session.h"
#include "ovs_plugin/switch_backend.h"

namespace ovse::manager {

/// What a target captures now, for messages and the summary.
struct TargetPresence {
  std::vector<std::string> ports;  ///< ports its mirrors select now
  std::uint32_t gone_count = 0;    ///< times all its ports went away
  std::chrono::steady_clock::time_point gone_since{};
};

class CaptureSwitch {
 public:
  /// `backend` has its contents; `sessions` are the run's (captureSessions), `owner` their owner.
  CaptureSwitch(ovs::SwitchBackend& backend, std::vector<Session> sessions,
                std::vector<std::string> labels, std::string owner);

  /// First reconcile: creates the ports and mirrors. The error says why OVS refused.
  std::expected<void, std::string> program();

  /// When OVSDB changed since the last call: reconciles again (re-binding re-created ports) and
  /// returns one line per change worth telling ("vm1: port vm1 is gone ...", "... back").
  std::vector<std::string> refresh();

  /// The internal ports to read now, per target and direction.
  std::vector<erspan::capture::TapSpec> taps() const;

  /// Removes every row of the run; the error says what is left (then `mirrorctl gc` helps).
  std::expected<void, std::string> remove();

  const std::vector<TargetPresence>& presence() const { return presence_; }
  const std::string& owner() const { return scope_.owner; }
  /// Rows applied while re-binding after a port came back, total over the run.
  std::uint32_t rebindCount() const { return rebind_count_; }

 private:
  std::vector<std::string> observe(const ovs::SwitchState& state);

  ovs::SwitchBackend& backend_;
  std::vector<Session> sessions_;
  std::vector<std::string> labels_;
  ReconcileScope scope_;
  std::uint64_t seen_seqno_ = 0;
  std::vector<SessionStatus> statuses_;
  std::vector<TargetPresence> presence_;
  std::uint32_t rebind_count_ = 0;
};

}  // namespace ovse::manager
