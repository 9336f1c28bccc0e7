// MirrorTrafficWatch over hand-built snapshots and an injected clock: a warning only after a
// whole interval in which the sources carried traffic and the mirror counted nothing.
#include "mirror_manager/mirror_traffic_watch.h"

#include <gtest/gtest.h>

namespace ovse::manager {
namespace {

using Clock = MirrorTrafficWatch::Clock;
using std::chrono::seconds;

// One session "web" mirroring what vm1 sends (select_src_port), with the given counts.
ovs::SwitchState snapshot(std::int64_t mirrored, std::int64_t vm1_rx) {
  ovs::SwitchState state;
  ovs::Interface iface;
  iface.uuid = "i1";
  iface.name = "vm1";
  iface.statistics = {{"rx_packets", vm1_rx}, {"tx_packets", 999}};
  state.interfaces.push_back(iface);
  ovs::Port port;
  port.uuid = "p1";
  port.name = "vm1";
  port.interface_uuids = {"i1"};
  state.ports.push_back(port);
  ovs::Mirror m;
  m.uuid = "m1";
  m.name = "web";
  m.select_src_port = {"p1"};
  m.external_ids = {{kSessionKey, "web"}};
  m.statistics = {{"tx_packets", mirrored}};
  state.mirrors.push_back(m);
  return state;
}

std::vector<Session> sessions() {
  Session s;
  s.name = "web";
  return {s};
}

TEST(MirrorTrafficWatch, WarnsAfterAnIntervalWithoutMirroredPacketsWhileSourcesGrow) {
  MirrorTrafficWatch watch(seconds(10), 10);
  const auto t0 = Clock::time_point{} + seconds(100);
  watch.observe(snapshot(0, 100), sessions(), t0);
  EXPECT_TRUE(watch.warnings().empty()) << "never on the first read";
  watch.observe(snapshot(0, 500), sessions(), t0 + seconds(5));
  EXPECT_TRUE(watch.warnings().empty()) << "not before the interval";
  watch.observe(snapshot(0, 900), sessions(), t0 + seconds(10));
  ASSERT_EQ(watch.warnings().size(), 1u);
  EXPECT_EQ(watch.warnings().at("web").rfind(
                "OVS mirrored no packet in 10 s while its sources (vm1) carried 800 "
                "(Mirror.statistics tx_packets stays at 0)",
                0),
            0u)
      << watch.warnings().at("web");
  // The mirror counts: the warning goes and a new interval starts.
  watch.observe(snapshot(3, 950), sessions(), t0 + seconds(15));
  EXPECT_TRUE(watch.warnings().empty());
}

TEST(MirrorTrafficWatch, IdleSourcesOrCountersThatWentBackAreNoWarning) {
  MirrorTrafficWatch watch(seconds(10), 10);
  const auto t0 = Clock::time_point{} + seconds(100);
  watch.observe(snapshot(7, 100), sessions(), t0);
  watch.observe(snapshot(7, 105), sessions(), t0 + seconds(30));
  EXPECT_TRUE(watch.warnings().empty()) << "5 packets are below the threshold";
  // ovs-vswitchd restarted: its counters start again from 0.
  watch.observe(snapshot(7, 2), sessions(), t0 + seconds(40));
  watch.observe(snapshot(7, 400), sessions(), t0 + seconds(45));
  EXPECT_TRUE(watch.warnings().empty()) << "a new interval began at the restart";
}

TEST(MirrorTrafficWatch, DisabledOrUnprogrammedSessionsAreForgotten) {
  MirrorTrafficWatch watch(seconds(10), 10);
  const auto t0 = Clock::time_point{} + seconds(100);
  auto s = sessions();
  watch.observe(snapshot(0, 100), s, t0);
  s[0].enabled = false;
  watch.observe(snapshot(0, 900), s, t0 + seconds(20));
  EXPECT_TRUE(watch.warnings().empty());
  s[0].enabled = true;
  watch.observe(snapshot(0, 1000), s, t0 + seconds(25));
  EXPECT_TRUE(watch.warnings().empty()) << "its interval starts again";
}

}  // namespace
}  // namespace ovse::manager
