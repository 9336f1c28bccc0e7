// `mirrorctl session create|set|enable|disable|delete|list|show|stats`: change the store and apply
// the change to OVS at once (whether or not `mirrorctl serve` runs; serve keeps it applied).
#pragma once

#include <CLI/CLI.hpp>

namespace ovse::cli {

/// Registers the `session` subcommand and its subcommands on `app`.
void addSessionCommand(CLI::App& app);

}  // namespace ovse::cli
