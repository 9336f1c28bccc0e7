// The packet `mirrorctl trace` asks OVS about, built from pktcap-uw's filter flags as an
// ofproto/trace flow ("in_port=1,dl_src=..,dl_type=0x0800,nw_dst=10.0.0.2,nw_proto=1"), and
// the reading of ofproto/trace's "Datapath actions:" line. Pure: strings in, strings out.
#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <string>
#include <vector>

#include "erspan/exporter/flow_filter.h"

namespace ovse::cli {

/// Builds the flow. `in_port` is the OpenFlow port number; `default_src_mac` (the port's VM
/// MAC, may be empty) is used without --srcmac. Flags that match several packets (--mac, --ip,
/// --tcpport, --vxlan, --filter) or CIDRs are refused: a trace follows one packet.
std::expected<std::string, std::string> traceFlow(const erspan::exporter::FlowFilterSpec& spec,
                                                  std::int64_t in_port,
                                                  const std::string& default_src_mac);

/// What the final "Datapath actions:" line of an ofproto/trace reply does with the packet.
struct DatapathActions {
  std::string text;                    ///< the actions as printed
  std::vector<std::uint32_t> outputs;  ///< datapath port numbers output to, in order
  bool dropped = false;                ///< "drop" (or no output at all)
};

/// Finds and reads the last "Datapath actions:" line; nullopt-like error when there is none.
std::expected<DatapathActions, std::string> parseDatapathActions(const std::string& trace);

/// Reads `ovs-appctl dpif/show` text: datapath port number → port name, for `bridge` only.
std::map<std::uint32_t, std::string> parseDpifShow(const std::string& text,
                                                   const std::string& bridge);

}  // namespace ovse::cli
