// The set-up every export does before its pipeline runs, shared by `mirrorctl export` and the
// daemon's LiveExport: the path to each collector (the kernel's route: interface, outer source,
// MTU), the loop guard (an input the route leaves through would mirror the export's own stream),
// one sender per collector, and the capture of each mirror port.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "erspan/exporter/export_pipeline.h"
#include "erspan/io/capture_source.h"
#include "erspan/io/collector_sender.h"
#include "erspan/io/route_lookup.h"

namespace ovse::erspan::exporter {

/// How packets reach one collector.
struct CollectorPath {
  io::IpAddress remote;
  io::IpAddress source;         ///< outer source address
  std::uint32_t mtu_bytes = 0;  ///< outer IP packets never exceed this
  std::string interface;        ///< where the route leaves ("" when not known)
};

/// The kernel's route to `remote`: its source address, MTU and interface. The error names the
/// destination.
std::expected<CollectorPath, std::string> routeToCollector(const io::IpAddress& remote);

/// The loop guard: the first of `inputs` (interface names) that `path` leaves through, whose
/// capture would read the export's own packets; nullopt when none.
std::optional<std::string> inputOnPath(const CollectorPath& path,
                                       const std::vector<std::string>& inputs);

/// What every sender of one export shares.
struct SenderSettings {
  std::uint8_t dscp = 0;
  std::uint8_t ttl = 64;
  std::uint8_t ip_protocol = 47;  ///< outerIpProtocol(encap): GRE, or UDP for VXLAN/Geneve
  io::SendPath path = io::SendPath::kLink;
};

/// One CollectorSender per path, as the pipeline's sinks. The error names the collector.
std::expected<std::vector<SinkTarget>, std::string> openCollectorSenders(
    const std::vector<CollectorPath>& paths, const SenderSettings& settings);

/// The capture of a mirror port for an export: the kernel filter, the direction, the ring size,
/// and reads in bulk (a batch per wake-up, not a wake-up per frame).
io::LiveCaptureConfig mirrorPortCapture(const std::string& interface,
                                        io::CaptureDirection direction, const std::string& filter,
                                        std::uint32_t buffer_bytes);

}  // namespace ovse::erspan::exporter
