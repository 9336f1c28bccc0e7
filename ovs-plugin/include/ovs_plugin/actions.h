// Changes to the Open vSwitch database, as plain values: the reconciler computes them, a
// SwitchBackend applies a list of them as one OVSDB transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ovs_plugin/switch_state.h"

namespace ovse::ovs {

/// What a Mirror row should hold. Ports are named, so a mirror can refer to a port created in the
/// same transaction.
struct MirrorSpec {
  std::string bridge;
  std::string name;
  std::vector<std::string> select_src_ports;  ///< port names
  std::vector<std::string> select_dst_ports;  ///< port names
  std::vector<std::int64_t> select_vlans;
  bool select_all = false;
  std::optional<std::string> output_port;  ///< port name
  std::optional<std::int64_t> output_vlan;
  std::optional<std::int64_t> snaplen;
  StringMap external_ids;

  bool operator==(const MirrorSpec&) const = default;
};

/// A port with one interface of the same name (internal, erspan, ip6erspan, gre, ip6gre).
struct PortSpec {
  std::string bridge;
  std::string name;
  std::string type;
  StringMap options;
  StringMap external_ids;

  bool operator==(const PortSpec&) const = default;
};

struct CreateMirror {
  MirrorSpec spec;
};
struct UpdateMirror {
  std::string uuid;
  MirrorSpec spec;
};
struct DeleteMirror {
  std::string uuid;
  std::string name;  ///< for messages
};
struct CreatePort {
  PortSpec spec;
};
/// Rewrites the type and options of an existing port's interface.
struct UpdateInterface {
  std::string uuid;  ///< the Interface row
  PortSpec spec;
};
struct DeletePort {
  std::string uuid;
  std::string name;  ///< for messages
};

using Action =
    std::variant<CreateMirror, UpdateMirror, DeleteMirror, CreatePort, UpdateInterface, DeletePort>;

/// One line per action, e.g. "create mirror web on br0", for logs and `--dry-run`.
std::string describe(const Action& action);

}  // namespace ovse::ovs
