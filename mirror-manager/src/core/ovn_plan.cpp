// Session → OVN NB Mirror rows, and the reasons a session has no OVN form.
#include "mirror_manager/ovn_plan.h"

#include <algorithm>

#include "mirror_manager/validation.h"

namespace ovse::manager {
namespace {

// The Logical_Switch_Port a source names, or "" with a problem.
std::string lspOf(const Source& source, std::size_t i, std::vector<std::string>& problems) {
  if (!source.port.empty()) return source.port;
  if (!source.iface_id.empty()) return source.iface_id;
  problems.push_back("sources[" + std::to_string(i) + "]: " + describeSource(source) +
                     ": OVN mirrors name logical switch ports; use port= or iface_id=");
  return "";
}

std::vector<std::string> problemsOf(const Session& s, const ErspanDestination* d) {
  std::vector<std::string> p;
  if (d == nullptr) {
    p.push_back(std::string("type ") + toString(s.type) +
                ": OVN 23.03 mirrors only to a remote sink (type erspan)");
    return p;
  }
  if (d->backend != ErspanBackend::kNative) {
    p.push_back(
        "destination.backend exporter: with OVN, ovn-controller programs OVS's own "
        "tunnel ports; use backend native");
  }
  if (d->version == ErspanVersion::kTypeI || d->version == ErspanVersion::kTypeIII ||
      d->version == ErspanVersion::kVxlan || d->version == ErspanVersion::kGeneve) {
    p.push_back(std::string("destination.version ") + toString(d->version) +
                ": OVN 23.03 sends ERSPAN Type II only (OVS erspan_ver=1), or GRE");
  }
  for (const std::string& ip : collectorIps(*d)) {
    if (ip.find(':') != std::string::npos) {
      p.push_back("destination collector " + ip + ": OVN 23.03 creates IPv4 tunnel ports only");
    }
  }
  if (s.select_all || !s.select_vlans.empty()) {
    p.push_back("select_all/select_vlans: OVN mirrors are attached to logical switch ports");
  }
  if (s.mirrored_packet_length) p.push_back("mirrored_packet_length: OVN 23.03 has none");
  return p;
}

}  // namespace

OvnPlan planOvnMirrors(std::span<const Session> sessions) {
  OvnPlan plan;
  for (const auto& s : sessions) {
    SessionStatus status;
    status.name = s.name;
    if (!s.enabled) {
      status.state = SessionState::kDisabled;
      plan.statuses.push_back(std::move(status));
      continue;
    }
    const auto* d = std::get_if<ErspanDestination>(&s.destination);
    status.problems = problemsOf(s, s.type == SessionType::kErspan ? d : nullptr);
    // The same static rules as a create and as the reconciler holds a stored session to (a hand
    // edit reaches OVN too), against the sessions before it in the store.
    const auto earlier = sessions.first(static_cast<std::size_t>(&s - sessions.data()));
    for (const Issue& issue : validateSession(s, earlier, {}, {})) {
      auto& list = issue.severity == Issue::Severity::kError ? status.problems : status.warnings;
      list.push_back(issue.text());
    }
    std::vector<std::string> from, to;
    for (std::size_t i = 0; i < s.sources.size(); ++i) {
      std::string lsp = lspOf(s.sources[i], i, status.problems);
      if (lsp.empty()) continue;
      const Direction dir = s.sources[i].direction;
      if (dir != Direction::kEgress && std::find(from.begin(), from.end(), lsp) == from.end()) {
        from.push_back(lsp);
      }
      if (dir != Direction::kIngress && std::find(to.begin(), to.end(), lsp) == to.end()) {
        to.push_back(lsp);
      }
    }
    // Other types are refused by their type alone: an rspan-destination has a source (its VLAN
    // on the uplink), just none OVN could name.
    if (s.type == SessionType::kErspan && s.sources.empty()) {
      status.problems.push_back("sources: none (OVN mirrors need ports)");
    }
    const bool both = !from.empty() && !to.empty();
    if (d != nullptr && both && d->session_id >= kOvnToLportIndexOffset) {
      status.problems.push_back("destination.session_id " + std::to_string(d->session_id) +
                                " is above 511: with OVN the to-lport row of a both-directions "
                                "session uses the session ID + 512");
    }
    if (!status.problems.empty()) {
      status.state = SessionState::kError;
      plan.statuses.push_back(std::move(status));
      continue;
    }
    const std::string type = d->version == ErspanVersion::kGre ? "gre" : "erspan";
    // An OVN Mirror has one sink: a row per collector (and direction), named as the switch's.
    const std::vector<std::string> sinks = collectorIps(*d);
    auto add = [&](const char* filter, const std::vector<std::string>& ports, std::int64_t index) {
      for (const std::string& sink : sinks) {
        std::string name = both ? s.name + ":" + filter : s.name;
        if (sinks.size() > 1) name += "@" + sink;
        ovs::OvnMirrorSpec m{std::move(name), filter, sink, type, index, ports, s.name};
        status.mirrors.push_back(m.name);
        plan.mirrors.push_back(std::move(m));
      }
    };
    if (!from.empty()) add("from-lport", from, d->session_id);
    if (!to.empty()) add("to-lport", to, d->session_id + (both ? kOvnToLportIndexOffset : 0));
    status.state = SessionState::kActive;
    plan.statuses.push_back(std::move(status));
  }
  return plan;
}

void markMissingPorts(OvnPlan& plan, std::span<const Session> sessions,
                      const std::vector<std::string>& missing_ports) {
  for (std::size_t i = 0; i < sessions.size() && i < plan.statuses.size(); ++i) {
    SessionStatus& status = plan.statuses[i];
    if (status.state != SessionState::kActive) continue;
    std::size_t absent = 0;
    for (const auto& source : sessions[i].sources) {
      const std::string& lsp = source.port.empty() ? source.iface_id : source.port;
      if (std::find(missing_ports.begin(), missing_ports.end(), lsp) == missing_ports.end()) {
        continue;
      }
      status.missing.push_back(describeSource(source) + " (no such logical switch port)");
      ++absent;
    }
    if (absent == sessions[i].sources.size() && absent > 0) {
      status.state = SessionState::kWaiting;
    } else if (absent > 0) {
      status.state = SessionState::kDegraded;
    }
  }
}

}  // namespace ovse::manager
