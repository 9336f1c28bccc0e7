// LiveExport: routes and loop guard, senders, live inputs, the runner on its own thread, and
// counters published at each progress tick.
#include "erspan/exporter/live_export.h"

#include <net/if.h>

#include "erspan/exporter/export_setup.h"
#include "erspan/io/mirror_port.h"

namespace ovse::erspan::exporter {
namespace {

constexpr std::uint64_t kTickNs = 250'000'000;

// One sender per collector, its outer source and MTU from the route.
std::expected<std::vector<SinkTarget>, std::string> openSenders(const LiveExportSpec& spec) {
  std::vector<std::string> inputs;
  for (const auto& in : spec.inputs) inputs.push_back(in.interface);
  std::vector<CollectorPath> paths;
  for (const io::IpAddress& remote : spec.remotes) {
    const std::string name = "collector " + io::toString(remote);
    auto path = routeToCollector(remote);
    if (!path) return std::unexpected(name + ": " + path.error());
    if (auto looping = inputOnPath(*path, inputs)) {
      return std::unexpected(name + " is reached through " + *looping +
                             ", an input: the export would mirror its own stream");
    }
    paths.push_back(std::move(*path));
  }
  return openCollectorSenders(paths, {.dscp = spec.pipeline.encap.dscp,
                                      .ttl = spec.pipeline.encap.ttl,
                                      .ip_protocol = outerIpProtocol(spec.pipeline.encap),
                                      .path = io::SendPath::kLink});
}

}  // namespace

std::expected<std::unique_ptr<LiveExport>, std::string> LiveExport::start(
    const LiveExportSpec& spec) {
  std::unique_ptr<LiveExport> self(new LiveExport());
  auto sinks = openSenders(spec);
  if (!sinks) return std::unexpected(sinks.error());
  auto pipeline = ExportPipeline::create(spec.pipeline, std::move(*sinks));
  if (!pipeline) return std::unexpected(pipeline.error());
  self->pipeline_ = std::move(*pipeline);
  std::vector<RunnerInput> inputs;
  for (const auto& in : spec.inputs) {
    if (auto ready = io::readyMirrorPort(in.interface); !ready) {
      return std::unexpected("input " + ready.error());
    }
    // Inbound: what OVS mirrors out of the port to us.
    auto source = io::CaptureSource::openLive(mirrorPortCapture(
        in.interface, io::CaptureDirection::kInbound, spec.filter, spec.buffer_bytes));
    if (!source) return std::unexpected("input " + in.interface + ": " + source.error().message);
    self->input_indexes_.emplace_back(in.interface, if_nametoindex(in.interface.c_str()));
    inputs.push_back(
        {std::move(*source), self->pipeline_->addInput(in.interface, in.direction, nullptr)});
  }
  self->runner_ = std::make_unique<ExportRunner>(*self->pipeline_, std::move(inputs));
  self->thread_ = std::thread([raw = self.get()] {
    auto result = raw->runner_->run(
        [raw](const ExportPipeline& p, const CaptureCounters& c) { raw->publish(p, c); }, kTickNs);
    std::lock_guard lock(raw->mutex_);
    raw->failure_ = result ? std::string("stopped") : result.error();
  });
  return self;
}

LiveExport::~LiveExport() {
  if (runner_) runner_->stop();
  if (thread_.joinable()) thread_.join();
}

void LiveExport::publish(const ExportPipeline& pipeline, const CaptureCounters& capture) {
  LiveExportStats sum;
  for (std::size_t i = 0; i < pipeline.inputCount(); ++i) {
    const InputStats& s = pipeline.inputStats(i);
    sum.received_count += s.received_count;
    sum.filtered_out_count += s.filtered_out_count;
    sum.sampled_out_count += s.sampled_out_count;
    sum.truncated_count += s.truncated_count;
    sum.rate_dropped_count += s.rate_dropped_count;
    sum.exported_count += s.exported_count;
  }
  for (const auto& c : capture) sum.kernel_dropped_count += c.kernel_drop_count;
  std::lock_guard lock(mutex_);
  stats_ = sum;
}

LiveExportStats LiveExport::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

std::optional<std::string> LiveExport::failure() const {
  std::lock_guard lock(mutex_);
  return failure_;
}

bool LiveExport::inputsUnchanged() const {
  for (const auto& [name, index] : input_indexes_) {
    if (if_nametoindex(name.c_str()) != index) return false;
  }
  return true;
}

}  // namespace ovse::erspan::exporter
