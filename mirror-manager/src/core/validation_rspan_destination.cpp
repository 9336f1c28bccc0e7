// Type rspan-destination (vSphere's Remote Mirroring Destination): the RSPAN VLAN(s) arriving on
// an uplink are its only source. Its own fields are required there and refused on other types;
// the other types' selection (sources, select_vlans, select_all, bridge) is refused on it.
#include "validation_rules.h"

namespace ovse::manager::detail {
namespace {

// The fields of the other types' selection that a rspan-destination session cannot use.
void refuseOtherSelection(const Session& s, IssueSink& out) {
  const std::string why = " does not apply to type rspan-destination: its source is source_vlans "
                          "arriving on uplink (remove it)";
  if (!s.sources.empty()) out.error("sources", std::to_string(s.sources.size()) + " given;" + why);
  if (!s.select_vlans.empty()) out.error("select_vlans", "given;" + why);
  if (s.select_all) out.error("select_all", "true" + why);
  if (!s.bridge.empty()) {
    out.error("bridge", quote(s.bridge) + " does not apply to type rspan-destination: the "
                                          "session lives on the bridge of its uplink (remove it)");
  }
}

void checkOwnFields(const Session& s, IssueSink& out) {
  if (s.source_vlans.empty()) out.error("source_vlans", "required for type rspan-destination");
  for (std::size_t i = 0; i < s.source_vlans.size(); ++i) {
    out.range("source_vlans[" + std::to_string(i) + "]", s.source_vlans[i], 1, 4094);
  }
  if (s.uplink.empty()) out.error("uplink", "required for type rspan-destination");
  const auto* d = std::get_if<LocalDestination>(&s.destination);
  if (d == nullptr || s.uplink.empty()) return;
  const std::vector<std::string> ports = destinationPorts(*d);
  for (std::size_t i = 0; i < ports.size(); ++i) {
    if (ports[i] == s.uplink) {
      out.error(destinationPortPath(*d, i),
                quote(ports[i]) + " is also the uplink the RSPAN VLAN arrives on");
    }
  }
}

}  // namespace

void checkRspanDestination(const Session& s, IssueSink& out) {
  if (s.type == SessionType::kRspanDestination) {
    refuseOtherSelection(s, out);
    return checkOwnFields(s, out);
  }
  const std::string why = " needs type rspan-destination; this session's type is " +
                          std::string(toString(s.type)) + " (remove it)";
  if (!s.source_vlans.empty()) out.error("source_vlans", "given;" + why);
  if (!s.uplink.empty()) out.error("uplink", quote(s.uplink) + why);
}

}  // namespace ovse::manager::detail
