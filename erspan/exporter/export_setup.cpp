// The shared export set-up: collector paths, loop guard, senders, mirror port captures (see
// export_setup.h).
#include "erspan/exporter/export_setup.h"


namespace ovse::erspan::exporter {

std::expected<CollectorPath, std::string> routeToCollector(const io::IpAddress& remote) {
  auto route = io::routeTo(remote);
  if (!route) return std::unexpected(route.error());
  return CollectorPath{remote, route->source, route->mtu_bytes, route->interface};
}

std::optional<std::string> inputOnPath(const CollectorPath& path,
                                       const std::vector<std::string>& inputs) {
  if (path.interface.empty()) return std::nullopt;
  for (const auto& in : inputs) {
    if (in == path.interface) return in;
  }
  return std::nullopt;
}

std::expected<std::vector<SinkTarget>, std::string> openCollectorSenders(
    const std::vector<CollectorPath>& paths, const SenderSettings& settings) {
  std::vector<SinkTarget> sinks;
  for (const CollectorPath& p : paths) {
    auto sender = io::CollectorSender::open({.remote = p.remote,
                                             .source = p.source,
                                             .dscp = settings.dscp,
                                             .ttl = settings.ttl,
                                             .ip_protocol = settings.ip_protocol,
                                             .max_packet_bytes = p.mtu_bytes},
                                            settings.path);
    if (!sender) {
      return std::unexpected("collector " + io::toString(p.remote) + ": " + sender.error());
    }
    sinks.push_back({std::move(*sender), p.source, p.remote, p.mtu_bytes});
  }
  return sinks;
}

io::LiveCaptureConfig mirrorPortCapture(const std::string& interface,
                                        io::CaptureDirection direction, const std::string& filter,
                                        std::uint32_t buffer_bytes) {
  io::LiveCaptureConfig config;
  config.interface = interface;
  config.filter = filter;  // kernel BPF: unwanted frames never reach us
  config.direction = direction;
  config.buffer_bytes = buffer_bytes;
  config.immediate = false;
  config.timeout_ms = io::kBulkReadTimeoutMs;
  return config;
}

}  // namespace ovse::erspan::exporter
