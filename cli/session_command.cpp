// `mirrorctl session ...`: each subcommand loads the store, changes it (validated), saves it, and
// reconciles OVS against it once; with --server it asks the daemon to (session_remote.h).
#include "session_command.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <thread>

#include "mirror_manager/apply.h"
#include "mirror_manager/collector_routes.h"
#include "mirror_manager/daemon/listen_address.h"
#include "mirror_manager/json_text.h"
#include "mirror_manager/session_json.h"
#include "mirror_manager/session_reply.h"
#include "mirror_manager/store_lock.h"
#include "mirror_manager/validation.h"
#include "ovsdb_flags.h"
#include "rest_client.h"
#include "session_flags.h"
#include "session_remote.h"
#include "session_view.h"
#include "store_flag.h"

namespace ovse::cli {
namespace {

using manager::Session;
using manager::SessionStore;

struct SessionArgs {
  OvsdbFlags ovsdb;
  std::string store;
  bool json = false;
  bool no_apply = false;
  std::string name;
  SessionFlags flags;           // create
  SessionFlags set_flags;       // set
  RemoteFlags remote;           // --server: the daemon does the work
  bool explicit_local = false;  // --store or --db given: that store, in-process
  bool explicit_none = false;   // --server none: never a daemon
  std::string capture_dir{manager::kDefaultCaptureDir};  // where capture files must be

  bool viaServer() {
    remote.json = json;
    remote.server = defaultServer(remote.server, explicit_local);
    // The store's writer is a daemon: the change goes through it, not behind its back.
    if (remote.server.empty() && !explicit_none) {
      auto holder = manager::StoreLock::holder(store);
      if (holder && holder->program == "mirrorctl serve" && !holder->server.empty()) {
        remote.server = holder->server;
        // A daemon takes the lock before its socket is up: give it a moment to start.
        const std::string socket = holder->server.substr(std::string_view("unix:").size());
        for (int i = 0; i < 100 && !socketAnswers(socket); ++i) {
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
      }
    }
    return !remote.server.empty();
  }
};

int fail(const std::string& message) {
  std::cerr << "mirrorctl session: " << message << '\n';
  return 1;
}

std::expected<nlohmann::json, std::string> readJsonFile(const std::string& path) {
  std::ifstream file;
  if (path != "-") file.open(path);
  std::istream& in = path == "-" ? std::cin : file;
  if (!in) return std::unexpected("--from-json " + path + ": cannot open");
  // Read whole, then parse with the depth limit: deep nesting once crashed this command.
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  auto j = manager::parseJson(text);
  if (!j) return std::unexpected("--from-json " + path + ": " + j.error().message());
  return std::move(*j);
}

// What validation needs here: the capture directory (--capture-dir, absolute).
manager::ValidationContext validationContext(const SessionArgs& a) {
  return {std::filesystem::absolute(a.capture_dir).lexically_normal().string()};
}

// How applying a change to OVS ended.
enum class Applied { kDone, kNotApplied, kRefused };

// Connects to OVS, reconciles the whole store once and, with `print`, shows how `name` ended up.
Applied applyStore(const SessionStore& store, const SessionArgs& a, const std::string& name,
                   bool print = true) {
  if (a.no_apply) return Applied::kDone;
  auto flags = a.ovsdb;
  flags.connect.retry = false;
  auto client = ovs::OvsdbClient::start(flags.connect);
  auto state = client ? (*client)->waitForContents(
                            std::chrono::milliseconds(static_cast<long>(a.ovsdb.timeout_s * 1000)))
                      : std::unexpected(client.error());
  if (!state) {
    fail("saved to " + a.store + ", not applied: " + state.error());
    return Applied::kNotApplied;
  }
  manager::ReconcileScope scope;
  scope.collector_routes = manager::collectorRoutes(store.sessions());
  scope.validation = validationContext(a);
  auto out = manager::reconcileAndApply(store.sessions(), **client, scope);
  for (const auto& status : out.statuses) {
    if (status.name != name || !print) continue;
    if (a.json) {
      std::cout << manager::dumpJson(nlohmann::json{{"name", name}, {"status", statusJson(status)}},
                                     2)
                << '\n';
    } else {
      printSessionDetails(std::cout, *store.find(name), &status, (*client)->snapshot().get());
    }
    return status.state == manager::SessionState::kError ? Applied::kRefused : Applied::kDone;
  }
  return Applied::kDone;
}

// Validates `s` against the other stored sessions (a capture file put in its stored form, relative
// to the capture directory), prints the issues; false on errors.
bool validate(Session& s, const SessionStore& store, std::string_view replacing,
              const SessionArgs& a) {
  const manager::ValidationContext context = validationContext(a);
  manager::normalizeCaptureFile(s, context);
  auto issues = manager::validateSession(s, store.sessions(), replacing, context);
  for (const auto& issue : issues) std::cerr << "mirrorctl session: " << issue.text() << '\n';
  return !manager::hasErrors(issues);
}

// The store for a change, opened under its writer lock (held until the command ends): two
// `mirrorctl session` commands wait for each other; one against a daemon's store is refused.
struct LockedStore {
  manager::StoreLock lock;
  SessionStore store;
};

std::expected<LockedStore, std::string> openForChange(const SessionArgs& a) {
  auto lock =
      manager::StoreLock::acquire(a.store, {0, "mirrorctl session", ""}, std::chrono::seconds(10));
  if (!lock) return std::unexpected(lock.error());
  auto store = SessionStore::open(a.store);
  if (!store) return std::unexpected(store.error());
  return LockedStore{std::move(*lock), std::move(*store)};
}

// Saves the change and applies it; a change OVS or the manager refused at once is not kept:
// the session goes back to `before` (or away, for a new one) in the store and in OVS.
int saveAndApply(SessionStore& store, const SessionArgs& a, const std::string& name,
                 const std::optional<Session>& before) {
  if (auto saved = store.save(); !saved) return fail(saved.error());
  const Applied applied = applyStore(store, a, name);
  if (applied != Applied::kRefused) return applied == Applied::kDone ? 0 : 1;
  if (before) {
    store.upsert(*before);
  } else {
    store.remove(name);
  }
  if (auto saved = store.save(); !saved) return fail(saved.error());
  applyStore(store, a, name, false);
  return fail(before ? "the change was refused (above) and is not kept: " + name + " is as it was"
                     : "the session was refused (above) and is not kept");
}

int runCreate(SessionArgs& a) {
  nlohmann::json j = nlohmann::json::object();
  if (!a.flags.from_json.empty()) {
    auto file = readJsonFile(a.flags.from_json);
    if (!file) return fail(file.error());
    // What `session show --json` prints is accepted: its status and counters are not input.
    j = manager::sessionPartOf(*file);
  }
  if (!a.name.empty()) j["name"] = a.name;
  if (auto overlay = overlaySessionFlags(j, a.flags); !overlay) return fail(overlay.error());
  if (a.viaServer()) return remoteCreate(a.remote, j);
  auto locked = openForChange(a);
  if (!locked) return fail(locked.error());
  SessionStore& store = locked->store;
  auto session = manager::sessionFromJson(j);
  if (!session) return fail(session.error().text());
  if (store.find(session->name)) {
    return fail("name: session " + session->name + " exists already (use `session set`)");
  }
  if (!validate(*session, store, {}, a)) return 1;
  store.upsert(*session);
  return saveAndApply(store, a, session->name, std::nullopt);
}

int runSet(SessionArgs& a) {
  if (a.viaServer()) return remoteSet(a.remote, a.name, a.set_flags);
  auto locked = openForChange(a);
  if (!locked) return fail(locked.error());
  SessionStore& store = locked->store;
  const Session* old = store.find(a.name);
  if (!old) return fail("no session named " + a.name);
  const Session before = *old;
  nlohmann::json j = manager::sessionToJson(before);
  if (auto overlay = overlaySessionFlags(j, a.set_flags); !overlay) return fail(overlay.error());
  auto session = manager::sessionFromJson(j);
  if (!session) return fail(session.error().text());
  if (!validate(*session, store, a.name, a)) return 1;
  store.upsert(*session);
  return saveAndApply(store, a, session->name, before);
}

int runEnable(SessionArgs& a, bool enabled) {
  if (a.viaServer()) return remoteEnable(a.remote, a.name, enabled);
  auto locked = openForChange(a);
  if (!locked) return fail(locked.error());
  SessionStore& store = locked->store;
  const Session* old = store.find(a.name);
  if (!old) return fail("no session named " + a.name);
  const Session before = *old;
  Session s = before;
  s.enabled = enabled;
  store.upsert(s);
  return saveAndApply(store, a, a.name, before);
}

int runDelete(SessionArgs& a) {
  if (a.viaServer()) return remoteDelete(a.remote, a.name);
  auto locked = openForChange(a);
  if (!locked) return fail(locked.error());
  if (!locked->store.remove(a.name)) return fail("no session named " + a.name);
  if (auto saved = locked->store.save(); !saved) return fail(saved.error());
  return applyStore(locked->store, a, a.name) == Applied::kNotApplied ? 1 : 0;
}

// Reads OVS (when reachable) and computes every session's status without changing anything.
struct Observed {
  std::shared_ptr<const ovs::SwitchState> state;
  std::vector<manager::SessionStatus> statuses;
};

Observed observe(const SessionStore& store, const SessionArgs& a) {
  auto state = readSwitchState(a.ovsdb);
  if (!state) {
    std::cerr << "mirrorctl session: " << state.error() << " (showing the store only)\n";
    return {};
  }
  manager::ReconcileScope scope;
  scope.collector_routes = manager::collectorRoutes(store.sessions());
  scope.validation = validationContext(a);
  return {*state, manager::reconcile(store.sessions(), **state, scope).statuses};
}

int runList(SessionArgs& a) {
  if (a.viaServer()) return remoteList(a.remote);
  auto store = SessionStore::open(a.store);
  if (!store) return fail(store.error());
  Observed seen = observe(*store, a);
  if (!a.json) {
    printSessionTable(std::cout, store->sessions(), seen.statuses, seen.state.get());
    return 0;
  }
  // The daemon's shape (GET /api/v1/sessions), so scripts read one form with or without it.
  nlohmann::json list = nlohmann::json::array();
  for (std::size_t i = 0; i < store->sessions().size(); ++i) {
    const Session& s = store->sessions()[i];
    const manager::SessionStatus* status = i < seen.statuses.size() ? &seen.statuses[i] : nullptr;
    list.push_back(manager::sessionReplyJson(s, status, seen.state.get()));
  }
  std::cout << manager::dumpJson(list, 2) << '\n';
  return 0;
}

int runShow(SessionArgs& a, bool stats_only) {
  if (a.viaServer()) return remoteShow(a.remote, a.name, stats_only);
  auto store = SessionStore::open(a.store);
  if (!store) return fail(store.error());
  const Session* s = store->find(a.name);
  if (!s) return fail("no session named " + a.name);
  Observed seen = observe(*store, a);
  const manager::SessionStatus* status = nullptr;
  for (const auto& st : seen.statuses) status = st.name == a.name ? &st : status;
  if (a.json) {
    // show: the daemon's shape (GET /api/v1/sessions/NAME), which --from-json takes back.
    nlohmann::json j = manager::sessionReplyJson(*s, status, seen.state.get());
    if (stats_only) {
      j.erase("session");
      j["name"] = a.name;
    }
    if (seen.state) j["mirrored"]["rows"] = mirrorCounters(*seen.state, a.name).per_row;
    std::cout << manager::dumpJson(j, 2) << '\n';
    return 0;
  }
  printSessionDetails(std::cout, *s, status, seen.state.get());
  return 0;
}

CLI::App* addLeaf(CLI::App* parent, const std::string& name, const std::string& help,
                  const std::shared_ptr<SessionArgs>& args, bool with_name) {
  CLI::App* cmd = parent->add_subcommand(name, help);
  addOvsdbFlags(*cmd, args->ovsdb);
  addStoreFlag(*cmd, args->store);
  cmd->add_flag("--json", args->json, "JSON output for scripts");
  cmd->add_option("--server", args->remote.server,
                  "the daemon to talk to: unix:PATH or http://HOST:PORT; \"none\": the store "
                  "and OVS in-process (default: $OVSE_SERVER, else the daemon's socket " +
                      std::string(manager::daemon::kDefaultSocketPath) +
                      " when one answers and neither --store nor --db is given)");
  cmd->add_option("--token-file", args->remote.token_file,
                  "bearer token for an http:// --server (default: " +
                      std::string(manager::daemon::kDefaultTokenFile) + " when readable)");
  cmd->add_option("--capture-dir", args->capture_dir,
                  "without a daemon: the directory capture files must be in (as serve's)")
      ->capture_default_str();
  cmd->parse_complete_callback([args, cmd] {
    args->explicit_local =
        cmd->count("--store") > 0 || cmd->count("--db") > 0 || std::getenv("OVSE_STORE") != nullptr;
    args->explicit_none = args->remote.server == "none";
  });
  if (with_name) cmd->add_option("name", args->name, "session name")->required();
  return cmd;
}

}  // namespace

void addSessionCommand(CLI::App& app) {
  auto a = std::make_shared<SessionArgs>();
  CLI::App* session = app.add_subcommand("session", "Port mirroring sessions");
  session->require_subcommand(1);
  auto done = [](int code) { throw CLI::RuntimeError(code); };

  CLI::App* create =
      addLeaf(session, "create", "Create a session (flags mirror the JSON)", a, false);
  create->add_option("name", a->name, "session name (or \"name\" in --from-json)");
  addSessionFlags(*create, a->flags);
  create->add_flag("--no-apply", a->no_apply, "only change the store");
  create->callback([a, done] { done(runCreate(*a)); });

  CLI::App* set = addLeaf(session, "set", "Change fields of a session", a, true);
  addSessionFlags(*set, a->set_flags);
  set->add_flag("--no-apply", a->no_apply, "only change the store");
  set->callback([a, done] { done(runSet(*a)); });

  // Without OVS to apply to (an OVN cloud, where `mirrorctl ovn sync` writes the rows), every
  // change can stop at the store.
  CLI::App* enable = addLeaf(session, "enable", "Enable a session", a, true);
  enable->add_flag("--no-apply", a->no_apply, "only change the store");
  enable->callback([a, done] { done(runEnable(*a, true)); });
  CLI::App* disable = addLeaf(session, "disable", "Disable a session (its OVS rows go)", a, true);
  disable->add_flag("--no-apply", a->no_apply, "only change the store");
  disable->callback([a, done] { done(runEnable(*a, false)); });
  CLI::App* remove = addLeaf(session, "delete", "Delete a session and its OVS rows", a, true);
  remove->add_flag("--no-apply", a->no_apply, "only change the store");
  remove->callback([a, done] { done(runDelete(*a)); });
  addLeaf(session, "list", "List sessions with their state", a, false)->callback([a, done] {
    done(runList(*a));
  });
  addLeaf(session, "show", "One session in detail", a, true)->callback([a, done] {
    done(runShow(*a, false));
  });
  addLeaf(session, "stats", "OVS mirror statistics of a session", a, true)->callback([a, done] {
    done(runShow(*a, true));
  });
}

}  // namespace ovse::cli
