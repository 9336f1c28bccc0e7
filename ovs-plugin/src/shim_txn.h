// Applies a list of Actions to the database through the C shim's transaction API.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <vector>

#include "ovs_plugin/actions.h"

struct ovse_db;

namespace ovse::ovs {

/// The outcome of one commit attempt.
enum class CommitResult { kOk, kTryAgain, kError };

struct CommitOutcome {
  CommitResult result = CommitResult::kError;
  std::int64_t next_cfg = -1;  ///< with kOk: the generation ovs-vswitchd reaches once applied
  std::string error;           ///< otherwise: the database's (or the shim's) message
};

/// Builds one transaction from `actions` and commits it (blocking). Call on the IDL thread.
CommitOutcome commitActions(ovse_db* db, const std::vector<Action>& actions);

}  // namespace ovse::ovs
