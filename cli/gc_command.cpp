// `mirrorctl gc`: finds capture owners in OVSDB whose process no longer runs (pid gone, pid
// reused by another process, or another boot) and removes their Mirror and Port rows.
#include "gc_command.h"

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "mirror_manager/capture_cleanup.h"
#include "mirror_manager/json_text.h"
#include "ovsdb_flags.h"

namespace ovse::cli {
namespace {

struct GcArgs {
  OvsdbFlags ovsdb;
  bool dry_run = false;
  bool json = false;
};

int runGc(GcArgs& a) {
  auto client = connectOvsdb(a.ovsdb);
  if (!client) {
    std::cerr << "mirrorctl gc: " << client.error() << '\n';
    return 1;
  }
  std::vector<manager::CaptureInfo> dead;
  if (a.dry_run) {
    for (auto& info : manager::listCaptures(*(*client)->snapshot())) {
      if (!info.alive) dead.push_back(std::move(info));
    }
  } else {
    auto removed = manager::removeDeadCaptures(**client);
    if (!removed) {
      std::cerr << "mirrorctl gc: " << removed.error() << '\n';
      return 1;
    }
    dead = std::move(*removed);
  }
  if (a.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& d : dead) {
      nlohmann::json j;
      j["owner"] = d.rows.owner;
      j["mirrors"] = d.rows.mirrors;
      j["ports"] = d.rows.ports;
      list.push_back(j);
    }
    nlohmann::json out;
    out[a.dry_run ? "would_remove" : "removed"] = list;
    std::cout << manager::dumpJson(out, 2) << '\n';
    return 0;
  }
  for (const auto& d : dead) {
    std::cout << (a.dry_run ? "would remove " : "removed ") << d.rows.mirrors.size()
              << " mirrors and " << d.rows.ports.size() << " ports of dead capture " << d.rows.owner
              << '\n';
  }
  if (dead.empty()) std::cout << "nothing to remove\n";
  return 0;
}

}  // namespace

void addGcCommand(CLI::App& app) {
  auto args = std::make_shared<GcArgs>();
  CLI::App* cmd =
      app.add_subcommand("gc", "Remove OVS rows left by captures that were killed or crashed");
  cmd->add_flag("-n,--dry-run", args->dry_run, "only show what would be removed");
  cmd->add_flag("--json", args->json, "output as JSON");
  addOvsdbFlags(*cmd, args->ovsdb);
  cmd->callback([args] { throw CLI::RuntimeError(runGc(*args)); });
}

}  // namespace ovse::cli
