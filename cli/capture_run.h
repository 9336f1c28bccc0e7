// One `mirrorctl capture` run: validate the flags, clear rows of dead captures, resolve the
// targets, program OVS, read and write until -c/--duration/a signal/a write error, then remove
// the rows and print the summary.
#pragma once

#include "capture_options.h"

namespace ovse::cli {

/// Runs the capture; returns the exit code (0 ok, 1 runtime failure, 2 bad flags).
int runCapture(CaptureOptions& options);

}  // namespace ovse::cli
