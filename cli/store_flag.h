// The --store flag shared by the commands that read or change the session store.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <string>

#include "mirror_manager/store.h"

namespace ovse::cli {

/// Adds --store to `command`; the default is $OVSE_STORE, else /var/lib/ovs-erspan/sessions.json.
inline void addStoreFlag(CLI::App& command, std::string& path) {
  const char* env = std::getenv("OVSE_STORE");
  path = env ? env : std::string(manager::kDefaultStorePath);
  command.add_option("--store", path, "session store (JSON)")->capture_default_str();
}

}  // namespace ovse::cli
