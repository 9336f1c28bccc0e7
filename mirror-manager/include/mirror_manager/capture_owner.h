// Who owns a temporary capture's OVS rows: "capture-<pid>-<start>-<boot>" in
// external_ids:ovs-erspan-owner, so `mirrorctl gc` (and the next capture) can tell a live capture
// from the rows a SIGKILLed or crashed one left behind. Pure: liveness facts are passed in.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ovs_plugin/switch_state.h"

namespace ovse::manager {

/// The identity of a capture process.
struct CaptureOwner {
  std::int64_t pid = 0;
  std::uint64_t start_ticks = 0;  ///< /proc/<pid>/stat field 22: tells a reused pid apart
  std::string boot_id;            ///< first 8 characters of /proc/sys/kernel/random/boot_id

  bool operator==(const CaptureOwner&) const = default;
};

/// Prefix of every capture owner value.
inline constexpr char kCaptureOwnerPrefix[] = "capture-";

/// "capture-<pid>-<start_ticks>-<boot_id>".
std::string formatCaptureOwner(const CaptureOwner& owner);

/// The owner in `text`, or nullopt when it is not a capture owner value.
std::optional<CaptureOwner> parseCaptureOwner(const std::string& text);

/// What the OVS rows of one capture owner are.
struct CaptureRows {
  std::string owner;  ///< the external_ids value
  std::optional<CaptureOwner> parsed;
  std::vector<std::string> sessions;  ///< external_ids:ovs-erspan-session values
  std::vector<std::string> mirrors;   ///< Mirror names
  std::vector<std::string> ports;     ///< Port names
  std::vector<std::string> sources;   ///< ports the mirrors select (names, sorted, unique)
};

/// The capture owners in `state` with their rows, ordered by owner value.
std::vector<CaptureRows> captureRows(const ovs::SwitchState& state);

/// Liveness as the shell sees it: the current boot and, per pid, the start time of the
/// process now holding that pid (absent: no such process).
struct HostFacts {
  std::string boot_id;
  std::map<std::int64_t, std::uint64_t> start_ticks;
};

/// True when `owner` names a process that still runs on this boot.
bool ownerAlive(const CaptureOwner& owner, const HostFacts& facts);

}  // namespace ovse::manager
