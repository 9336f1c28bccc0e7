// The daemon's listeners and API settings from `mirrorctl serve`'s flags: each --listen parsed,
// the Host/Origin policy of the TCP ones, the token (required as soon as one listener is TCP).
#pragma once

#include <expected>
#include <string>
#include <utility>
#include <vector>

#include "mirror_manager/daemon/api.h"
#include "mirror_manager/daemon/listen_address.h"
#include "mirror_manager/serve.h"

namespace ovse::manager::daemon {

/// The listeners and API options from `options`; an error names the flag and the value.
std::expected<std::pair<std::vector<ListenAddress>, ApiOptions>, std::string> httpSettings(
    const ServeOptions& options);

}  // namespace ovse::manager::daemon
