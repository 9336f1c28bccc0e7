// Translates Actions into the C shim's transaction calls: C++ strings and vectors become the
// plain arrays the C API takes, kept alive for the duration of each call.
#include "shim_txn.h"

#include "ovsdb_shim.h"

namespace ovse::ovs {
namespace {

// Plain-C views over a StringMap.
struct CMap {
  std::vector<const char*> keys;
  std::vector<const char*> values;

  explicit CMap(const StringMap& map) {
    for (const auto& [k, v] : map) {
      keys.push_back(k.c_str());
      values.push_back(v.c_str());
    }
  }
  ovse_smap view() const { return {keys.size(), keys.data(), values.data()}; }
};

std::vector<const char*> cStrings(const std::vector<std::string>& in) {
  std::vector<const char*> out;
  for (const auto& s : in) out.push_back(s.c_str());
  return out;
}

bool setMirror(ovse_txn* txn, const char* uuid, const MirrorSpec& spec) {
  auto src = cStrings(spec.select_src_ports);
  auto dst = cStrings(spec.select_dst_ports);
  CMap ids(spec.external_ids);
  ovse_mirror_spec c{};
  c.bridge = spec.bridge.c_str();
  c.name = spec.name.c_str();
  c.src_ports = src.data();
  c.n_src_ports = src.size();
  c.dst_ports = dst.data();
  c.n_dst_ports = dst.size();
  c.vlans = spec.select_vlans.data();
  c.n_vlans = spec.select_vlans.size();
  c.select_all = spec.select_all;
  c.output_port = spec.output_port ? spec.output_port->c_str() : nullptr;
  c.output_vlan = spec.output_vlan.value_or(-1);
  c.snaplen = spec.snaplen.value_or(0);
  c.external_ids = ids.view();
  return ovse_txn_set_mirror(txn, uuid, &c);
}

bool setPort(ovse_txn* txn, const char* iface_uuid, const PortSpec& spec) {
  CMap options(spec.options);
  CMap ids(spec.external_ids);
  ovse_port_spec c{spec.bridge.c_str(), spec.name.c_str(), spec.type.c_str(), options.view(),
                   ids.view()};
  return iface_uuid ? ovse_txn_update_interface(txn, iface_uuid, &c) : ovse_txn_add_port(txn, &c);
}

struct AddToTxn {
  ovse_txn* txn;
  bool operator()(const CreateMirror& a) const { return setMirror(txn, nullptr, a.spec); }
  bool operator()(const UpdateMirror& a) const { return setMirror(txn, a.uuid.c_str(), a.spec); }
  bool operator()(const DeleteMirror& a) const {
    return ovse_txn_delete_mirror(txn, a.uuid.c_str());
  }
  bool operator()(const CreatePort& a) const { return setPort(txn, nullptr, a.spec); }
  bool operator()(const UpdateInterface& a) const { return setPort(txn, a.uuid.c_str(), a.spec); }
  bool operator()(const DeletePort& a) const { return ovse_txn_delete_port(txn, a.uuid.c_str()); }
};

}  // namespace

CommitOutcome commitActions(ovse_db* db, const std::vector<Action>& actions) {
  ovse_txn* txn = ovse_txn_begin(db);
  // Ports first, so mirrors in the same transaction can name them.
  for (const auto& action : actions) {
    if (std::holds_alternative<CreatePort>(action)) std::visit(AddToTxn{txn}, action);
  }
  for (const auto& action : actions) {
    if (!std::holds_alternative<CreatePort>(action)) std::visit(AddToTxn{txn}, action);
  }
  CommitOutcome out;
  char err[512] = "";
  switch (ovse_txn_commit(txn, &out.next_cfg, err, sizeof err)) {
    case OVSE_COMMIT_OK: out.result = CommitResult::kOk; break;
    case OVSE_COMMIT_TRY_AGAIN: out.result = CommitResult::kTryAgain; break;
    case OVSE_COMMIT_ERROR: out.result = CommitResult::kError; break;
  }
  out.error = err;
  return out;
}

}  // namespace ovse::ovs
