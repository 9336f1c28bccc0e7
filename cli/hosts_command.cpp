// `mirrorctl hosts`: connects to every host of the inventory (hosts.json or --host NAME=REMOTE)
// and shows each one's connection state and the sessions with rows there; with the store, every
// session's fleet-wide state. `--reconcile` keeps all hosts matching the store until SIGTERM.
#include "hosts_command.h"

#include <iostream>
#include <map>
#include <memory>
#include <thread>

#include "mirror_manager/fleet/fleet.h"
#include "mirror_manager/json_text.h"
#include "mirror_manager/store_watch.h"
#include "stop_signals.h"
#include "store_flag.h"
#include "table.h"

namespace ovse::cli {
namespace {

struct HostsArgs {
  std::string inventory;
  std::vector<std::string> host_flags;
  std::string store;
  bool json = false;
  bool reconcile = false;
  bool no_wait = false;
  double timeout_s = 5.0;
  int verbose = 0;
};

int fail(const std::string& message) {
  std::cerr << "mirrorctl hosts: " << message << '\n';
  return 1;
}

std::expected<std::vector<manager::HostEntry>, std::string> inventoryOf(const HostsArgs& a) {
  std::vector<manager::HostEntry> hosts;
  if (!a.inventory.empty()) {
    auto loaded = manager::loadInventoryFile(a.inventory);
    if (!loaded) return std::unexpected(loaded.error());
    hosts = std::move(*loaded);
  }
  for (const auto& flag : a.host_flags) {
    auto host = manager::parseHostFlag(flag);
    if (!host) return std::unexpected(host.error());
    hosts.push_back(std::move(*host));
  }
  if (hosts.empty()) return std::unexpected(std::string("no hosts: give --inventory or --host"));
  if (auto ok = manager::checkInventory(hosts); !ok) return std::unexpected(ok.error());
  return hosts;
}

std::expected<std::vector<manager::Session>, std::string> loadSessions(const std::string& path) {
  auto store = manager::SessionStore::open(path);
  if (!store) return std::unexpected(store.error());
  return store->sessions();
}

void printTables(const manager::Fleet& fleet) {
  Table hosts({"HOST", "REMOTE", "STATE", "PORTS", "SESSIONS", "ERROR"});
  for (const auto& h : fleet.hosts()) {
    hosts.addRow({h.name, h.remote, manager::linkName(h),
                  h.ever_connected ? std::to_string(h.port_count) : "",
                  h.ever_connected ? std::to_string(h.session_count) : "", h.last_error});
  }
  hosts.print(std::cout);
  auto sessions = fleet.sessions();
  if (sessions.empty()) return;
  std::cout << '\n';
  Table table({"SESSION", "STATE", "HOSTS", "WHY"});
  for (const auto& s : sessions) {
    std::string hosts_cell, why;
    for (const auto& h : s.hosts) hosts_cell += (hosts_cell.empty() ? "" : ",") + h;
    for (const auto& m : s.missing) why += (why.empty() ? "" : "; ") + m;
    for (const auto& p : s.problems) why += (why.empty() ? "" : "; ") + p;
    for (const auto& w : s.warnings) why += (why.empty() ? "warning: " : "; warning: ") + w;
    table.addRow({s.name, manager::toString(s.state), hosts_cell, why});
  }
  table.print(std::cout);
}

void printJson(const manager::Fleet& fleet) {
  nlohmann::json out;
  out["hosts"] = nlohmann::json::array();
  for (const auto& h : fleet.hosts()) out["hosts"].push_back(manager::hostReportJson(h));
  out["sessions"] = nlohmann::json::array();
  for (const auto& s : fleet.sessions()) out["sessions"].push_back(manager::fleetStatusJson(s));
  std::cout << manager::dumpJson(out, 2) << '\n';
}

// One line per change of a host's link or a session's state, for the --reconcile log.
void logChanges(const manager::Fleet& fleet, std::map<std::string, std::string>& last) {
  auto note = [&](const std::string& key, const std::string& value, const std::string& line) {
    if (last[key] == value) return;
    last[key] = value;
    std::cout << line << std::endl;
  };
  for (const auto& h : fleet.hosts()) {
    note("host " + h.name, manager::linkName(h), "host " + h.name + ": " + manager::linkName(h));
  }
  for (const auto& s : fleet.sessions()) {
    std::string where;
    for (const auto& h : s.hosts) where += (where.empty() ? " on " : ",") + h;
    std::string state = manager::toString(s.state);
    note("session " + s.name, state + where, "session " + s.name + ": " + state + where);
  }
}

manager::StoreFollower* g_follower = nullptr;

void reloadStore() {
  if (g_follower != nullptr) g_follower->requestReload();
}

// The store is followed as the daemon follows it (store_watch.h); each host's worker applies it.
int runReconcile(manager::Fleet& fleet, const HostsArgs& a) {
  manager::StoreFollower follower(
      a.store, [](const std::string& line) { std::cerr << "mirrorctl hosts: " << line << '\n'; });
  g_follower = &follower;
  installStopSignals({.on_hangup = reloadStore});
  std::map<std::string, std::string> last;
  while (!stopRequested()) {
    if (auto sessions = follower.poll()) fleet.setSessions(std::move(*sessions));
    logChanges(fleet, last);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  g_follower = nullptr;
  return 0;
}

int runHosts(const HostsArgs& a) {
  auto hosts = inventoryOf(a);
  if (!hosts) return fail(hosts.error());
  auto sessions = loadSessions(a.store);
  if (!sessions) return fail(sessions.error());
  manager::FleetOptions options{.apply = a.reconcile, .log_level = a.verbose};
  if (a.no_wait) options.switch_timeout = std::chrono::milliseconds(0);
  auto fleet = manager::Fleet::start(std::move(*hosts), options);
  if (!fleet) return fail(fleet.error());
  if (a.reconcile) return runReconcile(**fleet, a);
  (*fleet)->setSessions(std::move(*sessions));
  bool all =
      (*fleet)->waitSettled(std::chrono::milliseconds(static_cast<long>(a.timeout_s * 1000)));
  if (a.json) {
    printJson(**fleet);
  } else {
    printTables(**fleet);
  }
  return all ? 0 : 2;
}

}  // namespace

void addHostsCommand(CLI::App& app) {
  auto a = std::make_shared<HostsArgs>();
  CLI::App* cmd = app.add_subcommand(
      "hosts",
      "Fleet of OVS hosts: connection state and sessions per host (exit 2 when a host is not "
      "reached within --timeout); --reconcile keeps every host matching the store");
  cmd->add_option("--inventory", a->inventory,
                  "hosts.json: [{\"name\": \"hv1\", \"db\": \"tcp:IP:PORT\"}, ...]")
      ->check(CLI::ExistingFile);
  cmd->add_option("--host", a->host_flags, "a host as NAME=REMOTE (repeatable)");
  addStoreFlag(*cmd, a->store);
  cmd->add_flag("--json", a->json, "JSON output for scripts");
  cmd->add_flag("--reconcile", a->reconcile,
                "keep every host matching the store until SIGTERM/SIGINT, logging state changes "
                "(SIGHUP reads the store again)");
  cmd->add_flag("--no-wait", a->no_wait,
                "with --reconcile: do not wait for each host's ovs-vswitchd to apply a change "
                "(as ovs-vsctl --no-wait; datapath flows are then not purged)");
  cmd->add_option("--timeout", a->timeout_s, "seconds to wait for the hosts")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_flag("-v,--verbose", a->verbose, "log libopenvswitch messages (repeat for more)");
  cmd->callback([a] { throw CLI::RuntimeError(runHosts(*a)); });
}

}  // namespace ovse::cli
