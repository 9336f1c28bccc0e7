// The capture filter rule: a filter libpcap cannot compile (the exporter or the capture writer
// would not start) is refused with the field, on a create and in a hand-edited store.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "fake_switch.h"
#include "mirror_manager/reconciler.h"
#include "mirror_manager/store.h"
#include "mirror_manager/validation.h"

namespace ovse::manager {
namespace {

namespace fs = std::filesystem;

Session captureSession() {
  Session s;
  s.name = "cap";
  s.type = SessionType::kCapture;
  s.sources = {{.iface_id = "vm-a"}};
  s.destination = CaptureDestination{.file = "cap.pcapng"};
  return s;
}

TEST(CaptureFilterRule, AFilterLibpcapCannotCompileIsRefusedWithTheField) {
  Session s = captureSession();
  s.filter = "tcp port ((";
  auto issues = validateSession(s, {}, {}, {});
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].path, "filter");
  EXPECT_TRUE(issues[0].text().starts_with(
      "filter: capture filter \"tcp port ((\" does not compile: "))
      << issues[0].text();
  s.filter = "tcp port 80 and not host 10.0.0.1";
  EXPECT_TRUE(validateSession(s, {}, {}, {}).empty());
  Session e = captureSession();
  e.type = SessionType::kErspan;
  e.destination = ErspanDestination{.remote_ip = "192.0.2.10", .backend = ErspanBackend::kExporter};
  e.filter = "udp and ((";
  EXPECT_TRUE(hasErrors(validateSession(e, {}, {}, {})));
}

// The same rule through the store-load path (a hand edit): error with the field, no rows.
TEST(CaptureFilterRule, AHandEditedStoreWithABadFilterShowsErrorWithTheField) {
  std::string tmpl = ::testing::TempDir() + "pipeline_state_test.XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
  const fs::path dir = tmpl;
  std::ofstream(dir / "sessions.json") << R"({"schema_version": 1, "sessions": [
      {"name": "cap", "type": "capture", "sources": [{"iface_id": "vm-a"}],
       "destination": {"file": "cap.pcapng"}, "filter": "tcp port (("}]})";
  auto store = SessionStore::open(dir / "sessions.json");
  ASSERT_TRUE(store) << store.error();
  test::FakeSwitch fake;
  fake.addPort("br0", "vm1", {{"iface-id", "vm-a"}});
  auto plan = reconcile(store->sessions(), *fake.state());
  ASSERT_EQ(plan.statuses.size(), 1u);
  EXPECT_EQ(plan.statuses[0].state, SessionState::kError);
  ASSERT_EQ(plan.statuses[0].problems.size(), 1u);
  EXPECT_TRUE(plan.statuses[0].problems[0].starts_with("filter: capture filter \"tcp port ((\""))
      << plan.statuses[0].problems[0];
  EXPECT_TRUE(plan.actions.empty());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ovse::manager
