// What the switch says about sessions and ports, in the JSON form shared by `mirrorctl` (--json)
// and the daemon's REST API: per-session mirror counters (OVS Mirror.statistics), session
// statuses, and the port list with VM identities (iface-id, attached-mac, vm-uuid).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mirror_manager/reconciler.h"
#include "ovs_plugin/switch_state.h"

namespace ovse::manager {

/// What OVS counted for a session's Mirror rows, summed (tx_packets, tx_bytes).
struct MirrorCounters {
  std::int64_t packets = 0;
  std::int64_t bytes = 0;
  std::map<std::string, std::map<std::string, std::int64_t>> per_row;  ///< mirror name -> stats
};

/// Counters of every Mirror row the session owns in `state` (temporary owners' rows excluded).
MirrorCounters mirrorCounters(const ovs::SwitchState& state, const std::string& session);

/// The JSON form of a status (state, missing, problems, mirrors, ports, bridge).
nlohmann::json statusJson(const SessionStatus& status);

/// A port with the bridge it belongs to and its interfaces, in display order.
struct PortView {
  const ovs::Bridge* bridge;
  const ovs::Port* port;
  std::vector<const ovs::Interface*> interfaces;
};

/// Every port of `state` (only those of `only_bridge` when it is not empty), sorted by bridge
/// and port name. The pointers live as long as `state`.
std::vector<PortView> collectPorts(const ovs::SwitchState& state, const std::string& only_bridge);

/// "system" for a kernel interface, else the interface's type.
std::string interfaceTypeName(const ovs::Interface& iface);

/// One port as JSON: bridge, name, uuid, tag, trunks, external_ids and its interfaces (name,
/// type, ofport, mac_in_use, iface_id, attached_mac, vm_uuid, link_state, ...).
nlohmann::json portJson(const PortView& view);

/// The JSON array of `ports`.
nlohmann::json portsJson(const std::vector<PortView>& ports);

}  // namespace ovse::manager
