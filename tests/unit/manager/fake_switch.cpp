// FakeSwitch: applies Actions to an in-memory SwitchState.
#include "fake_switch.h"

#include <algorithm>
#include <cstdio>

namespace ovse::test {
namespace {

template <typename T>
void eraseIf(std::vector<T>& v, auto pred) {
  v.erase(std::remove_if(v.begin(), v.end(), pred), v.end());
}

void eraseValue(std::vector<std::string>& v, const std::string& value) {
  eraseIf(v, [&](const std::string& s) { return s == value; });
}

}  // namespace

FakeSwitch::FakeSwitch() = default;

std::shared_ptr<const ovs::SwitchState> FakeSwitch::state() const {
  return std::make_shared<const ovs::SwitchState>(state_);
}

std::string FakeSwitch::newUuid() {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-0000-0000-%012d", next_uuid_++);
  return buf;
}

ovs::Bridge& FakeSwitch::bridge(const std::string& name) {
  for (auto& b : state_.bridges) {
    if (b.name == name) return b;
  }
  state_.bridges.push_back({newUuid(), name, "netdev", {}, {}, {}});
  return state_.bridges.back();
}

std::string FakeSwitch::portUuid(const std::string& name) const {
  const ovs::Port* p = state_.portByName(name);
  return p ? p->uuid : std::string();
}

std::string FakeSwitch::addPort(const std::string& bridge_name, const std::string& name,
                                ovs::StringMap iface_external_ids, const std::string& type) {
  ovs::Interface iface;
  iface.uuid = newUuid();
  iface.name = name;
  iface.type = type;
  iface.ofport = static_cast<std::int64_t>(state_.ports.size() + 1);
  iface.external_ids = std::move(iface_external_ids);
  ovs::Port port;
  port.uuid = newUuid();
  port.name = name;
  port.interface_uuids = {iface.uuid};
  state_.interfaces.push_back(std::move(iface));
  state_.ports.push_back(port);
  bridge(bridge_name).port_uuids.push_back(port.uuid);
  ++state_.seqno;
  return port.uuid;
}

void FakeSwitch::dropPortReferences(const std::string& uuid) {
  for (auto& b : state_.bridges) eraseValue(b.port_uuids, uuid);
  for (auto& m : state_.mirrors) {
    eraseValue(m.select_src_port, uuid);
    eraseValue(m.select_dst_port, uuid);
    if (m.output_port == uuid) m.output_port.reset();
  }
}

void FakeSwitch::deletePort(const std::string& name) {
  const ovs::Port* port = state_.portByName(name);
  if (port == nullptr) return;
  std::string uuid = port->uuid;
  auto ifaces = port->interface_uuids;
  dropPortReferences(uuid);
  eraseIf(state_.ports, [&](const ovs::Port& p) { return p.uuid == uuid; });
  eraseIf(state_.interfaces, [&](const ovs::Interface& i) {
    return std::find(ifaces.begin(), ifaces.end(), i.uuid) != ifaces.end();
  });
  ++state_.seqno;
}

void FakeSwitch::addForeignMirror(const std::string& bridge_name, const std::string& name,
                                  const std::string& output_port) {
  ovs::Mirror m;
  m.uuid = newUuid();
  m.name = name;
  m.select_all = true;
  m.output_port = portUuid(output_port);
  bridge(bridge_name).mirror_uuids.push_back(m.uuid);
  state_.mirrors.push_back(std::move(m));
  ++state_.seqno;
}

void FakeSwitch::setInterfaceError(const std::string& port_name, const std::string& error) {
  const ovs::Port* port = state_.portByName(port_name);
  for (auto& iface : state_.interfaces) {
    if (port && iface.uuid == port->interface_uuids.at(0)) iface.error = error;
  }
  ++state_.seqno;
}

void FakeSwitch::reportInterface(const std::string& port_name, std::optional<std::int64_t> mtu,
                                 ovs::StringMap status) {
  const ovs::Port* port = state_.portByName(port_name);
  for (auto& iface : state_.interfaces) {
    if (port && iface.uuid == port->interface_uuids.at(0)) {
      iface.mtu = mtu;
      iface.status = status;
    }
  }
  ++state_.seqno;
}

void FakeSwitch::deleteMirror(const std::string& name) {
  const ovs::Mirror* m = state_.mirrorByName(name);
  if (m == nullptr) return;
  std::string uuid = m->uuid;
  for (auto& b : state_.bridges) eraseValue(b.mirror_uuids, uuid);
  eraseIf(state_.mirrors, [&](const ovs::Mirror& x) { return x.uuid == uuid; });
  ++state_.seqno;
}

std::expected<void, ovs::ApplyError> FakeSwitch::apply(const std::vector<ovs::Action>& actions,
                                                       std::uint64_t planned_on) {
  ++apply_count_;
  if (!fail_next_.empty()) {
    std::string message = std::move(fail_next_);
    fail_next_.clear();
    return std::unexpected(ovs::ApplyError{.message = message});
  }
  if (stale_refusals_ > 0 || planned_on != state_.seqno) {
    if (stale_refusals_ > 0) --stale_refusals_;
    return std::unexpected(ovs::ApplyError{.message = "database changed", .stale = true});
  }
  auto uuids = [&](const std::vector<std::string>& names) {
    std::vector<std::string> out;
    for (const auto& n : names) out.push_back(portUuid(n));
    return out;
  };
  auto fill = [&](ovs::Mirror& m, const ovs::MirrorSpec& spec) {
    m.name = spec.name;
    m.select_src_port = uuids(spec.select_src_ports);
    m.select_dst_port = uuids(spec.select_dst_ports);
    m.select_vlan = spec.select_vlans;
    m.select_all = spec.select_all;
    m.output_port = spec.output_port ? std::optional(portUuid(*spec.output_port)) : std::nullopt;
    m.output_vlan = spec.output_vlan;
    m.snaplen = spec.snaplen;
    m.external_ids = spec.external_ids;
  };
  // Ports first, as the real transaction builder does.
  for (const auto& action : actions) {
    if (const auto* a = std::get_if<ovs::DeletePort>(&action)) {
      const ovs::Port* p = state_.portByUuid(a->uuid);
      if (p) deletePort(std::string(p->name));  // a copy: deletePort frees the row
    } else if (const auto* a = std::get_if<ovs::CreatePort>(&action)) {
      addPort(a->spec.bridge, a->spec.name, a->spec.external_ids, a->spec.type);
      auto& port = state_.ports.back();
      port.external_ids = a->spec.external_ids;
      ovs::Interface& created = state_.interfaces.back();
      created.options = a->spec.options;
      // A tunnel port: ovs-vswitchd finds a route to remote_ip and says where it leaves.
      if (created.options.contains("remote_ip")) created.status["tunnel_egress_iface"] = "br-ul";
    } else if (const auto* a = std::get_if<ovs::UpdateInterface>(&action)) {
      for (auto& i : state_.interfaces) {
        if (i.uuid == a->uuid) {
          i.type = a->spec.type;
          i.options = a->spec.options;
        }
      }
    }
  }
  for (const auto& action : actions) {
    if (const auto* a = std::get_if<ovs::CreateMirror>(&action)) {
      ovs::Mirror m;
      m.uuid = newUuid();
      fill(m, a->spec);
      bridge(a->spec.bridge).mirror_uuids.push_back(m.uuid);
      state_.mirrors.push_back(std::move(m));
    } else if (const auto* a = std::get_if<ovs::UpdateMirror>(&action)) {
      for (auto& m : state_.mirrors) {
        if (m.uuid == a->uuid) fill(m, a->spec);
      }
    } else if (const auto* a = std::get_if<ovs::DeleteMirror>(&action)) {
      for (auto& b : state_.bridges) eraseValue(b.mirror_uuids, a->uuid);
      eraseIf(state_.mirrors, [&](const ovs::Mirror& m) { return m.uuid == a->uuid; });
    }
  }
  ++state_.seqno;
  return {};
}

}  // namespace ovse::test
