// The flags of `mirrorctl session create|set`, which mirror the session's JSON fields, and their
// translation into (or onto) a session JSON object, so flags and --from-json share one parser and
// one set of error messages.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <expected>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace ovse::cli {

struct SessionFlags {
  std::string from_json;
  std::optional<std::string> type, description, bridge, filter;
  std::vector<std::string> sources;  // "iface_id=vm-a,direction=ingress"
  std::vector<std::int64_t> select_vlans;
  std::vector<std::int64_t> source_vlans;  // --source-vlan, rspan-destination, repeatable
  // Booleans are applied only when given, which CLI11 reports through the Option's count().
  bool select_all = false, enabled = true, preserve_original_vlan = false;
  CLI::Option *select_all_given = nullptr, *enabled_given = nullptr, *preserve_given = nullptr;
  bool allow_normal_io = false;
  CLI::Option* allow_normal_io_given = nullptr;
  std::optional<std::int64_t> snaplen, sampling_rate, rate_pps, rate_bps;
  // destination
  std::optional<std::string> uplink, version, backend, file;
  std::vector<std::string> dest_ports;  // --dest-port, repeatable
  std::vector<std::string> remote_ips;  // --remote-ip, repeatable
  std::optional<std::int64_t> vlan, session_id, index, hwid, vni, dscp, ttl;
};

/// Adds the session flags to `command` (one SessionFlags per command).
void addSessionFlags(CLI::App& command, SessionFlags& flags);

/// Applies the flags that were given onto `session` (a session JSON object). Errors name the flag
/// and the value, e.g. `--source colour=red: unknown key colour (port, iface_id, mac, vm, direction)`.
std::expected<void, std::string> overlaySessionFlags(nlohmann::json& session,
                                                     const SessionFlags& flags);

}  // namespace ovse::cli
