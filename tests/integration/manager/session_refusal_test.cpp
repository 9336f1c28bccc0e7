// `mirrorctl session` without a daemon runs the session service in-process: a create OVSDB itself
// refuses when it is applied (a constraint violation, not a rule of ours) leaves nothing behind,
// in the store file or in OVS, and a retry is not told the session exists.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "integration/manager/manager_fixture.h"

namespace ovse::test {
namespace {

using nlohmann::json;

class SessionRefusalTest : public ManagerTest {
 protected:
  void addHosts() override {
    sandbox_->addVm("vm1", "10.0.0.1/24", "02:00:00:00:00:01", "vm-a");
    sandbox_->addCollector("col", "10.99.0.2/24", "10.99.0.1/24");
  }

  // ManagerTest::ctl run in the hypervisor's namespace (where its tunnels route); hides it.
  CommandResult ctl(std::vector<std::string> args) const {
    return sandbox_->exec("hv", sessionArgv(std::move(args)));
  }
  CommandResult createVictim() {
    return ctl({"session", "create", "victim", "--type", "erspan", "--source",
                "port=vm1,direction=ingress", "--remote-ip", "10.99.0.2", "--session-id", "7"});
  }
  json storedSessions() const {
    std::ifstream in(store());
    json file = json::parse(in, nullptr, false);
    return file.is_object() ? file.value("sessions", json::array()) : json::array();
  }
};

TEST_F(SessionRefusalTest, CreateOvsdbRefusesLeavesNothingInTheStoreOrOvs) {
  // The tunnel port the session gets, learnt from a first create.
  auto first = createVictim();
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  auto shown = ctl({"session", "show", "victim", "--json"});
  const json ports = json::parse(shown.out, nullptr, false)["status"]["ports"];
  ASSERT_TRUE(ports.is_array() && ports.size() == 1) << shown.out;
  const std::string tunnel = ports[0];
  ASSERT_EQ(ctl({"session", "delete", "victim"}).exit_code, 0);

  // A port of someone else's whose interface has that name: our port name is free (the
  // reconciler sees no clash), but OVSDB's unique index on Interface.name refuses the commit.
  auto foreign = sandbox_->vsctl({"--", "--id=@i", "create", "Interface", "name=" + tunnel,
                                  "type=internal", "--", "--id=@p", "create", "Port",
                                  "name=foreign", "interfaces=@i", "--", "add", "Bridge", "br0",
                                  "ports", "@p"});
  ASSERT_EQ(foreign.exit_code, 0) << foreign.err;

  auto refused = createVictim();
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("refused and not kept"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("OVSDB at"), std::string::npos) << refused.err;
  EXPECT_EQ(storedSessions(), json::array()) << "nothing was saved";
  EXPECT_EQ(sandbox_->vsctl({"--bare", "--columns=name", "list", "Mirror"}).out, "");
  EXPECT_EQ(sandbox_->vsctl({"--bare", "--columns=name", "find", "Port", "name=foreign"}).out,
            "foreign\n")
      << "the other port is untouched";

  // Once the name is free, the same create works: nothing says the session exists.
  ASSERT_EQ(sandbox_->vsctl({"del-port", "br0", "foreign"}).exit_code, 0);
  auto retried = createVictim();
  EXPECT_EQ(retried.exit_code, 0) << retried.out << retried.err;
  EXPECT_EQ(storedSessions().size(), 1u);
}

}  // namespace
}  // namespace ovse::test
