// OvnNbClient: port mirrors in an OVN Northbound database (OVN 23.03's Mirror table and
// Logical_Switch_Port.mirror_rules), through a libopenvswitch IDL generated for the NB schema.
// ovn-northd and ovn-controller then realize each mirror on whichever chassis binds the port.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <vector>

#include "ovs_plugin/ovn_mirror.h"

namespace ovse::ovs {

class OvnNbClient {
 public:
  /// Connects to `remote` (unix:, tcp:, ssl:) and waits for the contents.
  static std::expected<std::unique_ptr<OvnNbClient>, std::string> connect(
      const std::string& remote, std::chrono::milliseconds timeout);
  ~OvnNbClient();
  OvnNbClient(const OvnNbClient&) = delete;
  OvnNbClient& operator=(const OvnNbClient&) = delete;

  /// Makes the Mirror rows tagged with external_ids:`owner_key` exactly `mirrors` and attaches
  /// them to their ports, in one transaction. Returns the ports not found (skipped), or the
  /// database's error.
  std::expected<std::vector<std::string>, std::string> syncMirrors(
      const std::string& owner_key, const std::vector<OvnMirrorSpec>& mirrors);

 private:
  struct Impl;
  explicit OvnNbClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ovse::ovs
