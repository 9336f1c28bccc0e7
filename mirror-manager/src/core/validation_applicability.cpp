// Fields that do not apply to the session's type or version are refused, never stored and
// ignored: an ERSPAN index outside Type II, a hardware ID outside Type III, a session ID under
// Type I (its header is GRE's four bytes only), a bridge where the destination port decides.
#include "mirror_manager/reconciler.h"
#include "validation_rules.h"

namespace ovse::manager::detail {
namespace {

std::string versionText(ErspanVersion v) {
  switch (v) {
    case ErspanVersion::kTypeI: return "1 (ERSPAN Type I)";
    case ErspanVersion::kTypeII: return "2 (ERSPAN Type II)";
    case ErspanVersion::kTypeIII: return "3 (ERSPAN Type III)";
    default: return quote(toString(v));
  }
}

bool mirrorsEgress(const Session& s) {
  for (const Source& src : s.sources) {
    if (src.direction != Direction::kIngress) return true;
  }
  return false;
}

void checkErspanFields(const Session& s, const ErspanDestination& d, IssueSink& out) {
  const std::string is = "; this session's version is " + versionText(d.version);
  if (d.index != 0 && d.index < (1u << 20) && d.version != ErspanVersion::kTypeII) {
    out.error("destination.index", std::to_string(d.index) +
                                       " needs version 2: only ERSPAN Type II carries an index" +
                                       is + " (remove it or set it to 0)");
  }
  // Out-of-range values already have their range error; one message per field.
  if (d.hwid != 0 && d.hwid <= 63 && d.version != ErspanVersion::kTypeIII) {
    out.error("destination.hwid", std::to_string(d.hwid) +
                                      " needs version 3: only ERSPAN Type III carries a "
                                      "hardware ID" +
                                      is + " (remove it or set it to 0)");
  }
  if (d.session_id != 0 && d.session_id <= 1023 && d.version == ErspanVersion::kTypeI) {
    out.error("destination.session_id",
              std::to_string(d.session_id) +
                  " does not apply to version 1: ERSPAN Type I has no header to carry it (the "
                  "collector sees GRE only); use version 2 or 3 for a session ID");
  }
  // Bit 19 of a Type II index is how an egress copy is marked (ours and OVS's erspan_idx alike):
  // a user index with it set would make ingress copies read as egress.
  if (d.version == ErspanVersion::kTypeII && (d.index & kTypeIIEgressIndexBit) != 0 &&
      d.index < (1u << 20) && mirrorsEgress(s)) {
    out.error("destination.index", std::to_string(d.index) +
                                       " has bit 19 (0x80000) set, which marks Type II egress "
                                       "copies; use an index below 524288 when a source is "
                                       "mirrored egress");
  }
}

}  // namespace

void checkApplicable(const Session& s, IssueSink& out) {
  checkNormalIo(s, out);
  checkRspanDestination(s, out);
  if (const auto* d = std::get_if<ErspanDestination>(&s.destination);
      d != nullptr && s.type == SessionType::kErspan) {
    checkErspanFields(s, *d, out);
  }
  // A local or rspan session lives on the bridge of its destination (or uplink) port.
  const bool placed_by_port = s.type == SessionType::kLocal || s.type == SessionType::kRspan;
  if (placed_by_port && !s.bridge.empty()) {
    out.error("bridge", quote(s.bridge) + " does not apply to type " + toString(s.type) +
                            ": the session lives on the bridge of its " +
                            (s.type == SessionType::kLocal ? "destination port" : "uplink") +
                            " (remove it)");
  }
}

}  // namespace ovse::manager::detail
