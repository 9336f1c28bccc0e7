// The `mirrorctl trace` flow from pktcap-uw flags (reading OVS's reply: tests/unit/ovs/).
#include "trace_flow.h"

#include <gtest/gtest.h>

namespace ovse::cli {
namespace {

using erspan::exporter::FlowFilterSpec;

TEST(TraceFlow, PktcapFlagsBecomeOneOvsFlow) {
  FlowFilterSpec s;
  s.dst_ip = "10.0.0.2";
  s.proto = "0x01";
  auto flow = traceFlow(s, 3, "02:00:00:00:00:01");
  ASSERT_TRUE(flow) << flow.error();
  EXPECT_EQ(*flow,
            "in_port=3,dl_src=02:00:00:00:00:01,dl_type=0x0800,nw_dst=10.0.0.2,nw_proto=1,"
            "nw_ttl=64");
}

TEST(TraceFlow, Ipv6TcpPortsAndVlan) {
  FlowFilterSpec s;
  s.src_ip = "2001:db8::1";
  s.proto = "tcp";
  s.dst_port = "443";
  s.vlan = "10";
  s.src_mac = "02-00-00-00-00-0A";
  auto flow = traceFlow(s, 1, "");
  ASSERT_TRUE(flow) << flow.error();
  EXPECT_EQ(*flow,
            "in_port=1,dl_vlan=10,dl_src=02:00:00:00:00:0a,dl_type=0x86dd,"
            "ipv6_src=2001:db8::1,nw_proto=6,nw_ttl=64,tp_dst=443");
}

TEST(TraceFlow, RefusesWhatIsNotOnePacket) {
  FlowFilterSpec ip;
  ip.ip = "10.0.0.1";
  EXPECT_EQ(traceFlow(ip, 1, "").error().substr(0, 15), "--ip 10.0.0.1: ");
  FlowFilterSpec cidr;
  cidr.dst_ip = "10.0.0.0/24";
  EXPECT_NE(traceFlow(cidr, 1, "").error().find("not a prefix"), std::string::npos);
  FlowFilterSpec port;
  port.dst_port = "80";
  EXPECT_EQ(traceFlow(port, 1, "").error(), "--dstport 80: needs --proto tcp, udp or sctp");
  FlowFilterSpec mixed;
  mixed.src_ip = "10.0.0.1";
  mixed.dst_ip = "::1";
  EXPECT_NE(traceFlow(mixed, 1, "").error().find("mixes IPv4 and IPv6"), std::string::npos);
}

}  // namespace
}  // namespace ovse::cli
