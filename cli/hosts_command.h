// `mirrorctl hosts`: the fleet's OVS hosts, their connection state and the sessions on them.
#pragma once

#include <CLI/CLI.hpp>

namespace ovse::cli {

/// Registers `mirrorctl hosts` on `app`.
void addHostsCommand(CLI::App& app);

}  // namespace ovse::cli
