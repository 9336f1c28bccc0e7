// Readiness notification for systemd (Type=notify): "READY=1" to $NOTIFY_SOCKET, if set.
#pragma once

#include <string_view>

namespace ovse::manager::daemon {

/// Sends `state` (e.g. "READY=1", "STOPPING=1") to systemd; does nothing outside systemd.
void sdNotify(std::string_view state);

}  // namespace ovse::manager::daemon
