// pktcap-uw's capture points (-A) and what each is on Open vSwitch; honest about the ones OVS
// has no tap for.
#include <algorithm>

#include "mirror_manager/text.h"
#include <array>
#include <cctype>

#include "mirror_manager/capture_plan.h"

namespace ovse::manager {
namespace {

constexpr Direction kIn = Direction::kIngress;
constexpr Direction kOut = Direction::kEgress;

constexpr std::array<CapturePoint, 17> kPoints = {{
    {"PortInput", true, kIn, "",
     "what the bridge receives on the port, before the flow table (Mirror select_src_port); "
     "= --dir 0"},
    {"PortOutput", true, kOut, "",
     "what the bridge sends out of the port, after the flow table's actions (Mirror "
     "select_dst_port); = --dir 1"},
    {"VnicTx", true, kIn, "--switchport", "what the VM sends: PortInput on its port"},
    {"VnicRx", true, kOut, "--switchport", "what the VM is sent: PortOutput on its port"},
    {"UplinkRcv", true, kIn, "--uplink",
     "what the uplink receives from the wire, every bond member: PortInput on the uplink port"},
    {"UplinkSnd", true, kOut, "--uplink",
     "what the uplink sends to the wire, every bond member: PortOutput on the uplink port"},
    {"Drop", false, kIn, "",
     "none: OVS counts drops but never copies dropped packets to a mirror; see why a flow drops "
     "with `mirrorctl trace`, count drop reasons with `ovs-appctl coverage/show | grep drop`"},
    {"EtherswitchDispath", false, kIn, "",
     "none: switching is one flow-table lookup with no tap inside; PortInput and PortOutput of "
     "the two ports bracket it"},
    {"EtherswitchOutput", false, kIn, "", "none: use PortOutput of the destination port"},
    {"IOChain", false, kIn, "",
     "none: OVS has no per-port filter chain (its flow table is the one stage)"},
    {"TcpipDispatch", false, kIn, "",
     "none inside OVS: the host stack sits behind an internal port; capture it with --vmk"},
    {"PktFree", false, kIn, "", "none: OVS has no packet-free hook"},
    {"VdrRxLeaf", false, kIn, "",
     "none: OVN's logical routers run inside the same flow tables; follow them with `mirrorctl "
     "trace`"},
    {"VdrTxLeaf", false, kIn, "", "none: as VdrRxLeaf"},
    {"VdrRxTerminal", false, kIn, "", "none: as VdrRxLeaf"},
    {"VdrTxTerminal", false, kIn, "", "none: as VdrRxLeaf"},
    {"UplinkRcvKernel", false, kIn, "",
     "none inside OVS: the NIC driver level; tcpdump the physical interface"},
}};


}  // namespace

std::span<const CapturePoint> capturePoints() { return kPoints; }

std::expected<CapturePoint, std::string> findCapturePoint(const std::string& name) {
  std::string supported;
  for (const auto& p : kPoints) {
    if (lower(p.name) == lower(name)) {
      if (p.supported) return p;
      return std::unexpected("--capture " + name + ": no OVS equivalent: " + p.ovs_meaning);
    }
    if (p.supported) supported += (supported.empty() ? "" : ", ") + std::string(p.name);
  }
  return std::unexpected("--capture " + name + ": unknown capture point (supported: " + supported +
                         "; -A lists all)");
}

}  // namespace ovse::manager
