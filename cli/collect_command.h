// `mirrorctl collect`: receive ERSPAN/GRE, account loss per session, write pcap/pcapng.
#pragma once

#include <CLI/CLI.hpp>

namespace ovse::cli {

/// Registers the `collect` subcommand on `app`.
void addCollectCommand(CLI::App& app);

}  // namespace ovse::cli
