// VXLAN and Geneve through the collector: a session per (exporter, VNI) with its own interface
// name and pattern tokens, loss marked unmeasurable, Geneve options counted, the ports of the
// configuration applied, and a live kernel filter libpcap compiles.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <vector>

#include "erspan/bytes.h"
#include "erspan/collector/collector.h"
#include "erspan/collector/run.h"
#include "erspan/io/bpf_filter.h"

namespace ovse::erspan::collector {
namespace {

using Bytes = std::vector<std::uint8_t>;

// Ethernet / IPv4 from 10.0.1.<src_last> / UDP to `port` / `overlay` / a 60-byte inner frame.
Bytes udpPacket(std::uint8_t src_last, std::uint16_t port, const Bytes& overlay) {
  Bytes inner(60, 0x5a);
  const Bytes head = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00};
  std::copy(head.begin(), head.end(), inner.begin());
  Bytes p = {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 0x08, 0x00,                          // Ethernet
             0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 1, src_last, 10, 99, 0, 2,  // IPv4
             0xc8, 0x22, 0, 0, 0, 0, 0, 0};                                               // UDP
  storeBe16(p.data() + 36, port);
  const std::size_t headers = p.size();
  p.resize(headers + overlay.size() + inner.size());
  std::copy(overlay.begin(), overlay.end(), p.begin() + static_cast<long>(headers));
  std::copy(inner.begin(), inner.end(), p.begin() + static_cast<long>(headers + overlay.size()));
  storeBe16(p.data() + 16, static_cast<std::uint16_t>(p.size() - 14));
  storeBe16(p.data() + 38, static_cast<std::uint16_t>(p.size() - 34));
  return p;
}

Bytes vxlan(std::uint32_t vni) {
  return {0x08, 0, 0, 0, static_cast<std::uint8_t>(vni >> 16), static_cast<std::uint8_t>(vni >> 8),
          static_cast<std::uint8_t>(vni), 0};
}

// Geneve with one 4-byte option (Opt Len 1) and C set.
Bytes geneve(std::uint32_t vni) {
  return {0x01, 0x40, 0x65, 0x58, static_cast<std::uint8_t>(vni >> 16),
          static_cast<std::uint8_t>(vni >> 8), static_cast<std::uint8_t>(vni), 0, 0x01, 0x02, 0x80, 0};
}

std::unique_ptr<Collector> collector(const CollectorConfig& config) {
  auto c = Collector::create(config, [](const std::string&) {}, 1);
  EXPECT_TRUE(c) << c.error();
  return std::move(*c);
}

void feed(Collector& c, const Bytes& packet) {
  c.processFrame({1000, packet, static_cast<std::uint32_t>(packet.size())});
}

TEST(OverlaySessions, OnePerExporterAndVniNamedForIt) {
  CollectorConfig config;
  config.allow_any = true;
  auto c = collector(config);
  feed(*c, udpPacket(5, 4789, vxlan(123456)));
  feed(*c, udpPacket(5, 4789, vxlan(123456)));
  feed(*c, udpPacket(5, 4789, vxlan(7)));
  feed(*c, udpPacket(6, 6081, geneve(123456)));
  const auto& all = c->sessions().sessions();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0]->label, "vxlan-10.0.1.5-vni123456");
  EXPECT_EQ(all[0]->packet_count, 2u);
  EXPECT_EQ(all[1]->label, "vxlan-10.0.1.5-vni7");
  EXPECT_EQ(all[2]->label, "geneve-10.0.1.6-vni123456");
  EXPECT_EQ(expandPattern("%t-%e-%s", all[0].get(), 0), "vxlan-10.0.1.5-123456");
  EXPECT_EQ(expandPattern("%t-%s", all[2].get(), 0), "geneve-123456");
  EXPECT_EQ(c->counters().vxlan, 3u);
  EXPECT_EQ(c->counters().geneve, 1u);
  EXPECT_EQ(c->counters().geneve_with_options, 1u);
  EXPECT_EQ(c->counters().geneve_option_bytes, 4u);
  EXPECT_EQ(c->counters().geneve_critical, 1u);
}

TEST(OverlaySessions, LossIsUnmeasurableNotZero) {
  CollectorConfig config;
  config.allow_any = true;
  auto c = collector(config);
  feed(*c, udpPacket(5, 4789, vxlan(1)));
  feed(*c, udpPacket(5, 6081, geneve(2)));
  EXPECT_EQ(c->sessions().lossUnmeasurableCount(), 2u);
  for (const auto& s : c->sessions().sessions()) {
    EXPECT_FALSE(lossMeasurable(s->key.kind)) << s->label;
    EXPECT_EQ(s->seq.counters().received_count, 0u) << "no slot among the exporter's scopes";
  }
}

// Ethernet / IPv4 from 10.0.1.<src_last> / GRE-TEB (sequence number `seq` when given) / a
// 60-byte inner frame.
Bytes greTebPacket(std::uint8_t src_last, std::optional<std::uint32_t> seq) {
  Bytes p = {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 0x08, 0x00,                          // Ethernet
             0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 47, 0, 0, 10, 0, 1, src_last, 10, 99, 0, 2,  // IPv4
             0, 0, 0x65, 0x58};                                                           // GRE
  if (seq) {
    p[34] = 0x10;  // S
    p.resize(p.size() + 4);
    storeBe32(p.data() + 38, *seq);
  }
  const Bytes head = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00};
  p.insert(p.end(), head.begin(), head.end());
  p.resize(p.size() + 46, 0x5a);
  storeBe16(p.data() + 16, static_cast<std::uint16_t>(p.size() - 14));
  return p;
}

// ERSPAN Type I and GRE without the S bit carry no sequence numbers either: their loss is
// unmeasurable, not 0; the same kind with sequence numbers is measured.
TEST(OverlaySessions, GreWithoutSequenceNumbersIsUnmeasurableToo) {
  CollectorConfig config;
  config.allow_any = true;
  auto c = collector(config);
  for (std::uint32_t i = 0; i < 4; ++i) {
    feed(*c, greTebPacket(5, std::nullopt));
    if (i != 2) feed(*c, greTebPacket(6, i));
  }
  const auto& all = c->sessions().sessions();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_FALSE(lossMeasured(*all[0])) << all[0]->label;
  EXPECT_TRUE(lossMeasured(*all[1])) << all[1]->label;
  EXPECT_EQ(all[1]->seq.counters().lost_count, 1u);
  EXPECT_EQ(c->sessions().lossUnmeasurableCount(), 1u);
}

TEST(OverlaySessions, AllowListAndConfiguredPortsApply) {
  CollectorConfig config;
  config.allow = *parseCidrList("10.0.1.5");
  config.udp_ports.vxlan = {8472};
  config.udp_ports.geneve_count = 0;
  auto c = collector(config);
  feed(*c, udpPacket(5, 8472, vxlan(1)));
  feed(*c, udpPacket(6, 8472, vxlan(1)));  // not in --allow
  feed(*c, udpPacket(5, 4789, vxlan(1)));  // 4789 no longer VXLAN
  feed(*c, udpPacket(5, 6081, geneve(1)));
  EXPECT_EQ(c->sessions().sessions().size(), 1u);
  EXPECT_EQ(c->counters().rejected_exporter, 1u);
  EXPECT_EQ(c->counters().not_ours[static_cast<std::size_t>(DecapError::kNotTunnelPort)], 2u);
}

TEST(LiveCaptureFilter, TakesGreAndTheConfiguredUdpPortsAndCompiles) {
  UdpTunnelPorts ports;
  ports.vxlan = {4789, 8472};
  ports.vxlan_count = 2;
  const std::string filter = liveCaptureFilter(ports);
  EXPECT_EQ(filter,
            "ip proto 47 or ip6 proto 47 or udp dst port 4789 or udp dst port 8472 or udp dst port "
            "6081 or (vlan and (ip proto 47 or ip6 proto 47 or udp dst port 4789 or udp dst port "
            "8472 or udp dst port 6081))");
  auto compiled = io::BpfFilter::compile(filter);
  ASSERT_TRUE(compiled) << compiled.error();
  EXPECT_TRUE((*compiled)->matches(udpPacket(5, 8472, vxlan(1)), 100));
  EXPECT_TRUE((*compiled)->matches(udpPacket(5, 6081, geneve(1)), 100));
  EXPECT_FALSE((*compiled)->matches(udpPacket(5, 53, vxlan(1)), 100));
}

}  // namespace
}  // namespace ovse::erspan::collector
