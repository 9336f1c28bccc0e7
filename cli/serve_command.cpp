// `mirrorctl serve`: flags → manager::runServe (the daemon: reconciler, REST API, metrics, UI).
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
    manager::ServeOptions serve;
    std::string token_file;
    std::string web_root;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "Run the manager daemon: keep OVS matching the session store (SIGHUP reloads it) and serve "
      "the REST API (/api/v1), Prometheus metrics (/metrics) and the web UI");
  addOvsdbFlags(*cmd, a->ovsdb);
  addStoreFlag(*cmd, a->store);
  cmd->add_option("--listen", a->serve.listen,
                  "where the API listens, repeatable: unix:PATH (access by the socket's mode "
                  "0660 and group), ADDR:PORT or [ADDR]:PORT (TCP, needs --token-file; port 0: "
                  "any free port); \"\": no API")
      ->capture_default_str();
  cmd->add_option("--socket-group", a->serve.socket_group,
                  "group that may use the unix socket (root only when it does not exist)")
      ->capture_default_str();
  cmd->add_option("--token-file", a->token_file,
                  "file (mode 0600) with the bearer token TCP clients must send; required for "
                  "any TCP --listen");
  cmd->add_option("--allow-host", a->serve.allow_hosts,
                  "host name TCP requests may carry in Host/Origin besides the listen "
                  "addresses (repeatable; DNS rebinding guard)");
  cmd->add_option("--max-connections", a->serve.max_connections,
                  "open connections per listener; more are answered 503")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{4096}));
  cmd->add_option("--capture-dir", a->serve.capture_dir,
                  "directory capture sessions write into (created 0700); a session's file is a "
                  "name or path inside it, symbolic links are never followed")
      ->capture_default_str();
  cmd->add_option("--web-root", a->web_root, "directory of the web UI (default: installed copy)");
  cmd->add_option("--body-limit", a->serve.body_limit_bytes, "largest request body in bytes")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{16} << 20));
  cmd->callback([a] {
    manager::ServeOptions options = a->serve;
    options.store = a->store;
    options.connect = a->ovsdb.connect;
    options.connect.log_level = a->ovsdb.verbose;
    options.token_file = a->token_file;
    options.web_root = a->web_root;
    options.capture_dir =
        std::filesystem::absolute(options.capture_dir).lexically_normal().string();
    throw CLI::RuntimeError(manager::runServe(options));
  });
}

}  // namespace ovse::cli
