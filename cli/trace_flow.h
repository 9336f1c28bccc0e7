// The packet `mirrorctl trace` asks OVS about, built from pktcap-uw's filter flags as an
// ofproto/trace flow ("in_port=1,dl_src=..,dl_type=0x0800,nw_dst=10.0.0.2,nw_proto=1"). Reading
// OVS's reply is ovs-plugin's job (ovs_plugin/trace_reading.h). Pure: strings in, strings out.
#pragma once

#include <cstdint>
#include <expected>
#include <string>

#include "erspan/exporter/flow_filter.h"

namespace ovse::cli {

/// Builds the flow. `in_port` is the OpenFlow port number; `default_src_mac` (the port's VM
/// MAC, may be empty) is used without --srcmac. Flags that match several packets (--mac, --ip,
/// --tcpport, --vxlan, --filter) or CIDRs are refused: a trace follows one packet.
std::expected<std::string, std::string> traceFlow(const erspan::exporter::FlowFilterSpec& spec,
                                                  std::int64_t in_port,
                                                  const std::string& default_src_mac);

}  // namespace ovse::cli
