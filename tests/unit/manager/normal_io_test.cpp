// Normal I/O on destination ports: allow_normal_io is read and written, refused with OVS's reason
// (CLI, REST and store loads share the rule); a VM's port as destination is a warning in the
// session's status (its own traffic stops), a plain analyzer port is not.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fake_switch.h"
#include "mirror_manager/reconciler.h"
#include "mirror_manager/session_json.h"
#include "validation_helpers.h"

namespace ovse::manager {
namespace {

using nlohmann::json;
using ovse::test::FakeSwitch;

TEST(NormalIo, AllowNormalIoRoundTripsThroughJson) {
  auto s = sessionFromJson(json::parse(R"({"name": "s", "type": "local",
      "sources": [{"port": "vm1"}], "destination": {"port": "tap", "allow_normal_io": true}})"));
  ASSERT_TRUE(s) << s.error().text();
  EXPECT_TRUE(std::get<LocalDestination>(s->destination).allow_normal_io);
  EXPECT_EQ(sessionToJson(*s)["destination"], json::parse(R"({"port": "tap",
      "allow_normal_io": true})"));
  // false is the default and not written: existing stores read and write as before.
  std::get<LocalDestination>(s->destination).allow_normal_io = false;
  EXPECT_EQ(sessionToJson(*s)["destination"], json::parse(R"({"port": "tap"})"));
}

TEST(NormalIo, AllowNormalIoIsRefusedWithTheReason) {
  Session s = test::localSession();
  std::get<LocalDestination>(s.destination).allow_normal_io = true;
  auto issues = test::check(s);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_TRUE(issues[0].starts_with("destination.allow_normal_io: true is not supported: OVS "
                                    "reserves a mirror's output port"))
      << issues[0];
}

class NormalIoWarning : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_.addPort("br0", "vm1", {{"iface-id", "vm-a"}});
    fake_.addPort("br0", "vm2", {{"iface-id", "vm-b"}, {"attached-mac", "02:00:00:00:00:02"}});
    fake_.addPort("br0", "tap");
  }
  SessionStatus statusWithDestination(const std::string& port) {
    Session s = test::localSession();
    s.destination = LocalDestination{port};
    std::vector<Session> sessions{s};
    return reconcile(sessions, *fake_.state()).statuses.at(0);
  }
  FakeSwitch fake_;
};

TEST_F(NormalIoWarning, VmPortAsDestinationWarnsThatItStopsForwarding) {
  SessionStatus status = statusWithDestination("vm2");
  EXPECT_EQ(status.state, SessionState::kActive);
  ASSERT_EQ(status.warnings.size(), 1u);
  EXPECT_EQ(status.warnings[0],
            "destination port vm2 is a VM's port (iface-id vm-b): this port stops forwarding its "
            "own traffic while the session is enabled (OVS reserves a mirror's output port for "
            "the copies); use a port dedicated to the analyzer");
}

TEST_F(NormalIoWarning, AnalyzerPortAsDestinationHasNoWarning) {
  SessionStatus status = statusWithDestination("tap");
  EXPECT_EQ(status.state, SessionState::kActive);
  EXPECT_TRUE(status.warnings.empty());
}

}  // namespace
}  // namespace ovse::manager
