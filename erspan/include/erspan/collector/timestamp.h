// Exporter timestamps: turns an ERSPAN Type III timestamp (32 bits in units of its granularity,
// plus the platform sub-header's upper bits when present) into nanoseconds since the epoch.
#pragma once

#include <cstdint>
#include <optional>

#include "erspan/decap.h"

namespace ovse::erspan::collector {

/// The exporter's time of `view` in ns since the epoch, or nullopt when the packet carries none
/// (Types I/II, GRE-TEB) or one the collector cannot interpret (Gra 3, vendor-defined).
///
/// - Gra 0 (100 µs) and 1 (100 ns): with a sub-header carrying the upper 32 bits (ids 3 and 7) the
///   64-bit count is used as is; otherwise the 32-bit count wraps (every 4.97 days / 7.16 min) and
///   the candidate nearest to `arrival_ns` is taken (exporter clocks are wall-clock based).
/// - Gra 2 (IEEE 1588): the header holds nanoseconds within the second; the sub-header's upper
///   word, when present, the seconds; without it the second nearest to `arrival_ns` is taken.
[[nodiscard]] std::optional<std::uint64_t> exporterTimeNs(const DecapView& view,
                                                          std::uint64_t arrival_ns) noexcept;

}  // namespace ovse::erspan::collector
