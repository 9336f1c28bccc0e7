// `mirrorctl trace` against a real OVS with native tunnel sessions: OVS's datapath actions hold
// the copies as tnl_push(...erspan(...)) / gre(...), and trace names each session with its
// collector and session ID (GRE key).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "integration/manager/manager_fixture.h"

namespace ovse::test {
namespace {

using nlohmann::json;

class TraceNativeTest : public ManagerTest {
 protected:
  void addHosts() override {
    sandbox_->addVm("vm1", "10.0.0.1/24", "02:00:00:00:00:01", "vm-a");
    sandbox_->addVm("vm2", "10.0.0.2/24", "02:00:00:00:00:02", "vm-b");
    sandbox_->addCollector("col", "10.99.0.2/24", "10.99.0.1/24");
  }

  // `mirrorctl trace ARGS` against the sandbox (trace reads OVS only: no --store).
  CommandResult trace(std::vector<std::string> args) const {
    args.insert(args.begin(), "trace");
    return run(mirrorctlArgv(std::move(args)));
  }
};

TEST_F(TraceNativeTest, ListsNativeErspanAndGreMirrorsWithCollectorAndSessionId) {
  auto e = ctl({"session", "create", "e2", "--type", "erspan", "--source",
                "iface_id=vm-a,direction=ingress", "--remote-ip", "10.99.0.2", "--version", "2",
                "--session-id", "77"});
  ASSERT_EQ(e.exit_code, 0) << e.out << e.err;
  auto g = ctl({"session", "create", "g", "--type", "erspan", "--source",
                "iface_id=vm-a,direction=ingress", "--remote-ip", "10.99.0.2", "--version", "gre",
                "--session-id", "300"});
  ASSERT_EQ(g.exit_code, 0) << g.out << g.err;

  auto r = trace({"--switchport", "vm1", "--dstip", "10.0.0.2", "--dstmac", "02:00:00:00:00:02",
                  "--proto", "icmp", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = json::parse(r.out);
  EXPECT_NE(j["datapath_actions"].get<std::string>().find("erspan(ver=1,sid=0x4d"),
            std::string::npos)
      << j["datapath_actions"];
  std::map<std::string, json> by_session;
  for (const auto& m : j["mirrors"]) by_session[m["session"].get<std::string>()] = m;
  ASSERT_EQ(by_session.size(), 2u) << j["mirrors"].dump(2);
  EXPECT_EQ(by_session["e2"]["tunnel"]["collector"], "10.99.0.2");
  EXPECT_EQ(by_session["e2"]["tunnel"]["session_id"], 77);
  EXPECT_EQ(by_session["e2"]["tunnel"]["encapsulation"], "erspan");
  EXPECT_EQ(by_session["e2"]["tunnel"]["erspan_type"], 2);  // OVS's header says ver=1
  EXPECT_EQ(by_session["g"]["tunnel"]["encapsulation"], "gre");
  EXPECT_EQ(by_session["g"]["tunnel"]["session_id"], 300);
  EXPECT_TRUE(j["unmatched_tunnels"].empty());
  const auto fwd = j["forwarded_to"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(fwd.begin(), fwd.end(), "vm2"), fwd.end()) << r.out;

  auto text = trace({"--switchport", "vm1", "--dstip", "10.0.0.2", "--dstmac",
                     "02:00:00:00:00:02", "--proto", "icmp"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("erspan Type II to collector 10.99.0.2, session ID 77"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("gre to collector 10.99.0.2, GRE key 300"), std::string::npos)
      << text.out;
}

}  // namespace
}  // namespace ovse::test
