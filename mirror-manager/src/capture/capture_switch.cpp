// CaptureSwitch: reconcile the run's sessions on every OVSDB change, tell when a captured port
// goes and comes back, list the internal ports to read, remove the rows at the end.
#include "mirror_manager/capture_switch.h"

#include <cstdio>

#include "mirror_manager/apply.h"

namespace ovse::manager {
namespace {

using ovs::valueOf;

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// "vm1 (ofport 7)" for each port.
std::string withOfports(const std::vector<std::string>& names, const ovs::SwitchState& state) {
  std::string out;
  for (const auto& name : names) {
    out += (out.empty() ? "" : ", ") + name;
    const ovs::Port* port = state.portByName(name);
    if (port == nullptr || port->interface_uuids.empty()) continue;
    const ovs::Interface* iface = state.interfaceByUuid(port->interface_uuids[0]);
    if (iface && iface->ofport) out += " (ofport " + std::to_string(*iface->ofport) + ")";
  }
  return out;
}

}  // namespace

CaptureSwitch::CaptureSwitch(ovs::SwitchBackend& backend, std::vector<Session> sessions,
                             std::vector<std::string> labels, std::string owner)
    : backend_(backend),
      sessions_(std::move(sessions)),
      labels_(std::move(labels)),
      scope_{std::move(owner)},
      presence_(sessions_.size()) {}

std::expected<void, std::string> CaptureSwitch::program() {
  auto outcome = reconcileAndApply(sessions_, backend_, scope_);
  if (outcome.error) return std::unexpected("OVS refused the capture's mirrors: " + *outcome.error);
  for (const auto& status : outcome.statuses) {
    if (status.state == SessionState::kError) {
      std::string why = status.problems.empty() ? "unknown" : status.problems.front();
      return std::unexpected("cannot mirror " + status.name + ": " + why);
    }
  }
  statuses_ = std::move(outcome.statuses);
  auto state = backend_.state();
  if (state == nullptr) return std::unexpected(std::string("no OVSDB contents"));
  seen_seqno_ = state->seqno;
  observe(*state);
  return {};
}

std::vector<std::string> CaptureSwitch::refresh() {
  auto state = backend_.state();
  if (state == nullptr || state->seqno == seen_seqno_) return {};
  std::vector<std::string> lines;
  auto outcome = reconcileAndApply(sessions_, backend_, scope_);
  if (outcome.error) lines.push_back("OVS refused a re-bind: " + *outcome.error);
  statuses_ = std::move(outcome.statuses);
  state = backend_.state();
  seen_seqno_ = state->seqno;
  auto more = observe(*state);
  lines.insert(lines.end(), more.begin(), more.end());
  return lines;
}

std::vector<std::string> CaptureSwitch::observe(const ovs::SwitchState& state) {
  std::vector<std::string> lines;
  const auto now = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < sessions_.size(); ++i) {
    TargetPresence& p = presence_[i];
    auto ports = capturedPorts(sessions_[i].name, state);
    if (ports == p.ports) continue;
    if (ports.empty()) {
      lines.push_back(labels_[i] + ": port " + joined(p.ports) +
                      " is gone (deleted, or its VM was reset); the capture waits for it to "
                      "come back");
      p.gone_since = now;
      ++p.gone_count;
    } else if (p.ports.empty() && p.gone_count > 0) {
      const double s = std::chrono::duration<double>(now - p.gone_since).count();
      char when[32];
      std::snprintf(when, sizeof when, "%.2f", s);
      lines.push_back(labels_[i] + ": back as port " + withOfports(ports, state) + " after " +
                      when + " s; mirror re-bound, capturing again");
      ++rebind_count_;
    } else if (!p.ports.empty()) {
      lines.push_back(labels_[i] + ": now capturing port " + withOfports(ports, state));
    }
    p.ports = std::move(ports);
  }
  return lines;
}

std::vector<erspan::capture::TapSpec> CaptureSwitch::taps() const {
  std::vector<erspan::capture::TapSpec> out;
  auto state = backend_.state();
  if (state == nullptr) return out;
  for (const auto& port : state->ports) {
    if (valueOf(port.external_ids, kOwnerKey) != scope_.owner) continue;
    const std::string session = valueOf(port.external_ids, kSessionKey);
    const std::string role = valueOf(port.external_ids, kRoleKey);
    for (std::size_t i = 0; i < sessions_.size(); ++i) {
      if (sessions_[i].name != session) continue;
      out.push_back({port.name, i,
                     role == "egress" ? erspan::PacketDirection::kOutbound
                                      : erspan::PacketDirection::kInbound});
    }
  }
  return out;
}

std::expected<void, std::string> CaptureSwitch::remove() {
  auto outcome = reconcileAndApply({}, backend_, scope_);
  if (outcome.error) {
    return std::unexpected("could not remove the capture's OVS rows (" + *outcome.error +
                           "); `mirrorctl gc` removes them once this process has exited");
  }
  return {};
}

}  // namespace ovse::manager
