// "active" means copies can flow, observed on a real OVS: a native tunnel needs a route to its
// collector in ovs-vswitchd's table; an exporter-backed or capture session needs a pipeline
// reading its ports (none without `mirrorctl serve`); a capture filter must compile.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "integration/manager/manager_fixture.h"

namespace ovse::test {
namespace {

class ObservedStateTest : public ManagerTest {
 protected:
  void addHosts() override {
    sandbox_->addVm("vm1", "10.0.0.1/24", "02:00:00:00:00:01", "vm-a");
    sandbox_->addVm("vm2", "10.0.0.2/24", "02:00:00:00:00:02", "vm-b");
  }

  // ManagerTest::ctl with the capture files kept in the temp dir (hides it: every call here
  // needs the same --capture-dir).
  CommandResult ctl(std::vector<std::string> args) const {
    auto argv = sessionArgv(std::move(args));
    argv.insert(argv.end(), {"--capture-dir", (tmp_.path() / "captures").string()});
    return run(argv);
  }

  // The CLI takes --file relative to the working directory: a path inside --capture-dir.
  std::string capFile() const { return (tmp_.path() / "captures" / "cap.pcapng").string(); }

  nlohmann::json status(const std::string& name) {
    auto shown = ctl({"session", "show", name, "--json"});
    EXPECT_EQ(shown.exit_code, 0) << shown.err;
    return nlohmann::json::parse(shown.out)["status"];
  }

  // Polls until the session's state is `state` (ovs-vswitchd follows route changes in ~200 ms).
  nlohmann::json waitForState(const std::string& name, const std::string& state) {
    nlohmann::json s;
    for (int i = 0; i < 50; ++i) {
      s = status(name);
      if (s["state"] == state) return s;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << name << " never became " << state << ": " << s.dump();
    return s;
  }
};

// ovs-vswitchd finds no route for the tunnel (status without tunnel_egress_iface) and sends
// nothing: the session waits, naming the collector; a kernel route makes it active.
TEST_F(ObservedStateTest, NativeTunnelWithoutARouteWaitsUntilTheRouteExists) {
  sandbox_->addCollector("col", "10.99.0.2/24", "10.99.0.1/24");
  auto r = ctl({"session", "create", "far", "--type", "erspan", "--source", "iface_id=vm-a",
                "--remote-ip", "10.77.0.5", "--version", "3", "--session-id", "7"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto s = waitForState("far", "waiting");
  ASSERT_EQ(s["missing"].size(), 1u) << s.dump();
  EXPECT_EQ(s["missing"][0].get<std::string>().rfind(
                "a route to the collector 10.77.0.5: ovs-vswitchd finds none for tunnel port oe",
                0),
            0u)
      << s.dump();
  EXPECT_FALSE(s["mirrors"].empty()) << "programmed all the same: " << s.dump();

  ASSERT_EQ(sandbox_->exec("hv", {"ip", "route", "add", "10.77.0.0/24", "via", "10.99.0.2"})
                .exit_code,
            0);
  s = waitForState("far", "active");
  EXPECT_TRUE(s["missing"].empty()) << s.dump();
}

// Without `mirrorctl serve` nothing reads an exporter-backed or capture session's ports.
TEST_F(ObservedStateTest, ExporterAndCaptureSessionsWithoutServeWait) {
  auto exp = ctl({"session", "create", "exp", "--type", "erspan", "--backend", "exporter",
                  "--source", "iface_id=vm-a", "--remote-ip", "192.0.2.10"});
  ASSERT_EQ(exp.exit_code, 0) << exp.out << exp.err;
  auto cap = ctl({"session", "create", "cap", "--type", "capture", "--source", "iface_id=vm-b",
                  "--file", capFile()});
  ASSERT_EQ(cap.exit_code, 0) << cap.out << cap.err;
  for (const char* name : {"exp", "cap"}) {
    auto s = status(name);
    EXPECT_EQ(s["state"], "waiting") << name << ": " << s.dump();
    EXPECT_EQ(s["missing"], nlohmann::json::array({"no mirrorctl serve runs this session"}))
        << name << ": " << s.dump();
    EXPECT_FALSE(s["mirrors"].empty()) << name << " is programmed all the same";
  }
  auto table = ctl({"session", "show", "exp"});
  EXPECT_NE(table.out.find("missing:    no mirrorctl serve runs this session"), std::string::npos)
      << table.out;
}

// libpcap cannot compile the filter: refused at create and set, nothing stored.
TEST_F(ObservedStateTest, AnInvalidCaptureFilterIsRefusedWithTheField) {
  auto bad = ctl({"session", "create", "cap", "--type", "capture", "--source", "iface_id=vm-a",
                  "--file", capFile(), "--filter", "tcp port (("});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("filter: capture filter \"tcp port ((\" does not compile"),
            std::string::npos)
      << bad.err;
  EXPECT_NE(ctl({"session", "show", "cap"}).exit_code, 0) << "a refused create is not stored";
  ASSERT_EQ(ctl({"session", "create", "cap", "--type", "capture", "--source", "iface_id=vm-a",
                 "--file", capFile(), "--filter", "tcp port 80"})
                .exit_code,
            0);
  auto set = ctl({"session", "set", "cap", "--filter", "udp and (("});
  EXPECT_EQ(set.exit_code, 1);
  EXPECT_NE(set.err.find("filter: capture filter \"udp and ((\" does not compile"),
            std::string::npos)
      << set.err;
  auto shown = ctl({"session", "show", "cap", "--json"});
  EXPECT_EQ(nlohmann::json::parse(shown.out)["session"]["filter"], "tcp port 80");
}

}  // namespace
}  // namespace ovse::test
