// The counts a MirrorTrafficWatch compares: a session's Mirror rows' tx_packets, and what its
// source ports carried in the directions the rows select.
#include "mirror_manager/mirror_traffic_watch.h"

#include <set>

#include "mirror_manager/switch_report.h"

namespace ovse::manager {
namespace {

std::int64_t stat(const std::map<std::string, std::int64_t>& stats, const char* key) {
  auto it = stats.find(key);
  return it == stats.end() ? 0 : it->second;
}

// Packets on the session's selected ports: received from them (select_src_port) and sent to
// them (select_dst_port), summed over their interfaces; the ports it names once.
struct SourceCount {
  std::int64_t packets = 0;
  std::set<std::string> ports;
};

SourceCount sourcePackets(const ovs::SwitchState& state, const std::string& session) {
  SourceCount count;
  for (const auto& m : state.mirrors) {
    auto it = m.external_ids.find(kSessionKey);
    if (it == m.external_ids.end() || it->second != session || m.external_ids.contains(kOwnerKey))
      continue;
    for (auto [uuids, key] : {std::pair{&m.select_src_port, "rx_packets"},
                              std::pair{&m.select_dst_port, "tx_packets"}}) {
      for (const auto& uuid : *uuids) {
        const ovs::Port* port = state.portByUuid(uuid);
        if (port == nullptr) continue;
        count.ports.insert(port->name);
        for (const auto& iface_uuid : port->interface_uuids) {
          if (const auto* iface = state.interfaceByUuid(iface_uuid)) {
            count.packets += stat(iface->statistics, key);
          }
        }
      }
    }
  }
  return count;
}

std::string joined(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

void MirrorTrafficWatch::observe(const ovs::SwitchState& state, std::span<const Session> sessions,
                                 Clock::time_point now) {
  std::map<std::string, Baseline> kept;
  std::map<std::string, std::string> warnings;
  for (const auto& session : sessions) {
    const MirrorCounters counters = mirrorCounters(state, session.name);
    if (!session.enabled || counters.per_row.empty()) continue;
    const std::int64_t mirrored = counters.packets;
    const SourceCount sources = sourcePackets(state, session.name);
    if (sources.ports.empty()) continue;  // VLAN or all-port selections: no ports to compare
    const std::string& name = session.name;
    auto it = baselines_.find(name);
    // A new session, a mirror that counted, or counters that went back (ovs-vswitchd
    // restarted, rows re-created) start a new interval.
    if (it == baselines_.end() || it->second.mirrored != mirrored ||
        sources.packets < it->second.sources) {
      kept[name] = {now, mirrored, sources.packets};
      continue;
    }
    const Baseline& base = it->second;
    kept[name] = base;
    const std::int64_t carried = sources.packets - base.sources;
    const auto waited = std::chrono::duration_cast<std::chrono::seconds>(now - base.since);
    if (now - base.since < interval_ || carried < min_source_packets_) continue;
    warnings[name] =
        "OVS mirrored no packet in " + std::to_string(waited.count()) + " s while its sources (" +
        joined(sources.ports) + ") carried " + std::to_string(carried) +
        " (Mirror.statistics tx_packets stays at " + std::to_string(mirrored) +
        "): their established datapath flows may not include the mirror; a flow purge " +
        "(ovs-appctl revalidator/purge) or the traffic's next flow makes OVS apply it";
  }
  baselines_ = std::move(kept);
  warnings_ = std::move(warnings);
}

}  // namespace ovse::manager
