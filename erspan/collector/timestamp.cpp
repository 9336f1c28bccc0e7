// Exporter timestamp resolution: granularity scaling and 32-bit wrap against the arrival clock.
#include "erspan/collector/timestamp.h"

namespace ovse::erspan::collector {
namespace {

constexpr std::uint64_t kNsPerSecond = 1000000000ull;

/// The value congruent to `low` modulo 2^32 nearest to `reference` (both in the same units).
std::uint64_t unwrapNearest(std::uint32_t low, std::uint64_t reference) noexcept {
  const auto behind = static_cast<std::int32_t>(static_cast<std::uint32_t>(reference) - low);
  const auto candidate = static_cast<std::int64_t>(reference) - behind;
  return candidate < 0 ? low : static_cast<std::uint64_t>(candidate);
}

}  // namespace

std::optional<std::uint64_t> exporterTimeNs(const DecapView& view,
                                            std::uint64_t arrival_ns) noexcept {
  if (view.type != ErspanType::kTypeIII) return std::nullopt;
  const std::optional<std::uint32_t> upper = upperTimestamp(view);
  switch (static_cast<Granularity>(view.gra)) {
    case Granularity::k100Us:
    case Granularity::k100Ns: {
      const std::uint64_t unit_ns = view.gra == 0 ? 100000 : 100;
      const std::uint64_t units = upper ? (std::uint64_t{*upper} << 32) | view.timestamp
                                        : unwrapNearest(view.timestamp, arrival_ns / unit_ns);
      return units * unit_ns;
    }
    case Granularity::kIeee1588: {
      if (view.timestamp >= kNsPerSecond) return std::nullopt;
      if (upper) return std::uint64_t{*upper} * kNsPerSecond + view.timestamp;
      // Seconds from arrival; step one second either way when that lands nearer.
      const std::uint64_t second = arrival_ns / kNsPerSecond;
      const std::uint64_t base = second * kNsPerSecond + view.timestamp;
      const auto dist = [&](std::uint64_t t) {
        return t > arrival_ns ? t - arrival_ns : arrival_ns - t;
      };
      std::uint64_t best = base;
      if (base >= kNsPerSecond && dist(base - kNsPerSecond) < dist(best))
        best = base - kNsPerSecond;
      if (dist(base + kNsPerSecond) < dist(best)) best = base + kNsPerSecond;
      return best;
    }
    case Granularity::kCustom:
      break;
  }
  return std::nullopt;
}

}  // namespace ovse::erspan::collector
