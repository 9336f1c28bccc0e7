// `mirrorctl gc`: removes the OVS rows of captures whose process is gone (SIGKILL, crash, reboot).
#pragma once

#include <CLI/CLI.hpp>

namespace ovse::cli {

/// Registers the `gc` subcommand on `app`.
void addGcCommand(CLI::App& app);

}  // namespace ovse::cli
