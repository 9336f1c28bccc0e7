// LiveExport: an export of live interfaces to collectors running on its own thread, for owners
// that start and stop exports as their configuration changes (the manager daemon runs one per
// exporter-backed session). Routes are looked up once at start; an input that carries the
// route to a collector is refused (the export would mirror its own ERSPAN stream).
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "erspan/exporter/export_pipeline.h"
#include "erspan/exporter/export_runner.h"
#include "erspan/io/route_lookup.h"

namespace ovse::erspan::exporter {

/// An interface to read mirrored frames from, and the direction they carry.
struct LiveExportInput {
  std::string interface;
  Direction direction = Direction::kIngress;
};

/// What to export where.
struct LiveExportSpec {
  std::vector<LiveExportInput> inputs;
  std::vector<io::IpAddress> remotes;  ///< collectors
  PipelineConfig pipeline;             ///< session fields, sampling, rate limit, DSCP/TTL
  std::string filter;                  ///< BPF expression run in the kernel ("" = all)
  std::uint32_t buffer_bytes = 8u << 20;
};

/// Totals over every input.
struct LiveExportStats {
  std::uint64_t received_count = 0;
  std::uint64_t filtered_out_count = 0;
  std::uint64_t sampled_out_count = 0;
  std::uint64_t truncated_count = 0;
  std::uint64_t rate_dropped_count = 0;
  std::uint64_t exported_count = 0;
  std::uint64_t kernel_dropped_count = 0;  ///< capture ring overflows
};

class LiveExport {
 public:
  /// Opens the inputs and the senders and starts the thread. The error names the input or the
  /// collector that failed.
  static std::expected<std::unique_ptr<LiveExport>, std::string> start(const LiveExportSpec& spec);
  /// Stops the thread and closes everything.
  ~LiveExport();
  LiveExport(const LiveExport&) = delete;
  LiveExport& operator=(const LiveExport&) = delete;

  /// Counters as of the last progress tick (a quarter second at most behind).
  [[nodiscard]] LiveExportStats stats() const;
  /// Why the run ended (an input vanished, a send failed fatally); nullopt while it runs.
  [[nodiscard]] std::optional<std::string> failure() const;
  /// False once an input interface is gone or was re-created under the same name (OVS restarts
  /// re-create internal ports): the export reads a dead device and must be started again.
  [[nodiscard]] bool inputsUnchanged() const;

 private:
  LiveExport() = default;
  void publish(const ExportPipeline& pipeline, const CaptureCounters& capture);

  std::unique_ptr<ExportPipeline> pipeline_;
  std::unique_ptr<ExportRunner> runner_;
  std::vector<std::pair<std::string, unsigned>> input_indexes_;  ///< name, ifindex at start
  std::thread thread_;
  mutable std::mutex mutex_;
  LiveExportStats stats_;
  std::optional<std::string> failure_;
};

}  // namespace ovse::erspan::exporter
