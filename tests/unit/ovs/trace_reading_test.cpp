// Reading ofproto/trace and dpif/show as OVS 3.1 prints them (captured from a sandbox with native
// ERSPAN ports of OVS's erspan_ver 1 and 2 (Types II and III) and a GRE port, tests/data/ovs/), and
// matching the outputs to Mirror rows.
#include "ovs_plugin/trace_reading.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace ovse::ovs {
namespace {

std::string dataFile(const std::string& name) {
  std::ifstream in(std::string(OVSE_SOURCE_DIR) + "/tests/data/ovs/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The sandbox's switch as the trace files saw it: VMs vma/vmb on br0, three tunnel mirrors of vma.
SwitchState capturedSwitch() {
  SwitchState s;
  auto addPort = [&](const std::string& name, const std::string& type, StringMap options) {
    s.interfaces.push_back({.uuid = "i-" + name, .name = name, .type = type, .options = options});
    s.ports.push_back({.uuid = "p-" + name, .name = name, .interface_uuids = {"i-" + name}});
  };
  addPort("vma", "", {});
  addPort("vmb", "", {});
  addPort("oeT1", "erspan",
          {{"erspan_idx", "0x5"}, {"erspan_ver", "1"}, {"key", "9"}, {"remote_ip", "192.0.2.10"}});
  addPort("oeT2", "erspan",
          {{"erspan_dir", "0"},
           {"erspan_hwid", "3"},
           {"erspan_ver", "2"},
           {"key", "7"},
           {"remote_ip", "192.0.2.10"}});
  addPort("oeG", "gre", {{"key", "11"}, {"remote_ip", "192.0.2.10"}});
  s.mirrors.push_back({.uuid = "m1",
                       .name = "m1",
                       .output_port = "p-oeT1",
                       .external_ids = {{"ovs-erspan-session", "v1"}}});
  s.mirrors.push_back({.uuid = "m2",
                       .name = "m2",
                       .output_port = "p-oeT2",
                       .external_ids = {{"ovs-erspan-session", "v2"}}});
  s.mirrors.push_back({.uuid = "mg", .name = "mg", .output_port = "p-oeG"});
  return s;
}

TEST(DatapathActions, OutputsAtTopLevelOnly) {
  auto a = parseDatapathActions("Flow: x\nDatapath actions: 4,trunc(100),clone(set(eth),7),1,3\n");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->outputs, (std::vector<std::uint32_t>{4, 1, 3}));
  EXPECT_TRUE(a->tunnels.empty());
  EXPECT_FALSE(a->dropped);
  auto drop = parseDatapathActions("Datapath actions: drop");
  ASSERT_TRUE(drop);
  EXPECT_TRUE(drop->dropped);
  EXPECT_FALSE(parseDatapathActions("no actions here"));
}

TEST(DatapathActions, ReadsNativeTunnelPushesInClones) {
  auto a = parseDatapathActions(dataFile("trace_erspan2_gre_mirrors.txt"));
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a->outputs, (std::vector<std::uint32_t>{1, 3}));
  ASSERT_EQ(a->tunnels.size(), 2u);
  const TunnelPush& erspan = a->tunnels[0];
  EXPECT_EQ(erspan.kind, "erspan");
  EXPECT_EQ(erspan.tnl_port, 6u);
  EXPECT_EQ(erspan.local_ip, "192.0.2.1");
  EXPECT_EQ(erspan.remote_ip, "192.0.2.10");
  EXPECT_EQ(erspan.key, 7u);
  EXPECT_EQ(erspan.erspan_version, 2);
  EXPECT_EQ(erspan.underlay_outputs, (std::vector<std::uint32_t>{5}));
  const TunnelPush& gre = a->tunnels[1];
  EXPECT_EQ(gre.kind, "gre");
  EXPECT_EQ(gre.tnl_port, 7u);
  EXPECT_EQ(gre.key, 11u);
  EXPECT_FALSE(gre.erspan_version);
  EXPECT_FALSE(a->dropped);
}

// Read off OVS 3.1 (ofproto/trace, a mirror to a geneve and one to a vxlan port, key 123).
TEST(DatapathActions, ReadsVxlanAndGeneveVnis) {
  auto a = parseDatapathActions(dataFile("trace_vxlan_geneve_mirrors.txt"));
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a->outputs, (std::vector<std::uint32_t>{1}));
  ASSERT_EQ(a->tunnels.size(), 2u);
  EXPECT_EQ(a->tunnels[0].kind, "geneve");
  EXPECT_EQ(a->tunnels[0].key, 123u);
  EXPECT_EQ(a->tunnels[0].remote_ip, "10.99.0.2");
  EXPECT_EQ(a->tunnels[0].underlay_outputs, (std::vector<std::uint32_t>{4}));
  EXPECT_EQ(a->tunnels[1].kind, "vxlan");
  EXPECT_EQ(a->tunnels[1].key, 123u);
  EXPECT_EQ(a->tunnels[1].tnl_port, 5u);
  EXPECT_FALSE(a->tunnels[1].erspan_version);
}

TEST(DatapathActions, OutputsAfterATopLevelPushAreTheTunnels) {
  // The last copy is pushed in place, not in a clone: "1,2,tnl_push(...),5" sends the
  // encapsulated packet out of datapath port 5 (the collector's side of br-ul).
  auto a = parseDatapathActions(dataFile("trace_erspan1_mirror.txt"));
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a->outputs, (std::vector<std::uint32_t>{1, 2}));
  ASSERT_EQ(a->tunnels.size(), 1u);
  EXPECT_EQ(a->tunnels[0].key, 9u);
  EXPECT_EQ(a->tunnels[0].erspan_version, 1);
  EXPECT_EQ(a->tunnels[0].underlay_outputs, (std::vector<std::uint32_t>{5}));
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

TEST(ClassifyOutputs, NamesNativeTunnelMirrorsWithCollectorAndKey) {
  const SwitchState state = capturedSwitch();
  auto ports = parseDpifShow(dataFile("dpif_show_tunnels.txt"), "br0");
  EXPECT_EQ(ports[3], "vmb");
  auto a = parseDatapathActions(dataFile("trace_erspan2_gre_mirrors.txt"));
  ASSERT_TRUE(a);
  TraceOutputs out = classifyOutputs(state, *a, ports);
  EXPECT_EQ(out.forwarded, (std::vector<std::string>{"br0", "vmb"}));
  ASSERT_EQ(out.mirrors.size(), 2u);
  EXPECT_EQ(out.mirrors[0].mirror, "m2");
  EXPECT_EQ(out.mirrors[0].output_port, "oeT2");
  EXPECT_EQ(valueOf(out.mirrors[0].external_ids, "ovs-erspan-session"), "v2");
  ASSERT_NE(out.mirrors[0].tunnel, nullptr);
  EXPECT_EQ(out.mirrors[0].tunnel->remote_ip, "192.0.2.10");
  EXPECT_EQ(out.mirrors[1].mirror, "mg");
  EXPECT_TRUE(out.unmatched_tunnels.empty());

  auto v1 = parseDatapathActions(dataFile("trace_erspan1_mirror.txt"));
  ASSERT_TRUE(v1);
  TraceOutputs v1_out = classifyOutputs(state, *v1, ports);
  EXPECT_EQ(v1_out.forwarded, (std::vector<std::string>{"br0", "vma"}));
  ASSERT_EQ(v1_out.mirrors.size(), 1u);
  EXPECT_EQ(v1_out.mirrors[0].mirror, "m1");
}

TEST(ClassifyOutputs, TunnelOfNoMirrorIsReportedUnmatched) {
  SwitchState state = capturedSwitch();
  state.interfaces[3].options["key"] = "8";  // oeT2 no longer has session ID 7
  auto a = parseDatapathActions(dataFile("trace_erspan2_gre_mirrors.txt"));
  ASSERT_TRUE(a);
  TraceOutputs out = classifyOutputs(state, *a, {});
  ASSERT_EQ(out.unmatched_tunnels.size(), 1u);
  EXPECT_EQ(out.unmatched_tunnels[0]->key, 7u);
  ASSERT_EQ(out.mirrors.size(), 1u);
  EXPECT_EQ(out.mirrors[0].mirror, "mg");
}

TEST(ClassifyOutputs, OutKeyIsTheKeySent) {
  // ovs-erspan's ports send with out_key and receive with their own in_key.
  SwitchState state = capturedSwitch();
  state.interfaces[3].options.erase("key");
  state.interfaces[3].options["out_key"] = "7";
  state.interfaces[3].options["in_key"] = "4103";
  auto a = parseDatapathActions(dataFile("trace_erspan2_gre_mirrors.txt"));
  ASSERT_TRUE(a);
  TraceOutputs out = classifyOutputs(state, *a, {});
  ASSERT_EQ(out.mirrors.size(), 2u);
  EXPECT_EQ(out.mirrors[0].mirror, "m2");
}

}  // namespace
}  // namespace ovse::ovs
