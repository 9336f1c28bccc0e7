// `mirrorctl export`: mirrored frames in (interfaces or a file), ERSPAN/GRE out (collectors over
// raw sockets, or a pcap file).
#pragma once

#include <CLI/CLI.hpp>

namespace ovse::cli {

/// Registers the `export` subcommand on `app`.
void addExportCommand(CLI::App& app);

}  // namespace ovse::cli
