// The OVSDB connection flags every subcommand that talks to OVS shares (--db, SSL files,
// --timeout), and a one-shot "connect and read the database" helper.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <expected>
#include <memory>
#include <string>

#include "ovs_plugin/ovsdb_client.h"

namespace ovse::cli {

/// The flags' values, filled by CLI11.
struct OvsdbFlags {
  ovs::ConnectOptions connect;
  double timeout_s = 5.0;
  int verbose = 0;
};

/// Adds --db, --private-key, --certificate, --ca-cert, --timeout and -v to `command`.
void addOvsdbFlags(CLI::App& command, OvsdbFlags& flags);

/// OvsdbClient::connect with the flags' remote, SSL files, -v and --timeout: a client whose
/// contents have arrived, or a one-line error that names the remote. Once (the first failure is
/// final) unless `keep_reconnecting` (a command that outlives an ovsdb-server restart).
std::expected<std::unique_ptr<ovs::OvsdbClient>, std::string> connectOvsdb(
    const OvsdbFlags& flags, bool keep_reconnecting = false);

/// connectOvsdb, then the contents it read.
std::expected<std::shared_ptr<const ovs::SwitchState>, std::string> readSwitchState(
    const OvsdbFlags& flags);

}  // namespace ovse::cli
