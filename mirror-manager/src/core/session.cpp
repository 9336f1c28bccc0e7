// Names of the session model's enum values, and how a source is described in messages.
#include "mirror_manager/session.h"

namespace ovse::manager {

const char* toString(Direction d) {
  switch (d) {
    case Direction::kIngress: return "ingress";
    case Direction::kEgress: return "egress";
    case Direction::kBoth: return "both";
  }
  return "?";
}

const char* toString(SessionType t) {
  switch (t) {
    case SessionType::kLocal: return "local";
    case SessionType::kRspan: return "rspan";
    case SessionType::kErspan: return "erspan";
    case SessionType::kCapture: return "capture";
    case SessionType::kRspanDestination: return "rspan-destination";
  }
  return "?";
}

const char* toString(ErspanVersion v) {
  switch (v) {
    case ErspanVersion::kTypeI: return "1";
    case ErspanVersion::kTypeII: return "2";
    case ErspanVersion::kTypeIII: return "3";
    case ErspanVersion::kGre: return "gre";
    case ErspanVersion::kVxlan: return "vxlan";
    case ErspanVersion::kGeneve: return "geneve";
  }
  return "?";
}

const char* toString(ErspanBackend b) {
  return b == ErspanBackend::kNative ? "native" : "exporter";
}

std::string describeSource(const Source& s) {
  if (!s.port.empty()) return "port " + s.port;
  if (!s.iface_id.empty()) return "iface_id " + s.iface_id;
  if (!s.mac.empty()) return "mac " + s.mac;
  if (!s.vm.empty()) return "vm " + s.vm;
  return "(no identity)";
}

}  // namespace ovse::manager
