// The exporter's per-frame path: user-space filter (offline inputs) → 1-in-N sampling →
// truncation (snap length, path MTU) → ERSPAN/GRE encapsulation → token-bucket rate limit →
// every sink. One sequence number stream per session; no allocation and no exception per frame.
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <vector>

#include "erspan/encap.h"
#include "erspan/exporter/sampler.h"
#include "erspan/exporter/token_bucket.h"
#include "erspan/io/bpf_filter.h"
#include "erspan/io/packet_sink.h"
#include "erspan/io/route_lookup.h"

namespace ovse::erspan::exporter {

/// Type II carries the direction in the index: egress copies set bit 19 of the 20-bit index.
/// Same convention as the mirror manager's `kTypeIIEgressIndexBit`
/// (mirror-manager/include/mirror_manager/reconciler.h); erspan/ must not include that header.
inline constexpr std::uint32_t kTypeIIEgressIndexBit = 0x80000;

/// Direction of the mirrored traffic an input carries (Type III D bit, Type II index bit 19).
enum class Direction : std::uint8_t { kIngress = 0, kEgress = 1 };

/// Per-input counters.
struct InputStats {
  std::uint64_t received_count = 0;      ///< frames read from the input
  std::uint64_t filtered_out_count = 0;  ///< rejected by the user-space flow filter
  std::uint64_t sampled_out_count = 0;   ///< skipped by 1-in-N sampling
  std::uint64_t truncated_count = 0;     ///< cut (snap length / MTU, or cut before reaching us)
  std::uint64_t rate_dropped_count = 0;  ///< over the rate limit
  std::uint64_t exported_count = 0;      ///< handed to every sink
};

/// One destination with the outer addresses its packets carry.
struct SinkTarget {
  std::unique_ptr<io::PacketSink> sink;
  io::IpAddress source;              ///< outer source address
  io::IpAddress destination;         ///< outer destination address
  std::uint32_t path_mtu_bytes = 0;  ///< outer IP packets never exceed this (0: no limit)
};

/// What is fixed for the whole run.
struct PipelineConfig {
  /// Session fields (type, session_id, index, hw_id, gra, tag source/cos, dscp, ttl, snap length,
  /// platform_subheader). Addresses, direction, MTU and outer Ethernet are set per sink.
  EncapConfig encap;
  std::uint32_t sample_n = 1;                           ///< keep 1 frame in N
  SampleMode sample_mode = SampleMode::kDeterministic;  ///< how
  std::uint64_t sample_seed = 0;                        ///< for kRandom
  TokenBucketConfig rate;                               ///< packets/s and bits/s limits
};

/// Converts a capture timestamp to the Type III 64-bit timestamp for `gra`: 100 µs or 100 ns
/// ticks since the epoch, or IEEE 1588 style (seconds << 32 | nanoseconds). The header carries
/// the low 32 bits, the platform sub-header (id 3) the high 32.
[[nodiscard]] std::uint64_t erspanTimestamp(std::uint64_t timestamp_ns, Granularity gra) noexcept;

/// The pipeline, its sinks and its per-input state.
class ExportPipeline {
 public:
  /// Validates the config against every sink (each direction) and builds the header templates.
  /// The error names the field and value (from the codec's ConfigError).
  [[nodiscard]] static std::expected<std::unique_ptr<ExportPipeline>, std::string> create(
      const PipelineConfig& config, std::vector<SinkTarget> sinks);

  /// Registers an input; `filter` (may be null) runs in user space for inputs without a kernel
  /// filter. Returns the input's id for `process`.
  std::size_t addInput(std::string name, Direction direction,
                       std::shared_ptr<const io::BpfFilter> filter);

  /// Runs one frame of input `input` through the pipeline. `now_ns` drives the rate limit.
  void process(std::size_t input, std::span<const std::uint8_t> frame, std::uint32_t original_bytes,
               std::uint64_t timestamp_ns, std::uint64_t now_ns) noexcept;

  /// Pushes what the sinks queued (end of a capture batch).
  void flush() noexcept;
  /// The last flush: every sink's counters final (see PacketSink::finalFlush).
  void finalFlush() noexcept;

  /// Name and counters of input `i`.
  [[nodiscard]] const std::string& inputName(std::size_t i) const { return inputs_[i].name; }
  [[nodiscard]] Direction inputDirection(std::size_t i) const { return inputs_[i].direction; }
  [[nodiscard]] const InputStats& inputStats(std::size_t i) const { return inputs_[i].stats; }
  [[nodiscard]] std::size_t inputCount() const { return inputs_.size(); }
  [[nodiscard]] const std::vector<SinkTarget>& sinks() const { return sinks_; }
  /// GRE sequence number the next exported packet carries.
  [[nodiscard]] std::uint32_t nextSequence() const { return sequence_; }

 private:
  struct Input {
    std::string name;
    Direction direction;
    std::shared_ptr<const io::BpfFilter> filter;
    Sampler sampler;
    InputStats stats;
  };
  ExportPipeline(const PipelineConfig& config, std::vector<SinkTarget> sinks);

  PipelineConfig config_;
  std::vector<SinkTarget> sinks_;
  std::vector<EncapTemplate> templates_;  ///< 2 per sink: [2*i] ingress, [2*i+1] egress
  std::vector<Input> inputs_;
  TokenBucket bucket_;
  std::size_t max_frame_bytes_ = 0;  ///< smallest across sinks: frames above it are cut
  std::size_t ip_header_bytes_ = 0;  ///< outer IP+GRE+ERSPAN bytes, for the bits/s limit
  std::uint32_t sequence_ = 0;
};

}  // namespace ovse::erspan::exporter
