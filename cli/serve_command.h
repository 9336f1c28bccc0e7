// `mirrorctl serve`: the manager daemon, keeping OVS matching the session store.
#pragma once

#include <CLI/CLI.hpp>

namespace ovse::cli {

/// Registers the `serve` subcommand on `app`.
void addServeCommand(CLI::App& app);

}  // namespace ovse::cli
