// pktcap-uw targets → ports and identities, --dir, the capture points, the temporary sessions.
#include "mirror_manager/capture_plan.h"

#include "mirror_manager/text.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <set>

#include "mirror_manager/reconciler.h"

namespace ovse::manager {
namespace {


using ovs::valueOf;

bool isOurs(const ovs::Port& port) { return port.external_ids.contains(kSessionKey); }

std::vector<const ovs::Interface*> interfacesOf(const ovs::Port& port,
                                                const ovs::SwitchState& state) {
  std::vector<const ovs::Interface*> out;
  for (const auto& uuid : port.interface_uuids) {
    if (const ovs::Interface* iface = state.interfaceByUuid(uuid)) out.push_back(iface);
  }
  return out;
}

// The port (not ours, on a bridge) holding an interface that satisfies `pred`.
template <class Pred>
const ovs::Port* portWhere(const ovs::SwitchState& state, Pred pred) {
  for (const auto& port : state.ports) {
    if (isOurs(port) || state.bridgeOfPort(port.uuid) == nullptr) continue;
    for (const ovs::Interface* iface : interfacesOf(port, state)) {
      if (pred(*iface)) return &port;
    }
  }
  return nullptr;
}

const ovs::Port* visiblePort(const ovs::SwitchState& state, const std::string& name) {
  const ovs::Port* port = state.portByName(name);
  return port && !isOurs(*port) && state.bridgeOfPort(port->uuid) ? port : nullptr;
}

// The identity a switch port is followed by: its VM NIC's iface-id when it has exactly one
// interface carrying one (a re-created port keeps it, even under a new name), else its name.
Source identityOf(const ovs::Port& port, const ovs::SwitchState& state) {
  auto ifaces = interfacesOf(port, state);
  if (ifaces.size() == 1 && !ifaces[0]->ifaceId().empty())
    return {.iface_id = ifaces[0]->ifaceId()};
  return {.port = port.name};
}

// Port names, interface names and iface-ids: what a user might have meant.
std::vector<std::string> knownNames(const ovs::SwitchState& state) {
  std::set<std::string> names;
  for (const auto& port : state.ports) {
    if (!isOurs(port)) names.insert(port.name);
  }
  for (const auto& iface : state.interfaces) {
    if (!iface.ifaceId().empty()) names.insert(iface.ifaceId());
  }
  return {names.begin(), names.end()};
}

std::string notFound(const CaptureTarget& t, const std::string& what,
                     const std::vector<std::string>& candidates) {
  std::string msg = std::string(flagOf(t.kind)) + " " + t.value + ": no " + what + " '" + t.value +
                    "' on this switch";
  auto close = closeNames(t.value, candidates);
  if (close.empty() && !candidates.empty() && candidates.size() <= 8) close = candidates;
  if (close.empty()) return msg;
  msg += " (did you mean ";
  for (std::size_t i = 0; i < close.size(); ++i) msg += (i ? ", " : "") + close[i];
  return msg + "?)";
}

std::expected<ResolvedTarget, std::string> resolveSwitchport(const CaptureTarget& t,
                                                             const ovs::SwitchState& state) {
  const ovs::Port* port = visiblePort(state, t.value);
  std::string note;
  std::int64_t ofport = 0;
  auto [end, ec] = std::from_chars(t.value.data(), t.value.data() + t.value.size(), ofport);
  if (port == nullptr && ec == std::errc() && end == t.value.data() + t.value.size()) {
    port = portWhere(state, [&](const ovs::Interface& i) { return i.ofport == ofport; });
    if (port) note = "ofport " + t.value + " is port " + port->name;
  }
  if (port == nullptr) {
    port = portWhere(state, [&](const ovs::Interface& i) { return i.ifaceId() == t.value; });
    if (port) {
      return ResolvedTarget{{.iface_id = t.value}, port->name, {port->name}, {}};
    }
  }
  if (port == nullptr) {
    return std::unexpected(notFound(t, "port name, ofport or iface-id", knownNames(state)));
  }
  ResolvedTarget out{identityOf(*port, state), port->name, {port->name}, {}};
  if (!note.empty()) out.notes.push_back(note);
  return out;
}

std::expected<ResolvedTarget, std::string> resolveUplink(const CaptureTarget& t,
                                                         const ovs::SwitchState& state) {
  if (const ovs::Port* port = visiblePort(state, t.value)) {
    ResolvedTarget out{{.port = port->name}, port->name, {port->name}, {}};
    auto ifaces = interfacesOf(*port, state);
    if (ifaces.size() > 1) {
      std::string members;
      for (const auto* i : ifaces) members += (members.empty() ? "" : ", ") + i->name;
      out.notes.push_back("bond " + port->name + ": every member at once (" + members + ")");
    }
    return out;
  }
  // pktcap-uw names a vmnic; on OVS a bond member cannot be mirrored alone, only its port.
  const ovs::Port* bond =
      portWhere(state, [&](const ovs::Interface& i) { return i.name == t.value; });
  if (bond == nullptr)
    return std::unexpected(notFound(t, "uplink port or bond member", knownNames(state)));
  return ResolvedTarget{
      {.port = bond->name},
      bond->name,
      {bond->name},
      {t.value + " is a member of bond " + bond->name +
       ": OVS mirrors whole ports, so every member of " + bond->name + " is captured"}};
}

std::expected<ResolvedTarget, std::string> resolveVmk(const CaptureTarget& t,
                                                      const ovs::SwitchState& state) {
  std::vector<std::string> internal;
  for (const auto& port : state.ports) {
    auto ifaces = interfacesOf(port, state);
    if (!isOurs(port) && ifaces.size() == 1 && ifaces[0]->type == "internal") {
      internal.push_back(port.name);
    }
  }
  const ovs::Port* port = visiblePort(state, t.value);
  if (port == nullptr) return std::unexpected(notFound(t, "internal port", internal));
  auto ifaces = interfacesOf(*port, state);
  if (ifaces.size() != 1 || ifaces[0]->type != "internal") {
    const std::string type = ifaces.size() == 1 ? ifaces[0]->type : "bond";
    return std::unexpected(std::string("--vmk ") + t.value + ": port " + t.value + " is of type '" +
                           (type.empty() ? "system" : type) +
                           "', not internal (use --switchport or --uplink)");
  }
  return ResolvedTarget{{.port = port->name}, port->name, {port->name}, {}};
}

std::expected<ResolvedTarget, std::string> resolveVm(const CaptureTarget& t,
                                                     const ovs::SwitchState& state) {
  ResolvedTarget out{{.vm = t.value}, t.value, {}, {}};
  std::set<std::string> vms;
  for (const auto& port : state.ports) {
    if (isOurs(port) || state.bridgeOfPort(port.uuid) == nullptr) continue;
    for (const ovs::Interface* iface : interfacesOf(port, state)) {
      for (const char* key : {"vm-uuid", "vm-id", "vm-name"}) {
        const std::string v = valueOf(iface->external_ids, key);
        if (v.empty()) continue;
        vms.insert(v);
        if (v == t.value && std::find(out.port_names.begin(), out.port_names.end(), port.name) ==
                                out.port_names.end()) {
          out.port_names.push_back(port.name);
        }
      }
    }
  }
  if (out.port_names.empty()) {
    return std::unexpected(
        notFound(t, "VM (external_ids vm-uuid, vm-id or vm-name)", {vms.begin(), vms.end()}));
  }
  return out;
}

std::size_t editDistance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

const char* flagOf(CaptureTargetKind kind) {
  switch (kind) {
    case CaptureTargetKind::kSwitchport:
      return "--switchport";
    case CaptureTargetKind::kUplink:
      return "--uplink";
    case CaptureTargetKind::kVmk:
      return "--vmk";
    case CaptureTargetKind::kPort:
      return "--port";
    case CaptureTargetKind::kVm:
      return "--vm";
  }
  return "?";
}

std::expected<ResolvedTarget, std::string> resolveTarget(const CaptureTarget& target,
                                                         const ovs::SwitchState& state) {
  if (target.value.empty())
    return std::unexpected(std::string(flagOf(target.kind)) + ": empty name");
  switch (target.kind) {
    case CaptureTargetKind::kSwitchport:
    case CaptureTargetKind::kPort:
      return resolveSwitchport(target, state);
    case CaptureTargetKind::kUplink:
      return resolveUplink(target, state);
    case CaptureTargetKind::kVmk:
      return resolveVmk(target, state);
    case CaptureTargetKind::kVm:
      return resolveVm(target, state);
  }
  return std::unexpected(std::string("unknown target kind"));
}

std::expected<Direction, std::string> parseCaptureDir(const std::string& text) {
  const std::string t = lower(text);
  if (t == "0" || t == "rx" || t == "in" || t == "input") return Direction::kIngress;
  if (t == "1" || t == "tx" || t == "out" || t == "output") return Direction::kEgress;
  if (t == "2" || t == "both") return Direction::kBoth;
  return std::unexpected("--dir " + text + ": expected 0 (rx, into the switch), 1 (tx, out of " +
                         "the switch) or 2 (both)");
}

std::vector<Session> captureSessions(const CaptureRequest& request) {
  std::vector<Session> sessions;
  for (std::size_t i = 0; i < request.targets.size(); ++i) {
    Session s;
    s.name = request.owner + "-" + std::to_string(i + 1);
    s.description = "mirrorctl capture of " + request.targets[i].label;
    s.type = SessionType::kCapture;
    Source source = request.targets[i].source;
    source.direction = request.direction;
    s.sources = {source};
    s.destination = CaptureDestination{};
    if (request.snap_len_bytes != 0) s.mirrored_packet_length = request.snap_len_bytes;
    sessions.push_back(std::move(s));
  }
  return sessions;
}

std::vector<std::string> capturedPorts(const std::string& session_name,
                                       const ovs::SwitchState& state) {
  std::set<std::string> names;
  for (const auto& mirror : state.mirrors) {
    if (valueOf(mirror.external_ids, kSessionKey) != session_name) continue;
    for (const auto* list : {&mirror.select_src_port, &mirror.select_dst_port}) {
      for (const auto& uuid : *list) {
        if (const ovs::Port* port = state.portByUuid(uuid)) names.insert(port->name);
      }
    }
  }
  return {names.begin(), names.end()};
}

std::vector<std::string> closeNames(const std::string& wanted,
                                    const std::vector<std::string>& candidates,
                                    std::size_t max_count) {
  const std::size_t limit = std::max<std::size_t>(2, wanted.size() / 3);
  std::vector<std::pair<std::size_t, std::string>> scored;
  for (const auto& c : candidates) {
    const std::string lc = lower(c), lw = lower(wanted);
    std::size_t d = editDistance(lw, lc);
    // A name that contains what was typed (or the other way round) is close too.
    if (lc.find(lw) != std::string::npos || lw.find(lc) != std::string::npos)
      d = std::min(d, limit);
    if (d <= limit) scored.emplace_back(d, c);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (std::size_t i = 0; i < scored.size() && i < max_count; ++i) out.push_back(scored[i].second);
  return out;
}

}  // namespace ovse::manager
