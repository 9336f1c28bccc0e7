// How `mirrorctl session` prints the answers of its calls (session_calls.h), the same whether the
// daemon or the in-process service answered: --json prints the JSON as it came; without it, the
// details or the table, and an error's message then each issue with its severity, so warnings
// read apart from errors.
#pragma once

#include <nlohmann/json.hpp>

#include "ovs_plugin/switch_state.h"
#include "session_calls.h"

namespace ovse::cli {

/// One {"session", "status", "mirrored"} reply; 1 when the session's state is error, else 0.
/// `state` (may be null) gives the OVS counters when the caller holds the switch state.
int printReply(const nlohmann::json& reply, bool json, const ovs::SwitchState* state);

/// An error {"error", "path"?, "issues"?}: on stdout with --json, on stderr as lines without.
/// Returns 1.
int printError(const nlohmann::json& error, bool json);

/// A dry run's answer (SessionCalls::preview): first "dry run: nothing saved, nothing applied",
/// then the session as it would be stored with the state it would get (as printReply, without
/// OVS counters) or the error as printError; --json prints the answer as REST `?dry_run=1` gives
/// it. 0 when the change would succeed (warnings allowed), else 1, as the change would exit.
int printPreview(const CallResult& answer, bool json);

/// An array of replies as a table (or as it came with --json); the counts are the replies'.
int printList(const nlohmann::json& list, bool json);

/// A stats answer {"name", "state", "mirrored": {"packets", "bytes", ...}}.
int printStats(const nlohmann::json& stats, bool json);

}  // namespace ovse::cli
