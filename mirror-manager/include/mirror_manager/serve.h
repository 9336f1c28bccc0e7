// The manager daemon's loop: keeps OVS matching the store, reacting to OVSDB changes (a VM's port
// re-created, a hand-deleted row, ovsdb-server or ovs-vswitchd restarting) and to store changes.
#pragma once

#include <chrono>
#include <filesystem>

#include "ovs_plugin/ovsdb_client.h"

namespace ovse::manager {

struct ServeOptions {
  std::filesystem::path store;
  ovs::ConnectOptions connect;
  /// How often the store file is checked for changes by other writers (the CLI).
  std::chrono::milliseconds store_poll{250};
  /// Back-off after OVSDB refused a transaction, before trying again without a change.
  std::chrono::milliseconds retry_after{2000};
};

/// Runs until SIGTERM or SIGINT (SIGHUP reloads the store). OVS mirrors stay in place on exit:
/// they are the user's configuration. Returns the process exit code.
int runServe(const ServeOptions& options);

}  // namespace ovse::manager
