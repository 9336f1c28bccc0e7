// A libpcap capture source, live (an interface: immediate mode, large ring buffer, nanosecond
// timestamps, kernel BPF) or offline (a pcap or pcapng file), handing out frames without copying.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <memory>
#include <span>
#include <string>
#include <type_traits>

namespace ovse::erspan::io {

/// Which packets of a live interface to capture (libpcap `pcap_setdirection`).
enum class CaptureDirection : std::uint8_t {
  kBoth,      ///< received and sent (default)
  kInbound,   ///< only packets the interface received
  kOutbound,  ///< only packets the interface sent
};

/// The read timeout of bulk readers (the collector, the exporter), which leave immediate mode
/// off: libpcap then uses TPACKET_V3, whose ring blocks pack frames by their size and are handed
/// over when full or after this long. In immediate mode (TPACKET_V2) every ring slot is as large
/// as the biggest frame the interface may see (64 KiB with offloads on), so a 32 MiB ring held
/// 512 frames: the collector lost 0.8 % of a 450 kpps stream, the exporter a third of 940 kpps
/// (collect_live_bench.sh, export_bench.sh); with blocks, neither lost any.
inline constexpr int kBulkReadTimeoutMs = 20;

/// Settings of a live capture.
struct LiveCaptureConfig {
  std::string interface;                             ///< interface name, e.g. "eth0"
  std::uint32_t snap_len_bytes = 262144;             ///< bytes kept per frame
  std::uint32_t buffer_bytes = 32u * 1024u * 1024u;  ///< kernel ring size (PACKET_MMAP)
  bool promiscuous = false;                          ///< also frames not addressed to us
  bool immediate = true;  ///< deliver each frame at once (no batching delay in the kernel)
  int timeout_ms = 100;   ///< read timeout when `immediate` is false
  std::string filter;     ///< kernel BPF expression ("" = everything), e.g. "proto gre"
  CaptureDirection direction = CaptureDirection::kBoth;
};

/// Settings of an offline capture. A classic pcap file is mapped into memory and read in place;
/// pcapng files and standard input go through libpcap.
struct OfflineCaptureConfig {
  std::string path;    ///< pcap or pcapng file; "-" = standard input
  std::string filter;  ///< BPF expression applied while reading ("" = everything)
};

/// One captured frame. `data` points into libpcap's buffer and is valid only during the callback.
struct CapturedFrame {
  std::uint64_t timestamp_ns = 0;        ///< nanoseconds since 1970-01-01 UTC
  std::span<const std::uint8_t> data{};  ///< the captured bytes (caplen of them)
  std::uint32_t original_bytes = 0;      ///< length on the wire (origlen)
};

/// Counters from `pcap_stats` (live sources; offline sources report the frames read).
struct CaptureStats {
  std::uint64_t received_count = 0;        ///< frames that reached the capture (ps_recv)
  std::uint64_t kernel_drop_count = 0;     ///< dropped for lack of ring space (ps_drop)
  std::uint64_t interface_drop_count = 0;  ///< dropped by the interface/driver (ps_ifdrop)
};

/// Why a capture could not be opened or read: the message names the interface/file and cause.
struct CaptureError {
  std::string message;
};

/// How a `dispatch` call ended.
enum class DispatchStatus : std::uint8_t {
  kFrames,   ///< one or more frames were handed out (or none arrived before the timeout)
  kEnd,      ///< offline: the file is exhausted
  kStopped,  ///< `breakLoop` was called
  kError,    ///< read error; see `lastError`
};

/// Result of one `dispatch` call.
struct DispatchResult {
  DispatchStatus status = DispatchStatus::kFrames;
  std::size_t frame_count = 0;  ///< frames handed out by this call
};

/// A libpcap handle (RAII). Not thread-safe, except `breakLoop`, which another thread or a signal
/// handler may call.
class CaptureSource {
 public:
  /// Opens and activates a live capture on `config.interface`.
  [[nodiscard]] static std::expected<std::unique_ptr<CaptureSource>, CaptureError> openLive(
      const LiveCaptureConfig& config);

  /// Opens a pcap or pcapng file; timestamps are read at nanosecond precision.
  [[nodiscard]] static std::expected<std::unique_ptr<CaptureSource>, CaptureError> openOffline(
      const OfflineCaptureConfig& config);

  ~CaptureSource();
  CaptureSource(const CaptureSource&) = delete;
  CaptureSource& operator=(const CaptureSource&) = delete;

  /// Hands up to `max_frames` frames, each to `fn(ctx, frame)`, straight from libpcap's buffer
  /// (ring slots for live captures). A live source waits for the first frame only as long as
  /// libpcap blocks (never, in non-blocking mode).
  DispatchResult dispatch(std::size_t max_frames, void (*fn)(void* ctx, const CapturedFrame&),
                          void* ctx) noexcept;

  /// `dispatch` with any callable `f(const CapturedFrame&)`; no allocation, no std::function.
  template <class F>
  DispatchResult readBatch(std::size_t max_frames, F&& f) noexcept {
    using Fn = std::remove_reference_t<F>;
    return dispatch(
        max_frames, [](void* ctx, const CapturedFrame& frame) { (*static_cast<Fn*>(ctx))(frame); },
        const_cast<void*>(static_cast<const void*>(&f)));
  }

  /// A descriptor that becomes readable when frames wait (live), or -1 (offline).
  [[nodiscard]] int selectableFd() const noexcept;

  /// Makes `dispatch` return at once when no frame waits (live only); returns false on failure.
  bool setNonBlocking(bool non_blocking) noexcept;

  /// Stops the source for good: a `dispatch` in progress returns kStopped after the frame being
  /// handed out, and every later one returns kStopped at once. Async-signal-safe.
  void breakLoop() noexcept;

  /// True once `breakLoop` was called.
  [[nodiscard]] bool stopped() const noexcept { return stop_requested_.load(); }

  /// Kernel counters of a live capture; frames read so far for an offline one.
  [[nodiscard]] std::expected<CaptureStats, CaptureError> stats() const;

  /// DLT link type of the frames (1 = Ethernet).
  [[nodiscard]] int linkType() const noexcept;

  /// Snap length in effect.
  [[nodiscard]] std::uint32_t snapLen() const noexcept;

  /// True for an interface, false for a file.
  [[nodiscard]] bool isLive() const noexcept { return live_; }

  /// The kernel ring size asked for a live capture (libpcap's buffer size); 0 for a file.
  [[nodiscard]] std::uint64_t ringBytes() const noexcept { return ring_bytes_; }

  /// The interface name or file path given at open.
  [[nodiscard]] const std::string& name() const noexcept { return name_; }

  /// libpcap's text for the last error (after kError).
  [[nodiscard]] std::string lastError() const;

 private:
  struct Handle;
  /// Maps `path` when it is a regular, non-empty classic pcap file; nullptr otherwise.
  static std::unique_ptr<Handle> mapClassicPcap(const std::string& path);
  CaptureSource(std::unique_ptr<Handle> handle, std::string name, bool live);
  DispatchResult dispatchMapped(std::size_t max_frames, void (*fn)(void* ctx, const CapturedFrame&),
                                void* ctx) noexcept;

  std::unique_ptr<Handle> handle_;
  std::string name_;
  bool live_;
  std::uint64_t ring_bytes_ = 0;
  std::uint64_t offline_frame_count_ = 0;
  std::atomic<bool> stop_requested_{false};
};

}  // namespace ovse::erspan::io
