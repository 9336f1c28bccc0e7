// The collector pipeline for one outer packet: decapsulate ERSPAN/GRE/VXLAN/Geneve (counting what
// is not ours by reason), allow-list the exporter, demultiplex into sessions, account GRE
// sequence loss, filter
// the inner frame, pick its timestamp, and hand it to the capture files and the TAP device.
#pragma once

#include <array>
#include <cstdint>
#include <expected>
#include <memory>
#include <string>

#include "erspan/collector/config.h"
#include "erspan/collector/inner_filter.h"
#include "erspan/collector/output_set.h"
#include "erspan/collector/session_table.h"
#include "erspan/collector/tap_writer.h"
#include "erspan/errors.h"
#include "erspan/io/capture_source.h"

namespace ovse::erspan::collector {

/// Packet-level totals of the pipeline.
struct CollectorCounters {
  std::uint64_t frames_read = 0;   ///< outer packets handed to the pipeline
  std::uint64_t bytes_read = 0;    ///< their captured bytes
  std::uint64_t decapsulated = 0;  ///< outer packets that were ERSPAN/GRE-TEB/VXLAN/Geneve
  std::uint64_t vxlan = 0;         ///< of those, VXLAN
  std::uint64_t geneve = 0;        ///< of those, Geneve
  std::uint64_t geneve_with_options = 0;  ///< Geneve packets whose options were skipped
  std::uint64_t geneve_option_bytes = 0;  ///< option bytes skipped
  std::uint64_t geneve_critical = 0;      ///< Geneve packets with C (critical options) set
  std::array<std::uint64_t, kDecapErrorCount> not_ours{};  ///< by DecapError reason
  std::uint64_t unsupported_link_type = 0;  ///< outer frames of a link type we cannot parse
  std::uint64_t rejected_exporter = 0;      ///< source not in --allow
  std::uint64_t session_filtered = 0;       ///< session not in --session
  std::uint64_t session_limit = 0;          ///< dropped because the session table was full
  std::uint64_t not_ethernet = 0;           ///< Type III FT != 0: never written as Ethernet
  std::uint64_t runt = 0;  ///< inner frames shorter than an Ethernet header: never written
  std::uint64_t inner_filtered = 0;         ///< rejected by --filter
  std::uint64_t exporter_time_missing = 0;  ///< --time exporter, but no usable stamp: arrival
  std::uint64_t tap_written = 0;            ///< frames re-injected
  std::uint64_t tap_dropped = 0;            ///< frames the TAP refused
  io::CaptureStats capture{};               ///< libpcap counters (kernel drops)

  /// Every not-ours packet, whatever the reason.
  [[nodiscard]] std::uint64_t notOursTotal() const noexcept;
};

/// True for the outer link types the collector parses: Ethernet, raw IP, Linux cooked (v1/v2),
/// BSD loopback.
[[nodiscard]] bool linkTypeSupported(int dlt) noexcept;

/// One collector: sessions, filters and outputs. Not thread-safe.
class Collector {
 public:
  /// Compiles the filter, opens the outputs and the TAP device. `log` receives rare one-line
  /// messages (files opened, write errors).
  [[nodiscard]] static std::expected<std::unique_ptr<Collector>, std::string> create(
      const CollectorConfig& config, LogFn log, std::uint64_t now_ns);

  /// Sets the DLT of the outer frames to come (Ethernet by default).
  void setLinkType(int dlt) noexcept {
    link_type_ = dlt;
    link_supported_ = linkTypeSupported(dlt);
  }

  /// Runs the pipeline over one outer packet. Never throws, never allocates except on a new
  /// session's first packet.
  void processFrame(const io::CapturedFrame& frame) noexcept;

  /// Periodic work (rotation by time, retries, flush to disk).
  void tick(std::uint64_t now_ns) {
    if (outputs_) outputs_->tick(now_ns);
  }
  /// After each capture batch: push a stdout stream out.
  void flushStream() {
    if (outputs_) outputs_->flushStream();
  }
  /// SIGHUP: start new files.
  void rotate(std::uint64_t now_ns) {
    if (outputs_) outputs_->rotateAll(now_ns);
  }
  /// Writes statistics blocks and closes every file.
  void finish(std::uint64_t now_ns) {
    if (outputs_) outputs_->closeAll(now_ns);
  }

  /// Records the capture's kernel counters (for stats and the summary).
  void setCaptureStats(const io::CaptureStats& stats) noexcept { counters_.capture = stats; }

  [[nodiscard]] const CollectorCounters& counters() const noexcept { return counters_; }
  /// Arrival time of the latest outer packet (0 before the first).
  [[nodiscard]] std::uint64_t lastArrivalNs() const noexcept { return last_arrival_ns_; }
  [[nodiscard]] const SessionTable& sessions() const noexcept { return sessions_; }
  /// The capture files, or nullptr when only a TAP device (or nothing) is written.
  [[nodiscard]] const OutputSet* outputs() const noexcept { return outputs_.get(); }

 private:
  explicit Collector(const CollectorConfig& config);
  Expected<DecapView, DecapError> decapsulate(std::span<const std::uint8_t> data) noexcept;
  bool accepted(const SessionKey& key) noexcept;
  void countOverlay(const DecapView& view) noexcept;
  void deliver(Session& session, const DecapView& view, const io::CapturedFrame& frame,
               std::optional<std::uint64_t> gap) noexcept;

  CollectorConfig config_;
  int link_type_ = 1;
  bool link_supported_ = true;
  std::uint64_t last_arrival_ns_ = 0;
  SessionTable sessions_;
  std::unique_ptr<InnerFilter> filter_;
  std::unique_ptr<OutputSet> outputs_;
  std::unique_ptr<TapWriter> tap_;
  CollectorCounters counters_;
};

/// The original length of an inner Ethernet frame the exporter truncated (T bit): L2 header plus
/// the inner IPv4 total length / IPv6 payload length when that header is intact, else the bytes
/// present.
[[nodiscard]] std::uint32_t truncatedOriginalBytes(std::span<const std::uint8_t> frame) noexcept;

}  // namespace ovse::erspan::collector
