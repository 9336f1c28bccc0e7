// What one session needs in OVS: the Mirror rows and the ports (tunnels, internal ports) that
// implement it on the current switch, and its status. The mapping from vSphere's session types
// to OVS rows lives here.
#pragma once

#include <cstdint>
#include <vector>

#include "mirror_manager/reconciler.h"
#include "mirror_manager/session.h"
#include "ovs_plugin/actions.h"
#include "switch_index.h"

namespace ovse::manager {

struct DesiredRows {
  std::vector<ovs::PortSpec> ports;
  std::vector<ovs::MirrorSpec> mirrors;
  SessionStatus status;
  /// Waiting sessions keep whatever rows they have: OVS already dropped the references to the
  /// vanished ports, so the rows mirror nothing, and re-binding is one update when they return.
  /// Never in fleet mode (ReconcileScope::fleet): the source may have moved to another host.
  bool keep_existing = false;
};

/// Bytes OVS's native tunnel port to `remote_ip` (one of d's collectors) puts in front of the
/// mirrored frame: outer Ethernet, IP, GRE (flags + protocol, then the key for `gre` ports or the
/// sequence number for `erspan` ports) and the ERSPAN header; or UDP and VXLAN/Geneve.
std::uint32_t tunnelOverheadBytes(const ErspanDestination& d, const std::string& remote_ip);

/// Whether the session's selection is split into a Mirror row per direction, because its
/// destination carries the direction (ERSPAN II/III tunnels, exporter and capture inputs).
bool mirrorsPerDirection(const Session& s);

/// The rows `session` needs on the switch described by `index` (none when disabled, waiting or
/// in error; `status` says which).
DesiredRows desiredRows(const Session& session, const SwitchIndex& index,
                        const ReconcileScope& scope);

}  // namespace ovse::manager
