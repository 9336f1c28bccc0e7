// OutputSet: pattern expansion, per-session routing, size/time/SIGHUP rotation, the -W ring,
// and recovery from write errors (disk full) into a new file once space returns.
#include "erspan/collector/output_set.h"

#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <filesystem>

namespace ovse::erspan::collector {
namespace {

constexpr std::uint64_t kNsPerSecond = 1000000000ull;
/// After a write error, a new file is tried once this much space is free again.
constexpr std::uint64_t kResumeFreeBytes = 64u * 1024u;

bool enoughSpace(const std::string& path) {
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  struct statvfs vfs {};
  if (statvfs(dir.c_str(), &vfs) != 0) return true;  // let the open attempt report the error
  return std::uint64_t{vfs.f_bavail} * vfs.f_frsize >= kResumeFreeBytes;
}

}  // namespace

/// One output stream: the current file and its rotation state.
struct OutputSet::Slot {
  std::unique_ptr<CaptureWriter> writer;
  std::size_t id = 0;                ///< index in slots_ (and in the LRU)
  const Session* session = nullptr;  ///< the session of a per-session slot
  std::uint32_t file_number = 0;     ///< files opened so far
  /// Paths kept, oldest first; only with -W (else a session reopened for --max-outputs over
  /// days would list every file it ever had).
  std::deque<std::string> ring;
  std::string opened_path;  ///< path of the latest file opened (its directory is checked for space)
  /// Time of the first frame of the current file (until then, of its opening: a file opened at
  /// start, on the wall clock, is timed by its first frame's time when replaying old captures).
  std::uint64_t opened_ns = 0;
  bool empty = true;           ///< no frame written to the current file yet
  bool failed = false;         ///< waiting to resume after an error
  std::uint64_t retry_ns = 0;  ///< next resume attempt
  std::string last_path;       ///< path of the current / last file
};

std::string expandPattern(const std::string& pattern, const Session* session,
                          std::uint64_t time_ns) {
  const std::time_t seconds = static_cast<std::time_t>(time_ns / kNsPerSecond);
  std::tm tm{};
  localtime_r(&seconds, &tm);
  std::string out;
  char buf[16];
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%' || i + 1 == pattern.size()) {
      out += pattern[i];
      continue;
    }
    const char token = pattern[++i];
    const auto two = [&](int v) {
      std::snprintf(buf, sizeof buf, "%02d", v);
      out += buf;
    };
    switch (token) {
      case 'e':
        out += session ? session->exporter_text : "all";
        break;
      case 's':
        out += session ? std::to_string(session->key.id) : "all";
        break;
      case 't':
        out += session ? namesOf(session->key.kind).token : "all";
        break;
      case 'Y':
        out += std::to_string(tm.tm_year + 1900);
        break;
      case 'm':
        two(tm.tm_mon + 1);
        break;
      case 'd':
        two(tm.tm_mday);
        break;
      case 'H':
        two(tm.tm_hour);
        break;
      case 'M':
        two(tm.tm_min);
        break;
      case 'S':
        two(tm.tm_sec);
        break;
      case '%':
        out += '%';
        break;
      default:
        out += '%';
        out += token;
        break;
    }
  }
  return out;
}

std::string numberedPath(const std::string& path, std::uint32_t number) {
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "-%05u", number);
  const std::size_t slash = path.rfind('/');
  const std::size_t dot = path.rfind('.');
  const bool has_ext = dot != std::string::npos && (slash == std::string::npos || dot > slash + 1);
  return has_ext ? path.substr(0, dot) + suffix + path.substr(dot) : path + suffix;
}

bool patternIsPerSession(const std::string& pattern) {
  for (std::size_t i = 0; i + 1 < pattern.size(); ++i) {
    if (pattern[i] != '%') continue;
    const char t = pattern[++i];
    if (t == 'e' || t == 's' || t == 't') return true;
  }
  return false;
}

OutputSet::OutputSet(const CollectorConfig& config, const SessionTable& sessions, LogFn log)
    : config_(config),
      sessions_(sessions),
      log_(std::move(log)),
      per_session_(patternIsPerSession(config.write_pattern)),
      rotating_(config.rotate_bytes != 0 || config.rotate_seconds != 0 || config.max_files != 0),
      write_behind_(config.write_behind ? std::make_unique<WriteBehind>() : nullptr),
      lru_(std::max<std::uint32_t>(config.max_outputs, 1), kOutputBufferBudgetBytes) {}

OutputSet::~OutputSet() = default;

std::expected<std::unique_ptr<OutputSet>, std::string> OutputSet::create(
    const CollectorConfig& config, const SessionTable& sessions, LogFn log, std::uint64_t now_ns) {
  const bool stream = config.write_pattern == "-";
  if (stream && (config.rotate_bytes || config.rotate_seconds || config.max_files)) {
    return std::unexpected(std::string("-C, -G and -W need a file, not -w - (stdout)"));
  }
  std::unique_ptr<OutputSet> set(new OutputSet(config, sessions, std::move(log)));
  if (!set->per_session_) {
    set->slots_.push_back(std::make_unique<Slot>());
    if (!set->open(*set->slots_[0], nullptr, now_ns)) {
      return std::unexpected(set->slots_[0]->last_path);  // holds the error text on failure
    }
  }
  return set;
}

OutputSet::Slot& OutputSet::slotFor(const Session& session) {
  if (!per_session_) return *slots_[0];
  if (slots_.size() <= session.index) slots_.resize(session.index + 1);
  auto& slot = slots_[session.index];
  if (!slot) {
    slot = std::make_unique<Slot>();
    slot->id = session.index;
    slot->session = &session;
  }
  return *slot;
}

void OutputSet::makeRoom(std::uint64_t buffer_bytes, std::uint64_t now_ns) {
  while (auto victim = lru_.victimFor(buffer_bytes)) {
    closeSlot(*slots_[*victim], now_ns, true);
    const std::uint64_t n = ++counters_.evicted_count;
    // More active sessions than --max-outputs make a file per frame: say so at 1, 10, 100, ...
    if (n == next_eviction_log_) {
      next_eviction_log_ *= 10;
      log_(std::to_string(n) + " file(s) closed so far to stay within --max-outputs " +
           std::to_string(config_.max_outputs) + " and the file buffers' budget (a session's " +
           "next frame goes on in a new file); raise --max-outputs if that many sessions are "
           "active");
    }
  }
}

bool OutputSet::open(Slot& slot, const Session* session, std::uint64_t time_ns) {
  std::string path = config_.write_pattern == "-"
                         ? std::string("-")
                         : expandPattern(config_.write_pattern, session, time_ns);
  if (path != "-" && (rotating_ || slot.file_number > 0)) {
    path = numberedPath(path, slot.file_number);
  }
  // Large buffers written behind while few outputs hold them; beyond that (many sessions, e.g. a
  // flood of exporters) the smallest buffer, written inline, so memory stays bounded.
  const std::uint64_t full_bytes =
      std::max<std::uint64_t>(config_.write_buffer_bytes, kMinRecordBufferBytes) *
      (write_behind_ ? 2 : 1);
  const bool full = lru_.bufferBytes() + full_bytes <= kFullBufferBudgetBytes;
  const std::uint64_t buffer_bytes = full ? full_bytes : kMinRecordBufferBytes;
  makeRoom(buffer_bytes, time_ns);
  auto writer = CaptureWriter::create(
      path, config_.format, full ? config_.write_buffer_bytes : kMinRecordBufferBytes,
      config_.snap_len_bytes, full ? write_behind_.get() : nullptr, config_.file_options);
  if (!writer) {
    ++counters_.write_error_count;
    if (!slot.failed) log_(writer.error() + "; frames are dropped until writing works again");
    slot.failed = true;
    slot.retry_ns = time_ns + kNsPerSecond;
    slot.last_path = writer.error();
    return false;
  }
  if (slot.failed) log_("writing resumed in '" + path + "'");
  slot.failed = false;
  slot.writer = std::move(*writer);
  slot.opened_ns = time_ns;
  slot.empty = true;
  slot.last_path = path;
  ++slot.file_number;
  ++counters_.files_opened;
  lru_.opened(slot.id, buffer_bytes);
  if (paths_.size() < kMaxListedPaths) paths_.push_back(path);
  slot.opened_path = path;
  if (config_.max_files != 0) slot.ring.push_back(path);
  if (config_.max_files != 0 && slot.ring.size() > config_.max_files) {
    io::removeFile(slot.ring.front(), config_.file_options);
    slot.ring.pop_front();
  }
  return true;
}

void OutputSet::closeSlot(Slot& slot, std::uint64_t now_ns, bool count_lost) {
  if (!slot.writer) return;
  lru_.closed(slot.id);
  const bool ok = slot.writer->close(sessions_.sessions(), now_ns);
  counters_.written_bytes += slot.writer->file().sizeBytes();
  if (!ok && count_lost) {
    const std::uint64_t lost = slot.writer->file().lostRecords();
    counters_.dropped_count += lost;
    counters_.written_count -= std::min(lost, counters_.written_count);
    ++counters_.write_error_count;
    log_(slot.writer->file().error());
  }
  slot.writer.reset();
}

void OutputSet::failSlot(Slot& slot, std::uint64_t now_ns) {
  lru_.closed(slot.id);
  RecordFile& file = slot.writer->file();
  const std::uint64_t lost = file.lostRecords();
  counters_.dropped_count += lost;
  counters_.written_count -= std::min(lost, counters_.written_count);
  ++counters_.write_error_count;
  log_(file.error() + "; '" + file.path() + "' closed at the last complete record, " +
       std::to_string(lost) + " buffered frames dropped; frames are dropped until space " +
       "returns, then writing resumes in a new file");
  counters_.written_bytes += file.sizeBytes();
  slot.writer->close(sessions_.sessions(), now_ns);
  slot.writer.reset();
  slot.failed = true;
  slot.retry_ns = now_ns + kNsPerSecond;
}

bool OutputSet::dueForRotation(const Slot& slot, std::uint64_t time_ns) const {
  if (config_.rotate_bytes != 0 && slot.writer->file().sizeBytes() >= config_.rotate_bytes) {
    return true;
  }
  return config_.rotate_seconds != 0 &&
         time_ns >= slot.opened_ns + std::uint64_t{config_.rotate_seconds} * kNsPerSecond;
}

void OutputSet::write(const Session& session, const OutputFrame& frame) {
  Slot& slot = slotFor(session);
  if (slot.failed) {
    ++counters_.dropped_count;
    return;
  }
  if (slot.writer && slot.empty) slot.opened_ns = frame.timestamp_ns;
  if (slot.writer && dueForRotation(slot, frame.timestamp_ns)) {
    closeSlot(slot, frame.timestamp_ns, true);
  }
  if (!slot.writer && !open(slot, per_session_ ? &session : nullptr, frame.timestamp_ns)) {
    ++counters_.dropped_count;
    return;
  }
  if (!slot.writer->write(session, frame)) {
    ++counters_.dropped_count;
    failSlot(slot, frame.timestamp_ns);
    return;
  }
  slot.empty = false;
  lru_.touch(slot.id);
  ++counters_.written_count;
}

void OutputSet::tick(std::uint64_t now_ns) {
  for (auto& slot : slots_) {
    if (!slot) continue;
    if (slot->failed && now_ns >= slot->retry_ns) {
      slot->retry_ns = now_ns + kNsPerSecond;
      if (enoughSpace(slot->opened_path.empty() ? config_.write_pattern : slot->opened_path)) {
        open(*slot, slot->session, now_ns);
      }
      continue;
    }
    if (!slot->writer) continue;
    if (config_.rotate_seconds != 0 && dueForRotation(*slot, now_ns)) {
      closeSlot(*slot, now_ns, true);
    } else if (!slot->writer->file().flush()) {
      failSlot(*slot, now_ns);
    }
  }
}

void OutputSet::flushStream() {
  for (auto& slot : slots_) {
    if (slot && slot->writer && slot->writer->file().isStdout() && !slot->writer->file().flush()) {
      failSlot(*slot, 0);
    }
  }
}

void OutputSet::rotateAll(std::uint64_t now_ns) {
  for (auto& slot : slots_) {
    if (slot && slot->writer && !slot->writer->file().isStdout()) closeSlot(*slot, now_ns, true);
  }
}

void OutputSet::closeAll(std::uint64_t now_ns) {
  for (auto& slot : slots_) {
    if (slot) closeSlot(*slot, now_ns, true);
  }
}

std::uint64_t OutputSet::currentBytes() const noexcept {
  std::uint64_t total = 0;
  for (const auto& slot : slots_) {
    if (slot && slot->writer) total += slot->writer->file().sizeBytes();
  }
  return total;
}

}  // namespace ovse::erspan::collector
