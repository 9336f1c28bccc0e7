// The collector's main loop: opens the capture (live or offline), feeds batches of frames to the
// Collector, and handles periodic work, SIGHUP rotation and a clean stop.
#pragma once

#include <atomic>
#include <cstdint>
#include <expected>
#include <functional>
#include <string>

#include "erspan/collector/collector.h"
#include "erspan/collector/config.h"

namespace ovse::erspan::collector {

/// Flags a signal handler may set (lock-free atomics: async-signal-safe).
struct RunControl {
  std::atomic<bool> stop{false};    ///< SIGINT/SIGTERM: flush, write statistics, close
  std::atomic<bool> rotate{false};  ///< SIGHUP: start new files
};

/// Called about once a second (`final` false) and once at the end (`final` true).
using StatsFn = std::function<void(const Collector& collector, bool final)>;

/// The kernel BPF used for live capture: only GRE, and UDP to the VXLAN and Geneve ports, over
/// IPv4/IPv6 (also VLAN-tagged) reaches user space. AF_PACKET sees them before the IP stack, so a
/// kernel vxlan/geneve device bound to the same port takes nothing from the collector.
[[nodiscard]] std::string liveCaptureFilter(const UdpTunnelPorts& ports);

/// Runs until the input ends (offline) or `control.stop` is set. Returns an error for start-up
/// failures (capture or outputs could not be opened) and capture read errors.
[[nodiscard]] std::expected<void, std::string> runCollector(const CollectorConfig& config,
                                                            RunControl& control, LogFn log,
                                                            StatsFn stats);

/// Wall-clock nanoseconds since the epoch.
[[nodiscard]] std::uint64_t wallClockNs() noexcept;

}  // namespace ovse::erspan::collector
