// The collector's outputs: one capture file, or one per session from a path pattern, each
// rotated by size, time, SIGHUP, kept as a ring of N files, and resumed in a new file after a
// write error (disk full) once space returns.
//
// Pattern tokens (expanded when a file is opened, time in local time of the first packet):
//   %e exporter IP   %s session ID (GRE key for plain GRE, VNI for VXLAN/Geneve)
//   %t "erspan", "gre", "vxlan" or "geneve"
//   %Y %m %d %H %M %S year, month, day, hour, minute, second   %% a literal %
// With %e, %s or %t there is one output per session, otherwise one for all sessions. When files
// rotate (-C, -G, -W, SIGHUP or after an error) a counter "-00001" goes before the extension.
//
// Whatever arrives, descriptors and memory stay bounded: at most `max_outputs` files are open and
// their buffers take at most kOutputBufferBudgetBytes; past either, the least recently written
// file is closed (statistics written) and its session goes on in a new numbered file on its next
// frame. Outputs opened while many are open get the smallest buffer, written inline.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "erspan/collector/capture_writer.h"
#include "erspan/collector/config.h"
#include "erspan/collector/output_lru.h"
#include "erspan/collector/session_table.h"

namespace ovse::erspan::collector {

/// Receives one-line messages about files (opened, rotated, failed, resumed). Never per packet.
using LogFn = std::function<void(const std::string&)>;

/// Expands `pattern` for `session` (nullptr: session tokens become "all") at `time_ns`.
[[nodiscard]] std::string expandPattern(const std::string& pattern, const Session* session,
                                        std::uint64_t time_ns);

/// Inserts "-NNNNN" before the extension of `path` ("a/b.pcapng" → "a/b-00003.pcapng").
[[nodiscard]] std::string numberedPath(const std::string& path, std::uint32_t number);

/// True when `pattern` holds a per-session token (%e, %s, %t).
[[nodiscard]] bool patternIsPerSession(const std::string& pattern);

/// Buffer bytes all open outputs may hold together (256 outputs of the smallest buffer).
inline constexpr std::uint64_t kOutputBufferBudgetBytes = 128u << 20;
/// Of that, what outputs with the configured (large, written-behind) buffers may hold; outputs
/// opened beyond it get the smallest buffer, written inline.
inline constexpr std::uint64_t kFullBufferBudgetBytes = 32u << 20;
/// File paths listed in the summary at most (the count goes on in `files_opened`).
inline constexpr std::size_t kMaxListedPaths = 10000;

/// Totals over all outputs.
struct OutputCounters {
  std::uint64_t written_count = 0;      ///< frames written (buffered or on disk)
  std::uint64_t written_bytes = 0;      ///< file bytes produced
  std::uint64_t dropped_count = 0;      ///< frames lost to write errors or a failed output
  std::uint64_t files_opened = 0;       ///< files created
  std::uint64_t write_error_count = 0;  ///< write/create failures
  /// Files closed to stay within --max-outputs or the buffer budget (the session goes on in a
  /// new file on its next frame).
  std::uint64_t evicted_count = 0;
};

/// Routes frames to capture files and manages their life cycle.
class OutputSet {
 public:
  /// Validates the configuration; a single (non per-session) output is opened at once so that a
  /// bad path fails before capture starts.
  [[nodiscard]] static std::expected<std::unique_ptr<OutputSet>, std::string> create(
      const CollectorConfig& config, const SessionTable& sessions, LogFn log, std::uint64_t now_ns);
  ~OutputSet();

  /// Writes one frame of `session`, rotating first when its file is due by size or time.
  void write(const Session& session, const OutputFrame& frame);
  /// Periodic work (about once a second): time rotation, retry after errors, flush to disk.
  void tick(std::uint64_t now_ns);
  /// Pushes buffered records of a stdout stream out (once per capture batch).
  void flushStream();
  /// Closes every current file and starts new ones on the next frame (SIGHUP).
  void rotateAll(std::uint64_t now_ns);
  /// Writes statistics, flushes and closes every file.
  void closeAll(std::uint64_t now_ns);

  [[nodiscard]] const OutputCounters& counters() const noexcept { return counters_; }
  /// Bytes in the files currently open.
  [[nodiscard]] std::uint64_t currentBytes() const noexcept;
  /// Files open now.
  [[nodiscard]] std::size_t openCount() const noexcept { return lru_.openCount(); }
  /// Buffer bytes of the files open now.
  [[nodiscard]] std::uint64_t bufferBytes() const noexcept { return lru_.bufferBytes(); }
  /// File paths created so far, the first kMaxListedPaths (for the summary).
  [[nodiscard]] const std::vector<std::string>& paths() const noexcept { return paths_; }

 private:
  struct Slot;
  OutputSet(const CollectorConfig& config, const SessionTable& sessions, LogFn log);
  Slot& slotFor(const Session& session);
  bool open(Slot& slot, const Session* session, std::uint64_t time_ns);
  void closeSlot(Slot& slot, std::uint64_t now_ns, bool count_lost);
  void failSlot(Slot& slot, std::uint64_t now_ns);
  bool dueForRotation(const Slot& slot, std::uint64_t time_ns) const;
  void makeRoom(std::uint64_t buffer_bytes, std::uint64_t now_ns);

  CollectorConfig config_;
  const SessionTable& sessions_;
  LogFn log_;
  bool per_session_;
  bool rotating_;
  /// The files' writes when `config_.write_behind`; outlives slots_ (declared before them).
  std::unique_ptr<WriteBehind> write_behind_;
  std::vector<std::unique_ptr<Slot>> slots_;
  OutputLru lru_;  ///< open slots by last write, within max_outputs and the buffer budget
  std::uint64_t next_eviction_log_ = 1;  ///< evicted_count at which to log next (×10 each time)
  OutputCounters counters_;
  std::vector<std::string> paths_;
};

}  // namespace ovse::erspan::collector
