// FakeSwitch: an in-memory SwitchBackend for unit tests of pure manager logic. It applies
// actions to a SwitchState the way OVSDB would (fresh UUIDs, weak references to deleted ports
// dropped), so tests can check that reconciling twice converges.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "ovs_plugin/switch_backend.h"

namespace ovse::test {

class FakeSwitch : public ovs::SwitchBackend {
 public:
  FakeSwitch();

  std::shared_ptr<const ovs::SwitchState> state() const override;
  std::expected<void, ovs::ApplyError> apply(const std::vector<ovs::Action>& actions,
                                             std::uint64_t planned_on) override;
  /// apply() on behalf of a test that planned from the current state.
  std::expected<void, ovs::ApplyError> apply(const std::vector<ovs::Action>& actions) {
    return apply(actions, state_.seqno);
  }

  /// Adds a port with one interface of the same name to `bridge` (created on demand).
  std::string addPort(const std::string& bridge, const std::string& name,
                      ovs::StringMap iface_external_ids = {}, const std::string& type = "");
  /// Deletes a port by name, as `ovs-vsctl del-port` would (mirrors lose their references).
  void deletePort(const std::string& name);
  /// Adds a Mirror row nobody manages (a user's own), output to `output_port`.
  void addForeignMirror(const std::string& bridge, const std::string& name,
                        const std::string& output_port);
  /// Deletes a mirror by name, as a user editing OVSDB by hand would.
  void deleteMirror(const std::string& name);
  /// Sets the error column of a port's interface, as ovs-vswitchd does when a port fails.
  void setInterfaceError(const std::string& port_name, const std::string& error);
  /// Sets what ovs-vswitchd reports about a port's interface: its MTU and its status column.
  void reportInterface(const std::string& port_name, std::optional<std::int64_t> mtu,
                       ovs::StringMap status = {});
  /// When set, the next `n` apply() calls are refused as stale (another writer got there first).
  void refuseAsStale(int n) { stale_refusals_ = n; }
  /// When set, the next apply() fails with this message and changes nothing.
  void failNextApply(std::string message) { fail_next_ = std::move(message); }
  int applyCount() const { return apply_count_; }

 private:
  std::string newUuid();
  ovs::Bridge& bridge(const std::string& name);
  void dropPortReferences(const std::string& port_uuid);
  std::string portUuid(const std::string& name) const;

  ovs::SwitchState state_;
  int next_uuid_ = 1;
  int apply_count_ = 0;
  int stale_refusals_ = 0;
  std::string fail_next_;
};

}  // namespace ovse::test
