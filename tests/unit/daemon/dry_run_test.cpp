// ?dry_run=1 on the session writes: the same errors as the write (with their paths), or the
// session with the status it would have on the switch (warnings included), and nothing changes:
// no store file written, no OVS row.
#include <gtest/gtest.h>

#include <filesystem>

#include "harness/process.h"
#include "manager/fake_switch.h"
#include "mirror_manager/daemon/api.h"

namespace ovse::manager::daemon {
namespace {

using nlohmann::json;

constexpr char kToVm[] =
    R"({"name":"web","type":"local","sources":[{"iface_id":"a"}],"destination":{"port":"vm2"}})";

class DryRun : public ::testing::Test {
 protected:
  DryRun() {
    fake_.addPort("br0", "vm1", {{"iface-id", "a"}});
    fake_.addPort("br0", "vm2", {{"iface-id", "b"}});
    fake_.addPort("br0", "tap");
    auto store = SessionStore::open(tmp_.path() / "sessions.json");
    service_ =
        std::make_unique<SessionService>(std::move(*store), fake_, [](const std::string&) {});
    api_ = std::make_unique<Api>(*service_, ApiOptions{});
  }

  HttpResponse call(const std::string& method, const std::string& target,
                    const std::string& body) {
    HttpRequest request{method, target, {}, body};
    request.transport = Transport::kUnix;
    return api_->handle(request);
  }

  test::TempDir tmp_;
  test::FakeSwitch fake_;
  std::unique_ptr<SessionService> service_;
  std::unique_ptr<Api> api_;
};

TEST_F(DryRun, CreateShowsTheWarningAndChangesNothing) {
  auto r = call("POST", "/api/v1/sessions?dry_run=1", kToVm);
  ASSERT_EQ(r.status, 200) << r.body;
  const json j = json::parse(r.body);
  EXPECT_EQ(j["dry_run"], true);
  EXPECT_EQ(j["status"]["state"], "active");
  ASSERT_EQ(j["status"]["warnings"].size(), 1u) << r.body;
  EXPECT_NE(j["status"]["warnings"][0].get<std::string>().find(
                "this port stops forwarding its own traffic"),
            std::string::npos);
  EXPECT_TRUE(fake_.state()->mirrors.empty());
  EXPECT_FALSE(std::filesystem::exists(tmp_.path() / "sessions.json"));
  EXPECT_EQ(call("GET", "/api/v1/sessions/web", "").status, 404);
}

TEST_F(DryRun, ErrorsAreTheWritesWithTheirPath) {
  auto r = call("POST", "/api/v1/sessions?dry_run=1",
                R"({"name":"x","type":"erspan","sources":[{"iface_id":"a"}],)"
                R"("destination":{"remote_ip":"192.0.2.9","version":2,"hwid":5}})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body)["path"], "destination.hwid");
}

TEST_F(DryRun, ReplaceChecksAgainstTheOthersAndKeepsTheStoredOne) {
  ASSERT_EQ(call("POST", "/api/v1/sessions",
                 R"({"name":"web","type":"local","sources":[{"iface_id":"a"}],)"
                 R"("destination":{"port":"tap"}})")
                .status,
            201);
  auto r = call("PUT", "/api/v1/sessions/web?dry_run=true",
                R"({"type":"local","sources":[{"iface_id":"a"}],)"
                R"("destination":{"ports":["tap","vm2"]}})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["status"]["mirrors"], json::array({"web@tap", "web@vm2"}));
  ASSERT_EQ(fake_.state()->mirrors.size(), 1u);
  EXPECT_EQ(fake_.state()->mirrors[0].name, "web");
  EXPECT_EQ(call("PATCH", "/api/v1/sessions/web?dry_run=1", "{}").status, 400);
}

}  // namespace
}  // namespace ovse::manager::daemon
