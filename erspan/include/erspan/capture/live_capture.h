// LiveCapture: a MirrorCapture run on its own thread for owners whose ports come and go (the
// manager daemon runs one per capture-type session). The output file stays open for the whole
// run; the owner hands over the ports to read whenever OVS changes, and the thread also reopens
// a tap whose netdev was re-created under the same name (an ovs-vswitchd restart).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <expected>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "erspan/capture/mirror_capture.h"

namespace ovse::erspan::capture {

/// What a LiveCapture has done, as of its last tick (a second at most behind).
struct LiveCaptureStats {
  std::array<DirectionCounters, 2> directions{};  ///< [0] inbound (ingress), [1] outbound
  std::uint64_t sampled_out = 0;
  std::uint64_t file_bytes = 0;       ///< of the file being written
  std::vector<std::string> paths;     ///< files written so far
  std::vector<std::string> ports;     ///< ports read now
  std::vector<std::string> problems;  ///< taps that could not be opened, with why
  std::string write_error;            ///< the first write error; writing stopped there
};

class LiveCapture {
 public:
  /// Opens the output and starts the thread with no taps. `label` names the one target (its
  /// two pcapng interfaces, inbound and outbound).
  static std::expected<std::unique_ptr<LiveCapture>, std::string> start(
      const CaptureOutputConfig& config, const std::string& label);
  /// Stops the thread and closes the file (pcapng statistics written).
  ~LiveCapture();
  LiveCapture(const LiveCapture&) = delete;
  LiveCapture& operator=(const LiveCapture&) = delete;

  /// The ports to read from now on (target index 0); applied by the thread within 50 ms.
  void setTaps(std::vector<TapSpec> taps);
  [[nodiscard]] LiveCaptureStats stats() const;

 private:
  explicit LiveCapture(std::unique_ptr<MirrorCapture> capture);
  void run();
  void publish(std::vector<std::string> problems);

  std::unique_ptr<MirrorCapture> capture_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::optional<std::vector<TapSpec>> new_taps_;  ///< handed over, not yet applied
  LiveCaptureStats stats_;
};

}  // namespace ovse::erspan::capture
