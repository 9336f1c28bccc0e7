// pktcap-uw's vocabulary mapped onto OVS for `mirrorctl capture` and `mirrorctl trace`: where to
// capture (--switchport, --uplink, --vmk, --port, --vm), the direction (--dir 0|1|2), the capture
// points (-A, --capture) and how each target becomes a temporary capture session. Pure: it reads
// a SwitchState and returns values or one-line errors.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mirror_manager/session.h"
#include "ovs_plugin/switch_state.h"

namespace ovse::manager {

/// Which pktcap-uw flag named the target.
enum class CaptureTargetKind {
  kSwitchport,  ///< --switchport NAME|OFPORT|IFACE-ID: a VM's (or any) port
  kUplink,      ///< --uplink NAME: a physical port or bond (a member name means its bond)
  kVmk,         ///< --vmk NAME: an internal port (the host's own interface)
  kPort,        ///< --port: alias of --switchport
  kVm,          ///< --vm NAME: every port whose interface external_ids name that VM
};

/// One target as given on the command line.
struct CaptureTarget {
  CaptureTargetKind kind = CaptureTargetKind::kSwitchport;
  std::string value;
};

/// The flag of a kind, e.g. "--switchport" (for messages).
const char* flagOf(CaptureTargetKind kind);

/// A target found on the switch: the identity the capture follows (so a re-created port is
/// found again), the ports it names now, and notes worth telling the user.
struct ResolvedTarget {
  Source source;                        ///< identity, with the direction of the capture
  std::string label;                    ///< short name for pcapng interfaces, e.g. "vm1"
  std::vector<std::string> port_names;  ///< OVS ports matched now
  std::vector<std::string> notes;       ///< e.g. "vmnic0 is a member of bond0: capturing bond0"
};

/// Finds `target` in `state`. The error names the flag and value and lists close names.
std::expected<ResolvedTarget, std::string> resolveTarget(const CaptureTarget& target,
                                                         const ovs::SwitchState& state);

/// Parses --dir: "0"/"rx"/"in"/"input" (into the switch from the port: ingress), "1"/"tx"/"out"/
/// "output" (from the switch to the port: egress), "2"/"both".
std::expected<Direction, std::string> parseCaptureDir(const std::string& text);

/// A pktcap-uw capture point and what it is on OVS.
struct CapturePoint {
  const char* name;         ///< pktcap-uw's name, e.g. "PortInput"
  bool supported;           ///< usable with --capture
  Direction direction;      ///< for supported points: the mirror direction it selects
  const char* target;       ///< for supported points: the target flag it applies to ("" = any)
  const char* ovs_meaning;  ///< honest OVS equivalent, or why there is none
};

/// Every point `-A` lists, supported first.
std::span<const CapturePoint> capturePoints();

/// The point named `name` (case-insensitive), or an error listing the supported names.
std::expected<CapturePoint, std::string> findCapturePoint(const std::string& name);

/// What one capture run asks for.
struct CaptureRequest {
  std::vector<ResolvedTarget> targets;
  Direction direction = Direction::kBoth;
  std::uint32_t snap_len_bytes = 0;  ///< 0 = whole frame (no OVS snaplen)
  std::string owner;                 ///< captureOwner(...)
};

/// The temporary sessions of a run: one per target (so each target has its own pcapng
/// interfaces), named "<owner>-<n>", type capture.
std::vector<Session> captureSessions(const CaptureRequest& request);

/// The ports the Mirror rows of session `session_name` select now (sorted, unique): what a
/// capture records at this moment. Empty while its port is gone (OVS drops the reference).
std::vector<std::string> capturedPorts(const std::string& session_name,
                                       const ovs::SwitchState& state);

/// Up to `max_count` names among `candidates` close to `wanted` (edit distance), best first.
std::vector<std::string> closeNames(const std::string& wanted,
                                    const std::vector<std::string>& candidates,
                                    std::size_t max_count = 3);

}  // namespace ovse::manager
