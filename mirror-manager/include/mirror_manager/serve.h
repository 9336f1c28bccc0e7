// The manager daemon (`mirrorctl serve`): keeps OVS matching the store, reacting to OVSDB
// changes (a VM's port re-created, a hand-deleted row, ovsdb-server or ovs-vswitchd restarting)
// and to store changes, and serves the REST API, Prometheus metrics and the web UI.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>

#include "ovs_plugin/ovsdb_client.h"

namespace ovse::manager {

struct ServeOptions {
  std::filesystem::path store;
  ovs::ConnectOptions connect;
  /// How often the store file is checked for changes by other writers.
  std::chrono::milliseconds store_poll{250};
  /// Back-off after OVSDB refused a transaction, before trying again without a change.
  std::chrono::milliseconds retry_after{2000};
  /// ADDR:PORT for HTTP (see daemon/listen_address.h); "" = no HTTP server.
  std::string listen = "127.0.0.1:8470";
  /// File holding the bearer token; required when `listen` is not a loopback address.
  std::filesystem::path token_file;
  /// The web UI's files; empty: the installed copy, else the source tree's.
  std::filesystem::path web_root;
  /// Largest request body accepted (413 above).
  std::size_t body_limit_bytes = 64 * 1024;
};

/// Runs until SIGTERM or SIGINT (SIGHUP reloads the store). OVS mirrors stay in place on exit:
/// they are the user's configuration. Logs "listening on http://ADDR:PORT" once the HTTP server
/// is up. Returns the process exit code.
int runServe(const ServeOptions& options);

}  // namespace ovse::manager
