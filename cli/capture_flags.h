// Checks of `mirrorctl capture` flags that need no switch (direction vs --capture, -s range,
// -o/-C/-W, the flow filter), turned into the direction and the output settings.
#pragma once

#include <expected>
#include <string>
#include <vector>

#include "erspan/capture/mirror_capture.h"
#include "capture_options.h"

namespace ovse::cli {

/// What the flags decide before the switch is asked anything.
struct CapturePlanFlags {
  manager::Direction direction = manager::Direction::kBoth;
  erspan::capture::CaptureOutputConfig output;
  std::vector<std::string> warnings;
};

/// Validates `options`; the error is one line naming the flag and value.
std::expected<CapturePlanFlags, std::string> checkCaptureFlags(const CaptureOptions& options);

}  // namespace ovse::cli
