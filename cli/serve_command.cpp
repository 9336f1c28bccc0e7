// `mirrorctl serve`: flags → manager::runServe.
#include "serve_command.h"

#include <memory>

#include "mirror_manager/serve.h"
#include "ovsdb_flags.h"
#include "store_flag.h"

namespace ovse::cli {

void addServeCommand(CLI::App& app) {
  struct Args {
    OvsdbFlags ovsdb;
    std::string store;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "serve", "Run the manager: keep OVS matching the session store (SIGHUP reloads it)");
  addOvsdbFlags(*cmd, a->ovsdb);
  addStoreFlag(*cmd, a->store);
  cmd->callback([a] {
    manager::ServeOptions options;
    options.store = a->store;
    options.connect = a->ovsdb.connect;
    options.connect.log_level = a->ovsdb.verbose;
    throw CLI::RuntimeError(manager::runServe(options));
  });
}

}  // namespace ovse::cli
