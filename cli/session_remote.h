// `mirrorctl session ... --server URL`: the session subcommands as calls to the daemon's REST
// API, so the daemon stays the store's only writer. Output matches the local commands'.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "session_flags.h"

namespace ovse::cli {

/// The flags every remote call needs.
struct RemoteFlags {
  std::string server;      ///< --server unix:PATH | http://HOST:PORT ("" = the store, in-process)
  std::string token_file;  ///< --token-file, for daemons that need a bearer token
  double timeout_s = 10.0;
  bool json = false;
};

/// The daemon to talk to when --server was not given: $OVSE_SERVER, else the default socket when
/// a daemon answers there, unless the command named a store or OVSDB of its own
/// (`explicit_local`). "none" (from the flag or the variable) means the store, in-process.
std::string defaultServer(const std::string& given, bool explicit_local);

/// POST /sessions with `session` (the JSON built from the flags).
int remoteCreate(const RemoteFlags& f, const nlohmann::json& session);
/// GET the session, overlay the flags, PUT it back.
int remoteSet(const RemoteFlags& f, const std::string& name, const SessionFlags& flags);
/// POST /sessions/{name}/enable or /disable.
int remoteEnable(const RemoteFlags& f, const std::string& name, bool enabled);
/// DELETE /sessions/{name}.
int remoteDelete(const RemoteFlags& f, const std::string& name);
/// GET /sessions.
int remoteList(const RemoteFlags& f);
/// GET /sessions/{name}, or /sessions/{name}/stats with `stats_only`.
int remoteShow(const RemoteFlags& f, const std::string& name, bool stats_only);

}  // namespace ovse::cli
