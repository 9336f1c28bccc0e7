// A local session with two analyzer ports against a real OVS: each analyzer namespace receives
// every copy (tcpdump + tshark count the same ICMP frames, by id/seq, in both), and the session
// has one Mirror row per port.
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "harness/capture.h"
#include "integration/manager/manager_fixture.h"

namespace ovse::test {
namespace {

class DestinationPortsTest : public ManagerTest {
 protected:
  void addHosts() override {
    sandbox_->addVm("vm1", "10.0.0.1/24", "02:00:00:00:00:01", "vm-a");
    sandbox_->addVm("vm2", "10.0.0.2/24", "02:00:00:00:00:02", "vm-b");
    // The analyzers' namespaces (the harness gives each port an iface-id: the session warns).
    sandbox_->addVm("ana1", "10.0.0.8/24", "02:00:00:00:00:08", "");
    sandbox_->addVm("ana2", "10.0.0.9/24", "02:00:00:00:00:09", "");
  }

  std::unique_ptr<PacketCapture> capture(const std::string& host) {
    return std::make_unique<PacketCapture>(*sandbox_, host, "eth0",
                                           tmp_.path() / (host + ".pcap"), "icmp");
  }
};

// "src>dst type id seq" of each ICMP frame a capture holds.
std::multiset<std::string> icmpFrames(PacketCapture& cap) {
  std::multiset<std::string> frames;
  for (const auto& r : cap.fields({"ip.src", "ip.dst", "icmp.type", "icmp.ident", "icmp.seq"})) {
    frames.insert(r[0] + ">" + r[1] + " " + r[2] + " " + r[3] + " " + r[4]);
  }
  return frames;
}

TEST_F(DestinationPortsTest, EachAnalyzerReceivesEveryCopy) {
  auto r = ctl({"session", "create", "two", "--type", "local", "--source", "iface_id=vm-a",
                "--dest-port", "ana1", "--dest-port", "ana2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("ports ana1, ana2"), std::string::npos) << r.out;
  std::istringstream mirrors(sandbox_->vsctl({"--bare", "--columns=name", "list", "Mirror"}).out);
  std::set<std::string> names;
  for (std::string line; std::getline(mirrors, line);) {
    if (!line.empty()) names.insert(line);
  }
  EXPECT_EQ(names, (std::set<std::string>{"two@ana1", "two@ana2"}));

  auto cap1 = capture("ana1");
  auto cap2 = capture("ana2");
  auto ping = sandbox_->exec("vm1", {"ping", "-c", "10", "-i", "0.1", "-W", "2", "10.0.0.2"});
  ASSERT_EQ(ping.exit_code, 0) << ping.out << ping.err;
  auto frames1 = icmpFrames(*cap1);
  auto frames2 = icmpFrames(*cap2);
  // 10 requests vm1 sent and 10 replies it received: both directions of the source, twice.
  EXPECT_EQ(frames1.size(), 20u);
  EXPECT_EQ(frames1, frames2);
}

}  // namespace
}  // namespace ovse::test
