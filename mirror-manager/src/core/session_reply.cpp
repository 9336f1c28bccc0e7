// The session reply shape (see session_reply.h).
#include "mirror_manager/session_reply.h"

#include "mirror_manager/session_json.h"
#include "mirror_manager/switch_report.h"

namespace ovse::manager {

nlohmann::json sessionReplyJson(const Session& s, const SessionStatus* status,
                                const ovs::SwitchState* state) {
  nlohmann::json j;
  j["session"] = sessionToJson(s);
  if (status) {
    j["status"] = statusJson(*status);
  } else {
    j["status"]["state"] = "unknown";
  }
  MirrorCounters c = state ? mirrorCounters(*state, s.name) : MirrorCounters{};
  j["mirrored"]["packets"] = c.packets;
  j["mirrored"]["bytes"] = c.bytes;
  return j;
}

nlohmann::json sessionPartOf(const nlohmann::json& j) {
  if (j.is_object() && j.contains("session") && j["session"].is_object()) return j["session"];
  return j;
}

}  // namespace ovse::manager
