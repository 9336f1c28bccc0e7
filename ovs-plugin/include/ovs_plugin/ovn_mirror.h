// One OVN Northbound Mirror row as the OVN backend writes it (OVN 23.03's Mirror table), with
// the Logical_Switch_Ports it is attached to. Plain data: the planner builds it, OvnNbClient
// writes it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ovse::ovs {

/// One NB Mirror row. OVN 23.03 has one direction per row: a vSphere "both" is two rows.
struct OvnMirrorSpec {
  std::string name;    ///< Mirror.name, unique
  std::string filter;  ///< "from-lport" (what the VM sends) or "to-lport" (what it receives)
  std::string sink;    ///< collector IP
  std::string type;    ///< "erspan" (always ERSPAN v1 = Type II) or "gre"
  /// GRE key; ERSPAN session ID (low 10 bits) and, read by OVS as hex, the ERSPAN index.
  std::int64_t index = 0;
  std::vector<std::string> ports;  ///< Logical_Switch_Port names to attach it to
  std::string owner;               ///< value of the owner key in external_ids (session name)

  bool operator==(const OvnMirrorSpec&) const = default;
};

}  // namespace ovse::ovs
