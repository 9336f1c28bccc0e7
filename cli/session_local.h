// `mirrorctl session` without a daemon: the session service (mirror_manager/session_service.h)
// in-process, on the store opened under its writer lock for a change, and on OVS reached once.
#pragma once

#include <expected>
#include <memory>
#include <string>

#include "ovsdb_flags.h"
#include "session_calls.h"

namespace ovse::cli {

struct LocalOptions {
  std::string store;
  OvsdbFlags ovsdb;
  std::string capture_dir;  ///< where capture files must be (as serve's --capture-dir)
  bool change = false;      ///< takes the store's writer lock (held while the calls live)
  bool no_apply = false;    ///< only the store: OVS is not contacted
};

/// The store opened (and locked, for a change) and OVSDB connected. OVSDB out of reach is not an
/// error here: the calls then work on the store only and say so in notApplied().
std::expected<std::unique_ptr<SessionCalls>, std::string> localCalls(const LocalOptions& o);

}  // namespace ovse::cli
