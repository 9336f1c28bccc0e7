// Converts the C shim's snapshot (pointers into IDL memory) into an owning SwitchState.
#pragma once

#include "ovs_plugin/switch_state.h"
#include "ovsdb_shim.h"

namespace ovse::ovs {

/// Copies every row of `snapshot`; call before the IDL runs again.
SwitchState convertSnapshot(const ovse_snapshot& snapshot);

}  // namespace ovse::ovs
