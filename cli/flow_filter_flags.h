// The pktcap-uw style flow-filter flags (--srcmac, --srcip, --proto, --vxlan, --filter, ...)
// shared by `mirrorctl export` and `mirrorctl capture`.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "erspan/exporter/flow_filter.h"

namespace ovse::cli {

/// Adds the flow-filter flags to `command`; their values land in `spec` (validated later by
/// `flowFilterExpression`).
void addFlowFilterFlags(CLI::App& command, erspan::exporter::FlowFilterSpec& spec);

/// Validates `spec` and compiles it once with libpcap; returns the expression ("" = no filter)
/// or a one-line error naming the flag and value (or libpcap's complaint about --filter).
[[nodiscard]] std::expected<std::string, std::string> flowFilterExpression(
    const erspan::exporter::FlowFilterSpec& spec);

}  // namespace ovse::cli
