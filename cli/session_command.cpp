// `mirrorctl session ...`: parses the flags, calls the session service (the daemon's over REST
// when a daemon is the store's writer, else in-process under the store's lock: session_calls.h)
// and prints its answer (session_print.h).
#include "session_command.h"

#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <thread>

#include "mirror_manager/daemon/listen_address.h"
#include "mirror_manager/json_text.h"
#include "mirror_manager/session_reply.h"
#include "mirror_manager/store_lock.h"
#include "mirror_manager/validation.h"
#include "ovsdb_flags.h"
#include "rest_client.h"
#include "session_flags.h"
#include "session_local.h"
#include "session_print.h"
#include "session_remote.h"
#include "store_flag.h"

namespace ovse::cli {
namespace {

struct SessionArgs {
  OvsdbFlags ovsdb;
  std::string store;
  bool json = false;
  bool no_apply = false;
  bool dry_run = false;  // create/set: what the change would give, nothing saved or applied
  std::string name;
  SessionFlags flags;           // create
  SessionFlags set_flags;       // set
  RemoteFlags remote;           // --server: the daemon does the work
  bool explicit_local = false;  // --store or --db given: that store, in-process
  bool explicit_none = false;   // --server none: never a daemon
  std::string capture_dir{manager::kDefaultCaptureDir};  // where capture files must be

  bool viaServer() {
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

  // Who answers: the daemon, or the service in-process (for a `change`, under the store's lock;
  // a dry run only reads the store, so it takes no lock).
  std::expected<std::unique_ptr<SessionCalls>, std::string> calls(bool change) {
    if (viaServer()) return remoteCalls(remote);
    return localCalls({store, ovsdb, capture_dir, change && !dry_run, no_apply && change});
  }
};

constexpr char kDryRunHelp[] =
    "validate and plan only: print the session as it would be stored and the state it would "
    "get (warnings apart from errors); nothing is saved, OVS is not changed";

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

// Prints how a change ended; a change saved but not applied (OVSDB out of reach) exits 1.
int changed(const SessionArgs& a, const SessionCalls& calls, const CallResult& r) {
  if (!r) return printError(r.error(), a.json);
  const int code = printReply(*r, a.json, calls.switchState());
  if (const std::string why = calls.notApplied(); !why.empty()) {
    return fail("saved to " + a.store + ", not applied: " + why);
  }
  return code;
}

// Prints what a change would give (--dry-run) and exits as the change would: 1 when it would be
// refused, or saved but not applied (OVSDB out of reach).
int previewed(const SessionArgs& a, SessionCalls& calls, const nlohmann::json& session,
              const std::string& replacing) {
  const int code = printPreview(calls.preview(session, replacing), a.json);
  if (const std::string why = calls.notApplied(); !why.empty() && code == 0) {
    return fail("dry run: would be saved to " + a.store + ", not applied: " + why);
  }
  return code;
}

// The calls for a read; without OVS the store is still shown, and the reason said.
std::expected<std::unique_ptr<SessionCalls>, std::string> callsToRead(SessionArgs& a) {
  auto calls = a.calls(false);
  if (calls && !(*calls)->notApplied().empty()) {
    fail((*calls)->notApplied() + " (showing the store only)");
  }
  return calls;
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
  auto calls = a.calls(true);
  if (!calls) return fail(calls.error());
  if (a.dry_run) return previewed(a, **calls, j, "");
  return changed(a, **calls, (*calls)->create(j));
}

int runSet(SessionArgs& a) {
  auto calls = a.calls(true);
  if (!calls) return fail(calls.error());
  auto current = (*calls)->get(a.name);
  if (!current) return printError(current.error(), a.json);
  nlohmann::json j = current->value("session", nlohmann::json::object());
  if (auto overlay = overlaySessionFlags(j, a.set_flags); !overlay) return fail(overlay.error());
  if (a.dry_run) return previewed(a, **calls, j, a.name);
  return changed(a, **calls, (*calls)->replace(a.name, j));
}

int runEnable(SessionArgs& a, bool enabled) {
  auto calls = a.calls(true);
  if (!calls) return fail(calls.error());
  return changed(a, **calls, (*calls)->setEnabled(a.name, enabled));
}

int runDelete(SessionArgs& a) {
  auto calls = a.calls(true);
  if (!calls) return fail(calls.error());
  auto r = (*calls)->remove(a.name);
  if (!r) return printError(r.error(), a.json);
  if (a.json) std::cout << manager::dumpJson(*r, 2) << '\n';
  if (const std::string why = (*calls)->notApplied(); !why.empty()) {
    return fail("saved to " + a.store + ", not applied: " + why);
  }
  return 0;
}

int runList(SessionArgs& a) {
  auto calls = callsToRead(a);
  if (!calls) return fail(calls.error());
  auto list = (*calls)->list();
  if (!list) return printError(list.error(), a.json);
  return printList(*list, a.json);
}

int runShow(SessionArgs& a) {
  auto calls = callsToRead(a);
  if (!calls) return fail(calls.error());
  auto r = (*calls)->get(a.name);
  if (!r) return printError(r.error(), a.json);
  // Showing a session in error state is a successful show.
  printReply(*r, a.json, (*calls)->switchState());
  return 0;
}

int runStats(SessionArgs& a) {
  auto calls = callsToRead(a);
  if (!calls) return fail(calls.error());
  auto r = (*calls)->stats(a.name);
  if (!r) return printError(r.error(), a.json);
  return printStats(*r, a.json);
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
  create->add_flag("-n,--dry-run", a->dry_run, kDryRunHelp);
  create->callback([a, done] { done(runCreate(*a)); });

  CLI::App* set = addLeaf(session, "set", "Change fields of a session", a, true);
  addSessionFlags(*set, a->set_flags);
  set->add_flag("--no-apply", a->no_apply, "only change the store");
  set->add_flag("-n,--dry-run", a->dry_run, kDryRunHelp);
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
    done(runShow(*a));
  });
  addLeaf(session, "stats", "OVS mirror statistics of a session", a, true)->callback([a, done] {
    done(runStats(*a));
  });
}

}  // namespace ovse::cli
