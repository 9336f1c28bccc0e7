// `mirrorctl ovn sync --nb REMOTE`: plans the store's sessions for OVN, writes the owned NB
// Mirror rows in one transaction (rows of others untouched), and prints each session's state.
// --watch keeps doing so when the store changes (and every 10 s, for hand edits of the NB).
#include "ovn_command.h"

#include <iostream>
#include <thread>

#include "mirror_manager/json_text.h"
#include "mirror_manager/ovn_plan.h"
#include "mirror_manager/reconciler.h"
#include "mirror_manager/store_watch.h"
#include "mirror_manager/switch_report.h"
#include "ovs_plugin/ovn_nb_client.h"
#include "stop_signals.h"
#include "store_flag.h"
#include "table.h"

namespace ovse::cli {
namespace {

struct OvnArgs {
  std::string nb;
  std::string store;
  bool json = false;
  bool watch = false;
  double timeout_s = 5.0;
};

int fail(const std::string& message) {
  std::cerr << "mirrorctl ovn sync: " << message << '\n';
  return 1;
}

void print(const manager::OvnPlan& plan, bool json) {
  if (json) {
    nlohmann::json out;
    out["sessions"] = nlohmann::json::array();
    for (const auto& s : plan.statuses) {
      nlohmann::json j = manager::statusJson(s);
      j["name"] = s.name;
      out["sessions"].push_back(std::move(j));
    }
    out["rows"] = plan.mirrors.size();
    std::cout << manager::dumpJson(out, 2) << std::endl;
    return;
  }
  Table table({"SESSION", "STATE", "NB MIRROR ROWS", "WHY"});
  for (const auto& s : plan.statuses) {
    std::string rows, why;
    for (const auto& m : s.mirrors) rows += (rows.empty() ? "" : ",") + m;
    for (const auto& m : s.missing) why += (why.empty() ? "" : "; ") + m;
    for (const auto& p : s.problems) why += (why.empty() ? "" : "; ") + p;
    table.addRow({s.name, manager::toString(s.state), rows, why});
  }
  table.print(std::cout);
  std::cout.flush();
}

// One sync of the sessions to the NB database; the plan with OVN's missing ports marked.
std::expected<manager::OvnPlan, std::string> syncOnce(
    ovs::OvnNbClient& nb, const std::vector<manager::Session>& sessions) {
  auto plan = manager::planOvnMirrors(sessions);
  auto missing = nb.syncMirrors(manager::kSessionKey, plan.mirrors);
  if (!missing) return std::unexpected("the NB database refused the change: " + missing.error());
  manager::markMissingPorts(plan, sessions, *missing);
  return plan;
}

bool anyError(const manager::OvnPlan& plan) {
  for (const auto& s : plan.statuses) {
    if (s.state == manager::SessionState::kError) return true;
  }
  return false;
}

manager::StoreFollower* g_follower = nullptr;

void reloadStore() {
  if (g_follower != nullptr) g_follower->requestReload();
}

// The store is followed as the daemon follows it (store_watch.h), and read again every 10 s
// for hand edits of the NB database; each read is one sync.
int runWatch(ovs::OvnNbClient& nb, const OvnArgs& a) {
  auto log = [](const std::string& line) { std::cerr << "mirrorctl ovn sync: " << line << '\n'; };
  manager::StoreFollower follower(a.store, log, std::chrono::seconds(10));
  g_follower = &follower;
  installStopSignals({.on_hangup = reloadStore});
  std::string last_error;
  while (!stopRequested()) {
    if (auto sessions = follower.poll()) {
      auto plan = syncOnce(nb, *sessions);
      if (plan) print(*plan, a.json);
      if (!plan && plan.error() != last_error) log(plan.error());
      last_error = plan ? "" : plan.error();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  g_follower = nullptr;
  return 0;
}

int runSync(const OvnArgs& a) {
  auto nb = ovs::OvnNbClient::connect(
      a.nb, std::chrono::milliseconds(static_cast<long>(a.timeout_s * 1000)));
  if (!nb) return fail(nb.error());
  if (a.watch) return runWatch(**nb, a);
  auto store = manager::SessionStore::open(a.store);
  if (!store) return fail(store.error());
  auto plan = syncOnce(**nb, store->sessions());
  if (!plan) return fail(plan.error());
  print(*plan, a.json);
  return anyError(*plan) ? 1 : 0;
}

}  // namespace

void addOvnCommand(CLI::App& app) {
  CLI::App* ovn = app.add_subcommand("ovn", "OVN backend: sessions as OVN Northbound Mirror rows");
  ovn->require_subcommand(1);
  auto a = std::make_shared<OvnArgs>();
  CLI::App* sync = ovn->add_subcommand(
      "sync",
      "Write the store's sessions as NB Mirror rows (OVN 23.03) and show each session's state; "
      "exit 1 when a session has no OVN form (the table says why)");
  sync->add_option("--nb", a->nb, "OVN Northbound database (unix:PATH, tcp:IP:PORT, ssl:...)")
      ->required();
  addStoreFlag(*sync, a->store);
  sync->add_flag("--json", a->json, "JSON output for scripts");
  sync->add_flag("--watch", a->watch,
                 "keep the NB matching the store until SIGTERM/SIGINT (re-sync on every change of "
                 "the store, on SIGHUP and every 10 s)");
  sync->add_option("--timeout", a->timeout_s, "seconds to wait for the NB database")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  sync->callback([a] { throw CLI::RuntimeError(runSync(*a)); });
}

}  // namespace ovse::cli
