// The `mirrorctl trace` flow from pktcap-uw flags, the datapath actions reading and dpif/show.
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

TEST(DatapathActions, OutputsAtTopLevelOnly) {
  auto a = parseDatapathActions("Flow: x\nDatapath actions: 4,trunc(100),clone(set(eth),7),1,3\n");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->outputs, (std::vector<std::uint32_t>{4, 1, 3}));
  EXPECT_FALSE(a->dropped);
  auto drop = parseDatapathActions("Datapath actions: drop");
  ASSERT_TRUE(drop);
  EXPECT_TRUE(drop->dropped);
  EXPECT_FALSE(parseDatapathActions("no actions here"));
}

TEST(DpifShow, MapsDatapathPortsOfOneBridge) {
  const std::string text =
      "netdev@ovs-netdev: hit:0 missed:0\n"
      "  br0:\n"
      "    br0 65534/1: (tap)\n"
      "    mx 3/4: (tap)\n"
      "    vm1 1/2: (system)\n"
      "  br1:\n"
      "    br1 65534/9: (tap)\n";
  auto ports = parseDpifShow(text, "br0");
  EXPECT_EQ(ports.size(), 3u);
  EXPECT_EQ(ports[4], "mx");
  EXPECT_EQ(ports[2], "vm1");
  EXPECT_FALSE(ports.contains(9));
}

}  // namespace
}  // namespace ovse::cli
