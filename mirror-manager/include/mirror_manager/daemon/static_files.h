// The web UI's files, served from a directory shipped with the daemon: "/" is index.html, the
// type follows the extension, and nothing outside the directory is ever reachable.
#pragma once

#include <filesystem>
#include <string_view>

#include "mirror_manager/daemon/http_message.h"

namespace ovse::manager::daemon {

/// The Content-Type for a file name by its extension (text/html, text/css, ...).
std::string_view contentTypeFor(const std::filesystem::path& file);

/// The file at decoded URL path `url_path` under `root`: 200 with the file, or 404 (also for
/// any path with a ".." segment, a NUL byte, or a symlink leading outside `root`).
HttpResponse serveStatic(const std::filesystem::path& root, std::string_view url_path);

}  // namespace ovse::manager::daemon
