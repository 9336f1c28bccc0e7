// MirrorCapture: OVS mirror output ports (internal ports) brought up and read with libpcap (one
// tap per target and direction), frames written to one output (pcapng interface per target and
// direction, epb_flags inbound/outbound) through the collector's OutputSet. Used by `mirrorctl
// capture` and by the daemon for capture-type sessions (LiveCapture runs it on a thread).
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <vector>

#include "erspan/collector/output_set.h"
#include "erspan/collector/session_table.h"
#include "erspan/io/capture_source.h"
#include "erspan/pcapng.h"

namespace ovse::erspan::capture {

/// One internal port to read: which target and direction its mirror carries.
struct TapSpec {
  std::string port;        ///< OVS port = kernel netdev name
  std::size_t target = 0;  ///< index into the run's targets
  PacketDirection direction = PacketDirection::kInbound;

  bool operator==(const TapSpec&) const = default;
};

/// Output settings.
struct CaptureOutputConfig {
  std::string path;  ///< "-" = stdout
  bool pcapng = true;
  std::uint32_t snap_len_bytes = 0;  ///< 0 = whole frame
  std::uint64_t rotate_bytes = 0;
  std::uint32_t max_files = 0;
  std::string filter;             ///< kernel BPF ("" = all)
  std::uint64_t max_packets = 0;  ///< 0 = no limit
  std::uint32_t sample_n = 1;     ///< keep 1 frame in N per port and direction
  /// How the file is created (io/safe_file.h): the daemon confines it to its capture directory.
  io::FileCreateOptions file_options;

  bool operator==(const CaptureOutputConfig&) const = default;
};

/// Per target and direction totals (what the summary and --json show).
struct DirectionCounters {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;  ///< original (wire) bytes
  std::uint64_t kernel_drops = 0;
};

class MirrorCapture {
 public:
  /// Opens the output (so a bad path fails before OVS is touched). `labels` name the targets.
  static std::expected<std::unique_ptr<MirrorCapture>, std::string> create(
      const CaptureOutputConfig& config, const std::vector<std::string>& labels);
  ~MirrorCapture();

  /// Makes the open taps match `wanted`: opens new ones (link up, IPv6 off, libpcap), closes
  /// vanished ones, reopens a tap whose netdev was re-created. Returns one message per problem.
  std::vector<std::string> sync(const std::vector<TapSpec>& wanted);

  /// Waits up to `timeout_ms` for frames on any tap and writes what is there.
  void pollOnce(int timeout_ms);

  /// Flushes files to disk and refreshes kernel drop counters (about once a second).
  void tick(std::uint64_t now_ns);

  /// Writes statistics and closes the output.
  void close(std::uint64_t now_ns);

  /// True once -c packets were written.
  bool limitReached() const;
  /// The first write error (disk full...), "" while writing works.
  const std::string& writeError() const { return write_error_; }

  std::uint64_t packets() const;
  /// The ports whose capture is open now.
  std::vector<std::string> openPorts() const;
  /// Frames left out by 1-in-N sampling.
  std::uint64_t sampledOut() const { return sampled_out_; }
  std::uint64_t kernelDrops() const;
  std::uint64_t fileBytes() const { return outputs_->currentBytes(); }
  const std::vector<std::string>& paths() const { return outputs_->paths(); }
  const collector::OutputCounters& outputCounters() const { return outputs_->counters(); }
  /// [target][0 = in, 1 = out]
  std::vector<std::array<DirectionCounters, 2>> counters() const;

 private:
  struct Tap;
  MirrorCapture(const CaptureOutputConfig& config, std::size_t n_targets);
  std::expected<std::unique_ptr<Tap>, std::string> open(const TapSpec& spec);
  void onFrame(Tap& tap, const io::CapturedFrame& frame);

  CaptureOutputConfig config_;
  collector::SessionTable sessions_;
  /// Pcapng interface owners: [target][direction]; label = the target's label.
  std::vector<std::array<collector::Session*, 2>> interfaces_;
  std::unique_ptr<collector::OutputSet> outputs_;
  std::vector<std::unique_ptr<Tap>> taps_;
  std::uint64_t written_ = 0;
  std::uint64_t sampled_out_ = 0;
  std::vector<std::array<std::uint64_t, 2>> retired_drops_;  ///< drops of closed taps
  std::string write_error_;
  /// A frame read this round, waiting to be written in time order.
  struct Held {
    std::size_t tap;
    std::uint64_t timestamp_ns;
    std::size_t offset;  ///< into arena_
    std::size_t bytes;
    std::uint32_t original_bytes;
  };
  std::vector<std::uint8_t> arena_;
  std::vector<Held> pending_;
};

}  // namespace ovse::erspan::capture
