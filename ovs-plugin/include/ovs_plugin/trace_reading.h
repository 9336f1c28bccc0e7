// Reading what ovs-vswitchd says about one traced packet: the final "Datapath actions:" line of
// `ofproto/trace` (plain outputs, native tunnel pushes with their outer header) and `dpif/show`
// (datapath port numbers → port names), and which Mirror rows the outputs belong to. OVS 3.1's
// trace has no mirror step: a mirror copy shows only as an extra output to the Mirror's output
// port, or, for an erspan/gre tunnel port, as a tnl_push(...) with the collector in its header.
// Pure: strings and a SwitchState in, values out.
#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ovs_plugin/switch_state.h"

namespace ovse::ovs {

/// One native tunnel encapsulation in the datapath actions:
/// tnl_push(tnl_port(6),header(...,ipv4(src=..,dst=..),erspan(ver=2,sid=0x7,...)),out_port(4)).
struct TunnelPush {
  std::uint32_t tnl_port = 0;        ///< datapath port of the tunnel vport
  std::string kind;  ///< "erspan", "gre", "vxlan" or "geneve" (the header's encapsulation)
  std::string local_ip;              ///< outer source address
  std::string remote_ip;             ///< outer destination: the collector
  std::optional<std::uint32_t> key;  ///< ERSPAN session ID (sid), GRE key or VNI
  /// The ERSPAN header's ver field as OVS prints it and as Interface options:erspan_ver
  /// holds it: 1 = ERSPAN Type II, 2 = Type III.
  std::optional<int> erspan_version;
  std::vector<std::uint32_t> underlay_outputs;  ///< where the encapsulated copy leaves
  std::string text;                             ///< the tnl_push(...) action as printed
};

/// What the final "Datapath actions:" line does with the packet.
struct DatapathActions {
  std::string text;                    ///< the actions as printed
  std::vector<std::uint32_t> outputs;  ///< datapath ports the packet itself goes to, in order
  std::vector<TunnelPush> tunnels;     ///< native tunnel copies, in order
  bool dropped = false;                ///< "drop", or no output and no tunnel at all
};

/// Reads the last "Datapath actions:" line of an ofproto/trace reply; an error when there is
/// none. Outputs inside clone(...) without a tunnel push are not counted (modified copies).
std::expected<DatapathActions, std::string> parseDatapathActions(const std::string& trace);

/// Reads `ovs-appctl dpif/show` text: datapath port number → port name, for `bridge` only (tunnel
/// ports of one type share a datapath port; the last one listed is kept).
std::map<std::uint32_t, std::string> parseDpifShow(const std::string& text,
                                                   const std::string& bridge);

/// A Mirror row whose copy appears in the datapath actions.
struct TracedMirror {
  std::string mirror;                  ///< Mirror.name
  std::string output_port;             ///< Mirror.output_port's name
  StringMap external_ids;              ///< the Mirror row's (ovs-erspan's session key, if ours)
  const TunnelPush* tunnel = nullptr;  ///< the push, for a native tunnel mirror
};

/// The outputs of a traced packet, sorted into forwarding and mirror copies.
struct TraceOutputs {
  std::vector<std::string> forwarded;  ///< outputs that are no mirror's output port, by name
  std::vector<TracedMirror> mirrors;   ///< mirrors that copy the packet
  std::vector<const TunnelPush*> unmatched_tunnels;  ///< tunnel pushes no Mirror row explains
};

/// Matches `actions` against the Mirror rows of `state`: a plain output to a mirror's output port
/// (names from `dp_ports`, see parseDpifShow), or a tunnel push whose type, remote_ip, key (ERSPAN
/// session ID / GRE key: out_key, else key) and ERSPAN version are those of a mirror's tunnel
/// output port. The result points into `actions`.
TraceOutputs classifyOutputs(const SwitchState& state, const DatapathActions& actions,
                             const std::map<std::uint32_t, std::string>& dp_ports);

}  // namespace ovse::ovs
