// ExportPipeline: per-sink, per-direction header templates built once; the per-frame step
// filters, samples, rate-limits and encapsulates straight into each sink's slot.
#include "erspan/exporter/export_pipeline.h"

#include <algorithm>
#include <cerrno>

namespace ovse::erspan::exporter {
namespace {

constexpr std::uint64_t kNsPerSecond = 1'000'000'000;
// Locally administered outer MACs for file output (nothing routes on them).
constexpr std::array<std::uint8_t, 6> kFileSrcMac{0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
constexpr std::array<std::uint8_t, 6> kFileDstMac{0x02, 0x00, 0x00, 0x00, 0x00, 0x02};

// The session config specialised for one sink and direction.
EncapConfig sinkConfig(const EncapConfig& base, const SinkTarget& target, Direction direction) {
  EncapConfig c = base;
  c.ip_version = target.destination.version;
  c.src_ip = target.source.bytes;
  c.dst_ip = target.destination.bytes;
  c.outer_ethernet = target.sink->outerEthernet();
  c.src_mac = kFileSrcMac;
  c.dst_mac = kFileDstMac;
  c.path_mtu_bytes = target.path_mtu_bytes;
  const bool egress = direction == Direction::kEgress;
  c.direction = egress ? 1 : 0;
  if (c.tunnel == Tunnel::kGre && c.type == ErspanType::kTypeII && egress) {
    c.index |= kTypeIIEgressIndexBit;
  }
  return c;
}

std::string describe(const ConfigError& e, const std::string& sink) {
  return std::string(errorName(e.code)) + " (value " + std::to_string(e.value) + ", output " +
         sink + ")";
}

// The template for one sink and direction. The sink's slot bounds the packet too: frames are cut
// so that header + frame always fit it.
std::expected<EncapTemplate, std::string> buildTemplate(const EncapConfig& base,
                                                        const SinkTarget& target, Direction d) {
  EncapConfig c = sinkConfig(base, target, d);
  auto tmpl = makeEncapTemplate(c);
  const std::size_t slot = target.sink->maxPacketBytes();
  if (tmpl && tmpl->headerBytes() + tmpl->maxFrameBytes() > slot) {
    if (slot <= tmpl->headerBytes() + kEthernetHeaderBytes) {
      return std::unexpected("output " + target.sink->name() + ": packet room of " +
                             std::to_string(slot) + " bytes is below the headers");
    }
    c.snap_len_bytes = static_cast<std::uint32_t>(slot - tmpl->headerBytes());
    tmpl = makeEncapTemplate(c);
  }
  if (!tmpl) return std::unexpected(describe(tmpl.error(), target.sink->name()));
  return *tmpl;
}

}  // namespace

std::uint64_t erspanTimestamp(std::uint64_t timestamp_ns, Granularity gra) noexcept {
  switch (gra) {
    case Granularity::k100Us:
      return timestamp_ns / 100'000;
    case Granularity::k100Ns:
      return timestamp_ns / 100;
    case Granularity::kIeee1588:
      return ((timestamp_ns / kNsPerSecond) << 32) | (timestamp_ns % kNsPerSecond);
    default:
      return timestamp_ns;
  }
}

ExportPipeline::ExportPipeline(const PipelineConfig& config, std::vector<SinkTarget> sinks)
    : config_(config), sinks_(std::move(sinks)), bucket_(config.rate) {}

std::expected<std::unique_ptr<ExportPipeline>, std::string> ExportPipeline::create(
    const PipelineConfig& config, std::vector<SinkTarget> sinks) {
  if (sinks.empty()) return std::unexpected("no output: give --remote or --write");
  std::unique_ptr<ExportPipeline> p(new ExportPipeline(config, std::move(sinks)));
  p->max_frame_bytes_ = SIZE_MAX;
  for (const SinkTarget& target : p->sinks_) {
    if (target.source.version != target.destination.version) {
      return std::unexpected("output " + target.sink->name() +
                             ": source and destination address families differ");
    }
    for (Direction d : {Direction::kIngress, Direction::kEgress}) {
      auto tmpl = buildTemplate(config.encap, target, d);
      if (!tmpl) return std::unexpected(tmpl.error());
      p->templates_.push_back(*tmpl);
      p->max_frame_bytes_ = std::min(p->max_frame_bytes_, tmpl->maxFrameBytes());
    }
  }
  const EncapTemplate& first = p->templates_.front();
  p->ip_header_bytes_ =
      first.headerBytes() - (p->sinks_.front().sink->outerEthernet() ? kEthernetHeaderBytes : 0);
  return p;
}

std::size_t ExportPipeline::addInput(std::string name, Direction direction,
                                     std::shared_ptr<const io::BpfFilter> filter) {
  const std::uint64_t seed = config_.sample_seed + inputs_.size();
  inputs_.push_back(Input{std::move(name),
                          direction,
                          std::move(filter),
                          Sampler(config_.sample_n, config_.sample_mode, seed),
                          {}});
  return inputs_.size() - 1;
}

void ExportPipeline::process(std::size_t input, std::span<const std::uint8_t> frame,
                             std::uint32_t original_bytes, std::uint64_t timestamp_ns,
                             std::uint64_t now_ns) noexcept {
  Input& in = inputs_[input];
  ++in.stats.received_count;
  if (in.filter && !in.filter->matches(frame, original_bytes)) {
    ++in.stats.filtered_out_count;
    return;
  }
  if (!in.sampler.keep()) {
    ++in.stats.sampled_out_count;
    return;
  }
  const std::size_t keep = std::min(frame.size(), max_frame_bytes_);
  if (!bucket_.admit(now_ns, (ip_header_bytes_ + keep) * 8)) {
    ++in.stats.rate_dropped_count;
    return;
  }
  if (keep < frame.size() || original_bytes > frame.size()) ++in.stats.truncated_count;
  const PacketMeta meta{sequence_++,
                        erspanTimestamp(timestamp_ns, static_cast<Granularity>(config_.encap.gra)),
                        original_bytes};
  const std::size_t dir = static_cast<std::size_t>(in.direction);
  for (std::size_t i = 0; i < sinks_.size(); ++i) {
    io::PacketSink& sink = *sinks_[i].sink;
    // Cannot fail: sinkConfig cut frames to fit the slot.
    const auto written = encapsulate(templates_[2 * i + dir], frame, meta, sink.slot());
    if (written) sink.commit(*written, timestamp_ns);
  }
  ++in.stats.exported_count;
}

void ExportPipeline::finalFlush() noexcept {
  for (SinkTarget& target : sinks_) target.sink->finalFlush();
}

void ExportPipeline::flush() noexcept {
  for (SinkTarget& target : sinks_) target.sink->flush();
}

}  // namespace ovse::erspan::exporter
