// Readying an OVS internal port that mirrored frames are output to, before capturing on it.
#pragma once

#include <expected>
#include <string>

namespace ovse::erspan::io {

/// Turns IPv6 off on `name` (no router solicitations or MLD from this host into the mirror) and
/// sets it up: OVS's userspace datapath cannot write to a tap that is down. The error names the
/// interface, and says to run where ovs-vswitchd runs when it is not in this namespace.
[[nodiscard]] std::expected<void, std::string> readyMirrorPort(const std::string& name);

}  // namespace ovse::erspan::io
