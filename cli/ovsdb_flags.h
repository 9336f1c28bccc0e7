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

/// Connects once (no retry), waits for the contents and returns them, or a one-line error that
/// names the remote.
std::expected<std::shared_ptr<const ovs::SwitchState>, std::string> readSwitchState(
    OvsdbFlags flags);

}  // namespace ovse::cli
