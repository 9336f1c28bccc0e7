// Where the web UI's files are: --web-root, else the installed copy, else the source tree's.
#pragma once

#include <filesystem>

namespace ovse::manager::daemon {

/// `given` when not empty; else the first existing of OVSE_WEB_INSTALL_DIR (set at build time
/// to <prefix>/share/ovs-erspan/web) and the source tree's mirror-manager/web.
std::filesystem::path resolveWebRoot(const std::filesystem::path& given);

}  // namespace ovse::manager::daemon
