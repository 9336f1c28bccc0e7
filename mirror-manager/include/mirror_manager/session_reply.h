// The one JSON shape of a session as every output shows it (REST replies, `session list/show
// --json` with or without a daemon): {"session": <stored form>, "status": {...}, "mirrored":
// {"packets", "bytes"}}. `session create --from-json` accepts it back (status ignored).
#pragma once

#include <nlohmann/json.hpp>

#include "mirror_manager/reconciler.h"
#include "mirror_manager/session.h"
#include "ovs_plugin/switch_state.h"

namespace ovse::manager {

/// The session, its status ("unknown" without one) and OVS's mirror counters (0 without a
/// switch state).
nlohmann::json sessionReplyJson(const Session& s, const SessionStatus* status,
                                const ovs::SwitchState* state);

/// The session part of `j`: `j["session"]` when `j` is a reply as above, else `j` itself.
nlohmann::json sessionPartOf(const nlohmann::json& j);

}  // namespace ovse::manager
