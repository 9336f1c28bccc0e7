// The manager daemon (`mirrorctl serve`): keeps OVS matching the store, reacting to OVSDB
// changes (a VM's port re-created, a hand-deleted row, ovsdb-server or ovs-vswitchd restarting)
// and to store changes, and serves the REST API, Prometheus metrics and the web UI.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "mirror_manager/validation.h"
#include "ovs_plugin/ovsdb_client.h"

namespace ovse::manager {

struct ServeOptions {
  std::filesystem::path store;
  ovs::ConnectOptions connect;
  /// How often the store file is checked for changes by other writers.
  std::chrono::milliseconds store_poll{250};
  /// Back-off after OVSDB refused a transaction, before trying again without a change.
  std::chrono::milliseconds retry_after{2000};
  /// Where the API listens: "unix:PATH" and/or ADDR:PORT (see daemon/listen_address.h);
  /// empty = no HTTP server.
  std::vector<std::string> listen{"unix:/run/ovs-erspan/api.sock"};
  /// The group that may connect to unix sockets (mode 0660); when it does not exist, root only.
  std::string socket_group = "ovs-erspan";
  /// File holding the bearer token; required as soon as one listener is TCP (loopback too).
  std::filesystem::path token_file;
  /// Host names TCP requests may carry in Host/Origin besides the listen addresses.
  std::vector<std::string> allow_hosts;
  /// Open connections per listener; more are answered 503.
  std::size_t max_connections = 64;
  /// Capture sessions' files are created only inside this directory (made 0700 when missing),
  /// opened relative to it without following symbolic links; absolute.
  std::string capture_dir{kDefaultCaptureDir};
  /// The web UI's files; empty: the installed copy, else the source tree's.
  std::filesystem::path web_root;
  /// Largest request body accepted (413 above).
  std::size_t body_limit_bytes = 64 * 1024;
};

/// Runs until SIGTERM or SIGINT (SIGHUP reloads the store). OVS mirrors stay in place on exit:
/// they are the user's configuration. Logs "listening on http://ADDR:PORT" or "listening on
/// unix:PATH" once each listener is up. Returns the process exit code.
int runServe(const ServeOptions& options);

}  // namespace ovse::manager
