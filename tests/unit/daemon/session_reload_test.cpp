// SessionService's store-load path over a real store file and FakeSwitch: a hand-edited session
// that breaks a rule is not applied and reads as error with its field (get, list, the log); a
// switch whose flows cannot be purged puts its reason on every programmed session as a warning.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "harness/process.h"
#include "manager/fake_switch.h"
#include "mirror_manager/session_service.h"

namespace ovse::manager::daemon {
namespace {

using nlohmann::json;

constexpr char kErspan[] =
    R"({"name":"x","type":"erspan","sources":[{"iface_id":"a"}],)"
    R"("destination":{"remote_ip":"192.0.2.10","version":2,"session_id":5}})";

// A switch whose ovs-vswitchd control socket was not found.
class UnpurgeableSwitch : public test::FakeSwitch {
 public:
  std::string flowPurgeProblem() const override { return "no socket here; give --vswitchd-ctl"; }
};

class SessionReload : public ::testing::Test {
 protected:
  template <typename Switch>
  SessionService& service(Switch& fake) {
    fake.addPort("br0", "vm1", {{"iface-id", "a"}});
    auto store = SessionStore::open(path());
    service_ = std::make_unique<SessionService>(std::move(*store), fake,
                                                [this](const std::string& l) { log_ += l + "\n"; });
    return *service_;
  }
  std::filesystem::path path() const { return tmp_.path() / "sessions.json"; }

  test::TempDir tmp_;
  std::unique_ptr<SessionService> service_;
  std::string log_;
};

TEST_F(SessionReload, HandEditedInvalidSessionIsAnErrorWithItsFieldAndNotApplied) {
  test::FakeSwitch fake;
  SessionService& s = service(fake);
  ASSERT_TRUE(s.create(json::parse(kErspan)));
  ASSERT_FALSE(fake.state()->mirrors.empty());

  json file;
  std::ifstream(path()) >> file;
  file["sessions"][0]["destination"]["session_id"] = 5000;
  std::ofstream(path()) << file.dump();
  ASSERT_TRUE(s.reload());
  s.reconcileNow();

  EXPECT_TRUE(fake.state()->mirrors.empty());
  EXPECT_EQ(fake.state()->ports.size(), 1u) << "the tunnel ports go too";
  auto got = s.get("x");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->body["status"]["state"], "error");
  EXPECT_EQ(got->body["status"]["problems"],
            json::array({"destination.session_id: 5000 is above 1023"}));
  EXPECT_EQ(got->body["session"]["destination"]["session_id"], 5000);  // kept as written
  EXPECT_EQ(s.list()[0]["status"]["state"], "error");
  EXPECT_NE(log_.find("session x: error (destination.session_id: 5000 is above 1023)"),
            std::string::npos)
      << log_;
}

TEST_F(SessionReload, UnpurgeableSwitchIsAWarningOnProgrammedSessions) {
  UnpurgeableSwitch fake;
  SessionService& s = service(fake);
  auto created = s.create(json::parse(kErspan));
  ASSERT_TRUE(created);
  EXPECT_EQ(created->body["status"]["state"], "active");
  EXPECT_EQ(created->body["status"]["warnings"],
            json::array({"no socket here; give --vswitchd-ctl"}));
  EXPECT_TRUE(created->body["status"]["problems"].empty());
  // A session with nothing programmed needs no purge.
  json idle = json::parse(kErspan);
  idle["name"] = "idle";
  idle["sources"][0]["iface_id"] = "absent";
  idle["destination"]["session_id"] = 6;
  auto waiting = s.create(idle);
  ASSERT_TRUE(waiting);
  EXPECT_EQ(waiting->body["status"]["state"], "waiting");
  EXPECT_TRUE(waiting->body["status"]["warnings"].empty());
}

}  // namespace
}  // namespace ovse::manager::daemon
