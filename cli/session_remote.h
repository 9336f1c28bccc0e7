// `mirrorctl session ... --server URL`: the session calls (session_calls.h) answered by the
// daemon's REST API, so the daemon stays the store's only writer.
#pragma once

#include <expected>
#include <memory>
#include <string>

#include "session_calls.h"

namespace ovse::cli {

/// The flags every remote call needs.
struct RemoteFlags {
  std::string server;      ///< --server unix:PATH | http://HOST:PORT ("" = the store, in-process)
  std::string token_file;  ///< --token-file, for daemons that need a bearer token
  double timeout_s = 10.0;
};

/// The daemon to talk to when --server was not given: $OVSE_SERVER, else the default socket when
/// a daemon answers there, unless the command named a store or OVSDB of its own
/// (`explicit_local`). "none" (from the flag or the variable) means the store, in-process.
std::string defaultServer(const std::string& given, bool explicit_local);

/// The calls over REST to `f.server`; fails on a malformed --server or an unreadable token file.
/// A transport failure is answered as an error body {"error": "..."} naming the server.
std::expected<std::unique_ptr<SessionCalls>, std::string> remoteCalls(const RemoteFlags& f);

}  // namespace ovse::cli
