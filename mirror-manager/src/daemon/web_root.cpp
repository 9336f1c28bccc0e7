// Finding the web UI's files (see web_root.h).
#include "web_root.h"

namespace ovse::manager::daemon {

std::filesystem::path resolveWebRoot(const std::filesystem::path& given) {
  if (!given.empty()) return given;
  for (const char* candidate : {OVSE_WEB_INSTALL_DIR, OVSE_WEB_SOURCE_DIR}) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(std::filesystem::path(candidate) / "index.html", ec)) {
      return candidate;
    }
  }
  return {};
}

}  // namespace ovse::manager::daemon
