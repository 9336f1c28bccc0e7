// Drives the exporter: reads batches from every capture source (live interfaces through poll,
// or one offline file to its end) into the pipeline, flushes the sinks after each round, reports
// progress about once a second, and stops cleanly on request (async-signal-safe).
#pragma once

#include <atomic>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "erspan/exporter/export_pipeline.h"
#include "erspan/io/capture_source.h"

namespace ovse::erspan::exporter {

/// A capture source feeding pipeline input `pipeline_input`.
struct RunnerInput {
  std::unique_ptr<io::CaptureSource> source;
  std::size_t pipeline_input = 0;
};

/// Kernel-side counters of each input (index = position in the runner's inputs).
using CaptureCounters = std::vector<io::CaptureStats>;

/// Called about every `tick_ns` while running, and once at the end.
using ProgressFn = std::function<void(const ExportPipeline&, const CaptureCounters&)>;

/// The read → process → flush loop.
class ExportRunner {
 public:
  ExportRunner(ExportPipeline& pipeline, std::vector<RunnerInput> inputs);

  /// Runs until every offline input is exhausted or `stop` is called. The error names the input.
  std::expected<void, std::string> run(const ProgressFn& progress,
                                       std::uint64_t tick_ns = 1'000'000'000);

  /// Ends `run` soon; async-signal-safe.
  void stop() noexcept;

  /// Current kernel counters of every input.
  [[nodiscard]] CaptureCounters captureCounters() const;

 private:
  // Reads one batch from input `i`; returns frames read, or an error text; sets `done` at the end.
  std::expected<std::size_t, std::string> readOnce(std::size_t i, bool& done) noexcept;
  void waitForFrames() noexcept;

  ExportPipeline& pipeline_;
  std::vector<RunnerInput> inputs_;
  std::atomic<bool> stop_{false};
  std::uint64_t batch_now_ns_ = 0;
};

}  // namespace ovse::erspan::exporter
