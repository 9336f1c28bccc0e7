// The fleet inventory: the OVS hosts the manager keeps in step, each an OVSDB remote. JSON form
// (`hosts.json`): [{"name": "hv1", "db": "tcp:192.0.2.11:6640"}, ...] with optional per-host
// "vswitchd_ctl"; ssl: hosts share the process-wide "private_key", "certificate", "ca_cert".
// Flag form: `--host NAME=REMOTE`, repeated.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace ovse::manager {

/// One OVS host of the fleet.
struct HostEntry {
  std::string name;         ///< unique, [A-Za-z0-9._-], at most 64 characters
  std::string db;           ///< OVSDB remote: tcp:IP:PORT, ssl:IP:PORT or unix:PATH
  std::string private_key;  ///< ssl: our key (PEM)
  std::string certificate;  ///< ssl: our certificate (PEM)
  std::string ca_cert;      ///< ssl: CA certificate to trust (PEM)
  /// ovs-vswitchd's unixctl socket, when this manager can reach it (a co-located host or a test):
  /// after mirror changes its datapath flows are purged so established traffic is mirrored at
  /// once. Empty for remote hosts, whose revalidators catch up on their own.
  std::string vswitchd_ctl;

  bool operator==(const HostEntry&) const = default;
};

/// Parses the JSON inventory. Errors name the entry and field, e.g. `hosts[2].db: missing`.
std::expected<std::vector<HostEntry>, std::string> parseInventory(std::string_view json_text);

/// Parses one `--host NAME=REMOTE` flag.
std::expected<HostEntry, std::string> parseHostFlag(std::string_view flag);

/// Checks a whole inventory: at least one host, valid and unique names, remotes of a known type,
/// ssl: hosts with key, certificate and CA, all the same (libopenvswitch's SSL settings are
/// process-wide, so one manager presents one identity to every host).
std::expected<void, std::string> checkInventory(const std::vector<HostEntry>& hosts);

}  // namespace ovse::manager
