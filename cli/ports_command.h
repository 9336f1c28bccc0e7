// `mirrorctl ports`: bridges, ports, interfaces and VM identities as OVS knows them.
#pragma once

#include <CLI/CLI.hpp>

namespace ovse::cli {

/// Registers the `ports` subcommand on `app`.
void addPortsCommand(CLI::App& app);

}  // namespace ovse::cli
