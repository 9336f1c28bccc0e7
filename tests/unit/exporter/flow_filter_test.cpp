// Unit tests of the pktcap-uw style flags → BPF expression translation, and of the compiled
// program on hand-built frames (libpcap's user-space BPF, no capture).
#include "erspan/exporter/flow_filter.h"

#include <gtest/gtest.h>

#include <vector>

#include "erspan/io/bpf_filter.h"

namespace ovse::erspan::exporter {
namespace {

// Ethernet + IPv4 + UDP (+ 8 payload bytes), optionally 802.1Q tagged.
std::vector<std::uint8_t> udpFrame(std::uint16_t sport, std::uint16_t dport, int vlan = -1,
                                   std::uint32_t vni = 0) {
  std::vector<std::uint8_t> f = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01};
  if (vlan >= 0) {
    f.insert(f.end(),
             {0x81, 0x00, static_cast<std::uint8_t>(vlan >> 8), static_cast<std::uint8_t>(vlan)});
  }
  f.insert(f.end(),
           {0x08, 0x00, 0x45, 0, 0, 44, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2});
  f.insert(f.end(),
           {static_cast<std::uint8_t>(sport >> 8), static_cast<std::uint8_t>(sport),
            static_cast<std::uint8_t>(dport >> 8), static_cast<std::uint8_t>(dport), 0, 24, 0, 0});
  f.insert(f.end(), {0x08, 0, 0, 0, static_cast<std::uint8_t>(vni >> 16),
                     static_cast<std::uint8_t>(vni >> 8), static_cast<std::uint8_t>(vni), 0});
  f.insert(f.end(), 8, 0);
  return f;
}

bool matches(const FlowFilterSpec& spec, const std::vector<std::uint8_t>& frame) {
  auto expr = buildFilterExpression(spec);
  EXPECT_TRUE(expr.has_value());
  auto filter = io::BpfFilter::compile(*expr);
  EXPECT_TRUE(filter.has_value()) << *expr << ": " << filter.error();
  return (*filter)->matches(frame, static_cast<std::uint32_t>(frame.size()));
}

TEST(FlowFilter, NoFlagsIsEmptyExpression) { EXPECT_EQ(buildFilterExpression({}).value(), ""); }

TEST(FlowFilter, CombinesFlagsWithVlanFirst) {
  FlowFilterSpec spec;
  spec.src_ip = "10.0.0.0/24";
  spec.vlan = "100";
  spec.proto = "udp";
  spec.bpf = "len > 10";
  EXPECT_EQ(buildFilterExpression(spec).value(),
            "vlan 100 and src net 10.0.0.0/24 and (ip proto 17 or ip6 proto 17) and (len > 10)");
}

TEST(FlowFilter, ClearsHostBitsOfCidr) {
  EXPECT_EQ(ipMatchTerm("10.1.2.3/16").value(), "net 10.1.0.0/16");
  EXPECT_EQ(ipMatchTerm("fd00::1:2/64").value(), "net fd00::/64");
  EXPECT_EQ(ipMatchTerm("fd00::1").value(), "host fd00::1");
}

TEST(FlowFilter, RejectsBadValuesNamingFlagAndValue) {
  FlowFilterSpec spec;
  spec.src_ip = "10.0.0.300";
  auto r = buildFilterExpression(spec);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message(), "--srcip 10.0.0.300: not an IPv4/IPv6 address or CIDR");

  const std::vector<std::pair<std::optional<std::string> FlowFilterSpec::*, std::string>> bad = {
      {&FlowFilterSpec::src_mac, "aa:bb:cc:dd:ee"},
      {&FlowFilterSpec::vlan, "4096"},
      {&FlowFilterSpec::ethtype, "0x10000"},
      {&FlowFilterSpec::ip, "10.0.0.0/33"},
      {&FlowFilterSpec::proto, "foo"},
      {&FlowFilterSpec::src_port, "65536"},
      {&FlowFilterSpec::tcp_port, "-1"},
      {&FlowFilterSpec::vxlan, "16777216"},
      {&FlowFilterSpec::dst_ip, "fd00::/129"}};
  for (const auto& [field, value] : bad) {
    FlowFilterSpec s;
    s.*field = value;
    auto e = buildFilterExpression(s);
    ASSERT_FALSE(e.has_value()) << value;
    EXPECT_EQ(e.error().value, value);
    EXPECT_EQ(e.error().flag.substr(0, 2), "--");
  }
}

TEST(FlowFilter, BadRawFilterFailsToCompile) {
  auto f = io::BpfFilter::compile("tcp port banana");
  ASSERT_FALSE(f.has_value());
  EXPECT_FALSE(f.error().empty());
}

TEST(FlowFilter, PortsAndProtocolMatchFrames) {
  FlowFilterSpec spec;
  spec.dst_port = "53";
  spec.proto = "udp";
  EXPECT_TRUE(matches(spec, udpFrame(1000, 53)));
  EXPECT_FALSE(matches(spec, udpFrame(53, 1000)));
  spec.proto = "tcp";
  EXPECT_FALSE(matches(spec, udpFrame(1000, 53)));
}

TEST(FlowFilter, VlanMovesTheRestInsideTheTag) {
  FlowFilterSpec spec;
  spec.vlan = "100";
  spec.src_ip = "10.0.0.1";
  EXPECT_TRUE(matches(spec, udpFrame(1, 2, 100)));
  EXPECT_FALSE(matches(spec, udpFrame(1, 2, 200)));
  EXPECT_FALSE(matches(spec, udpFrame(1, 2)));
}

TEST(FlowFilter, VxlanMatchesInnerVniOnBothPorts) {
  FlowFilterSpec spec;
  spec.vxlan = "5000";
  EXPECT_TRUE(matches(spec, udpFrame(40000, 4789, -1, 5000)));
  EXPECT_TRUE(matches(spec, udpFrame(40000, 8472, -1, 5000)));
  EXPECT_FALSE(matches(spec, udpFrame(40000, 4789, -1, 5001)));
  EXPECT_FALSE(matches(spec, udpFrame(40000, 9999, -1, 5000)));
}

TEST(FlowFilter, MacsAndEthertype) {
  FlowFilterSpec spec;
  spec.src_mac = "02-00-00-00-00-01";
  spec.ethtype = "ipv4";
  EXPECT_TRUE(matches(spec, udpFrame(1, 2)));
  spec.dst_mac = "02:00:00:00:00:01";
  EXPECT_FALSE(matches(spec, udpFrame(1, 2)));
  FlowFilterSpec any;
  any.mac = "02:00:00:00:00:02";
  any.ethtype = "0x0800";
  EXPECT_TRUE(matches(any, udpFrame(1, 2)));
}

}  // namespace
}  // namespace ovse::erspan::exporter
