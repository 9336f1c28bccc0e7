// `mirrorctl trace`: pktcap-uw --trace for OVS: ofproto/trace of a packet described with the
// capture flags (--switchport vm1 --dstip 10.0.0.2 --proto 0x01), and which mirrors copy it.
#pragma once

#include <CLI/CLI.hpp>

namespace ovse::cli {

/// Registers the `trace` subcommand on `app`.
void addTraceCommand(CLI::App& app);

}  // namespace ovse::cli
