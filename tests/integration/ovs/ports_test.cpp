// `mirrorctl ports` and the OVSDB IDL against a real ovsdb-server + ovs-vswitchd in a sandbox.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "harness/sandbox.h"
#include "ovs_plugin/ovsdb_client.h"

namespace ovse::test {
namespace {

using nlohmann::json;

CommandResult mirrorctl(const std::vector<std::string>& args) {
  std::vector<std::string> argv{OVSE_MIRRORCTL};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv);
}

const json* findPort(const json& ports, const std::string& name) {
  for (const auto& p : ports) {
    if (p["name"] == name) return &p;
  }
  return nullptr;
}

TEST(OvsdbClient, ReadsPortTableThroughLibopenvswitch) {
  OVSE_REQUIRE_SANDBOX();
  Sandbox sandbox;
  sandbox.addVm("vm1", "10.0.0.1/24");
  auto client = ovs::OvsdbClient::start({.remote = sandbox.dbRemote()});
  ASSERT_TRUE(client.has_value()) << client.error();
  auto state = (*client)->waitForContents(std::chrono::seconds(5));
  ASSERT_TRUE(state.has_value()) << state.error();
  const ovs::Port* port = (*state)->portByName("vm1");
  ASSERT_NE(port, nullptr);
  const ovs::Bridge* bridge = (*state)->bridgeOfPort(port->uuid);
  ASSERT_NE(bridge, nullptr);
  EXPECT_EQ(bridge->name, "br0");
  EXPECT_EQ(bridge->datapath_type, "netdev");
  ASSERT_EQ(port->interface_uuids.size(), 1u);
  EXPECT_EQ((*state)->interfaceByUuid(port->interface_uuids[0])->ifaceId(), "vm1");
}

TEST(OvsdbClient, SeesChangesAsTheyHappen) {
  OVSE_REQUIRE_SANDBOX();
  Sandbox sandbox;
  auto client = ovs::OvsdbClient::start({.remote = sandbox.dbRemote()});
  ASSERT_TRUE(client.has_value()) << client.error();
  ASSERT_TRUE((*client)->waitForContents(std::chrono::seconds(5)).has_value());
  sandbox.addVm("vm9", "10.0.0.9/24");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while ((*client)->snapshot()->portByName("vm9") == nullptr &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_NE((*client)->snapshot()->portByName("vm9"), nullptr);
}

TEST(PortsCommand, ListsVmPortsWithTheirMacsAfterTraffic) {
  OVSE_REQUIRE_SANDBOX();
  Sandbox sandbox;
  sandbox.addVm("vm1", "10.0.0.1/24", "02:00:00:00:00:01", "vm-a", "uuid-a");
  sandbox.addVm("vm2", "10.0.0.2/24", "02:00:00:00:00:02", "vm-b", "uuid-b");
  auto ping = sandbox.exec("vm1", {"ping", "-c", "3", "-i", "0.2", "-W", "2", "10.0.0.2"});
  ASSERT_EQ(ping.exit_code, 0) << ping.out << ping.err;

  auto result = mirrorctl({"ports", "--db", sandbox.dbRemote(), "--json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  json doc = json::parse(result.out);
  EXPECT_EQ(doc["remote"], sandbox.dbRemote());
  const json* vm1 = findPort(doc["ports"], "vm1");
  const json* vm2 = findPort(doc["ports"], "vm2");
  ASSERT_NE(vm1, nullptr) << result.out;
  ASSERT_NE(vm2, nullptr) << result.out;
  EXPECT_EQ((*vm1)["bridge"], "br0");
  EXPECT_EQ((*vm1)["interfaces"][0]["attached_mac"], "02:00:00:00:00:01");
  EXPECT_EQ((*vm1)["interfaces"][0]["iface_id"], "vm-a");
  EXPECT_EQ((*vm1)["interfaces"][0]["vm_uuid"], "uuid-a");
  EXPECT_EQ((*vm2)["interfaces"][0]["attached_mac"], "02:00:00:00:00:02");
  EXPECT_GT((*vm2)["interfaces"][0]["ofport"].get<int>(), 0);

  auto table = mirrorctl({"ports", "--db", sandbox.dbRemote()});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("BRIDGE"), std::string::npos);
  EXPECT_NE(table.out.find("02:00:00:00:00:02"), std::string::npos);
  EXPECT_NE(table.out.find("vm-b"), std::string::npos);
}

TEST(PortsCommand, FollowsOvsThroughAVswitchdRestart) {
  OVSE_REQUIRE_SANDBOX();
  Sandbox sandbox;
  sandbox.addVm("vm1", "10.0.0.1/24");
  sandbox.addVm("vm2", "10.0.0.2/24");
  sandbox.restartVswitchd();
  auto ping = sandbox.exec("vm1", {"ping", "-c", "2", "-i", "0.2", "-W", "3", "10.0.0.2"});
  EXPECT_EQ(ping.exit_code, 0) << ping.out << ping.err;
  auto result = mirrorctl({"ports", "--db", sandbox.dbRemote(), "--json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(findPort(json::parse(result.out)["ports"], "vm2"), nullptr);
}

TEST(PortsCommand, MissingSocketIsAOneLineErrorNamingTheRemote) {
  auto result = mirrorctl({"ports", "--db", "unix:/nonexistent/db.sock"});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find("unix:/nonexistent/db.sock"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("No such file"), std::string::npos) << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
}

TEST(PortsCommand, RefusedConnectionIsAnError) {
  auto result = mirrorctl({"ports", "--db", "tcp:127.0.0.1:1"});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find("tcp:127.0.0.1:1"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("refused"), std::string::npos) << result.err;
}

TEST(PortsCommand, UnknownRemoteTypeIsAnError) {
  auto result = mirrorctl({"ports", "--db", "carrier-pigeon:coop"});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find("carrier-pigeon:coop"), std::string::npos) << result.err;
}

TEST(PortsCommand, SilentServerTimesOut) {
  // A listening socket that never answers: the connection succeeds, the database never arrives.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 4), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  std::string remote = "tcp:127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  auto result = mirrorctl({"ports", "--db", remote, "--timeout", "0.5"});
  close(fd);
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find("timed out"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find(remote), std::string::npos) << result.err;
}

TEST(Sandbox, LeavesNoNamespaceOrProcessBehind) {
  OVSE_REQUIRE_SANDBOX();
  std::string hv_ns;
  std::string dir;
  {
    Sandbox sandbox;
    sandbox.addVm("vm1", "10.0.0.1/24");
    sandbox.addCollector("col", "10.99.0.2/24", "10.99.0.1/24");
    hv_ns = sandbox.netns("hv");
    dir = sandbox.dir().string();
  }
  auto namespaces = run({"ip", "netns", "list"});
  EXPECT_EQ(namespaces.out.find(hv_ns.substr(0, 6)), std::string::npos) << namespaces.out;
  auto processes = run({"pgrep", "-af", dir});
  EXPECT_EQ(processes.out, "");
}

}  // namespace
}  // namespace ovse::test
