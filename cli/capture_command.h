// `mirrorctl capture`: pktcap-uw for Open vSwitch (ports by name/ofport/iface-id/VM, both
// directions in one pcapng, re-binding after a VM reset, clean stop, --list/--stop).
#pragma once

#include <CLI/CLI.hpp>

namespace ovse::cli {

/// Registers the `capture` subcommand on `app`.
void addCaptureCommand(CLI::App& app);

}  // namespace ovse::cli
