// `mirrorctl ovn sync`: the store's sessions as OVN Northbound Mirror rows (mirror_manager/
// ovn_plan.h says what maps and what OVN 23.03 cannot express).
#pragma once

#include <CLI/CLI.hpp>

namespace ovse::cli {

/// Registers `mirrorctl ovn` on `app`.
void addOvnCommand(CLI::App& app);

}  // namespace ovse::cli
