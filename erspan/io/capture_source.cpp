// libpcap capture source: opening (live or offline), BPF, batched zero-copy dispatch, stats.
#include "erspan/io/capture_source.h"

#include <fcntl.h>
#include <pcap/pcap.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <utility>
#include <vector>

#include "erspan/pcap_reader.h"

namespace ovse::erspan::io {

/// The libpcap handle plus what the dispatch trampoline needs to convert timestamps; or, for a
/// classic pcap file, the file mapped into memory and read in place (libpcap would fread each
/// record twice: a third of an offline collect's CPU time, measured with perf).
struct CaptureSource::Handle {
  std::vector<char> file_buffer;  ///< stdio buffer of an offline file (outlives the FILE)
  pcap_t* pcap = nullptr;
  bool nanosecond = true;  ///< libpcap delivers ts.tv_usec in ns (else µs)
  // The mapped classic pcap file (pcap == nullptr then).
  std::span<const std::uint8_t> mapped;
  PcapFileInfo info;
  std::size_t offset = 0;         ///< of the next record
  std::size_t released = 0;       ///< bytes at the start given back to the kernel
  pcap_t* filter_pcap = nullptr;  ///< a dead handle the filter was compiled for
  bpf_program filter{};
  std::string error;  ///< of the last kError
  ~Handle() {
    if (pcap != nullptr) pcap_close(pcap);
    if (filter_pcap != nullptr) {
      pcap_freecode(&filter);
      pcap_close(filter_pcap);
    }
    if (!mapped.empty()) munmap(const_cast<std::uint8_t*>(mapped.data()), mapped.size());
  }
};

namespace {

constexpr std::size_t kOfflineBufferBytes = 1u << 20;

std::unexpected<CaptureError> fail(std::string message) {
  return std::unexpected(CaptureError{std::move(message)});
}

/// Compiles `filter` for `pcap` and installs it; "" installs nothing.
std::expected<void, CaptureError> installFilter(pcap_t* pcap, const std::string& filter,
                                                const std::string& what) {
  if (filter.empty()) return {};
  bpf_program program{};
  if (pcap_compile(pcap, &program, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
    return fail("invalid filter '" + filter + "' for " + what + ": " + pcap_geterr(pcap));
  }
  const int rc = pcap_setfilter(pcap, &program);
  pcap_freecode(&program);
  if (rc != 0) {
    return fail("cannot install filter '" + filter + "' on " + what + ": " + pcap_geterr(pcap));
  }
  return {};
}

pcap_direction_t toPcap(CaptureDirection direction) {
  switch (direction) {
    case CaptureDirection::kInbound:
      return PCAP_D_IN;
    case CaptureDirection::kOutbound:
      return PCAP_D_OUT;
    case CaptureDirection::kBoth:
      break;
  }
  return PCAP_D_INOUT;
}

/// Applies the pre-activation settings; libpcap only fails these on an already active handle.
void configureLive(pcap_t* pcap, const LiveCaptureConfig& config) {
  pcap_set_snaplen(pcap, static_cast<int>(config.snap_len_bytes));
  pcap_set_promisc(pcap, config.promiscuous ? 1 : 0);
  pcap_set_immediate_mode(pcap, config.immediate ? 1 : 0);
  pcap_set_timeout(pcap, config.timeout_ms);
  pcap_set_buffer_size(pcap, static_cast<int>(config.buffer_bytes));
  // Nanosecond stamps when the platform offers them; otherwise µs, scaled in the trampoline.
  pcap_set_tstamp_precision(pcap, PCAP_TSTAMP_PRECISION_NANO);
}

struct Trampoline {
  void (*fn)(void*, const CapturedFrame&);
  void* ctx;
  bool nanosecond;
  std::size_t count;
};

void onPacket(u_char* user, const pcap_pkthdr* header, const u_char* bytes) {
  auto* t = reinterpret_cast<Trampoline*>(user);  // our own struct, not packet bytes
  const std::uint64_t frac = static_cast<std::uint64_t>(header->ts.tv_usec);
  CapturedFrame frame;
  frame.timestamp_ns = static_cast<std::uint64_t>(header->ts.tv_sec) * 1000000000ull +
                       (t->nanosecond ? frac : frac * 1000ull);
  frame.data = std::span<const std::uint8_t>(bytes, header->caplen);
  frame.original_bytes = header->len;
  ++t->count;
  t->fn(t->ctx, frame);
}

std::string readErrorText(const PcapReadError& e) {
  switch (e.code) {
    case PcapReadErrorCode::kTruncatedRecord:
      return "truncated dump file: the last record lacks " + std::to_string(e.value) + " bytes";
    case PcapReadErrorCode::kCapLenTooLarge:
      return "invalid packet capture length " + std::to_string(e.value) +
             ", bigger than the snap length and " + std::to_string(kPcapMaxCapLen);
    case PcapReadErrorCode::kNotClassicPcap:
    case PcapReadErrorCode::kTruncatedHeader:
      break;
  }
  return "not a classic pcap file";
}

}  // namespace

CaptureSource::CaptureSource(std::unique_ptr<Handle> handle, std::string name, bool live)
    : handle_(std::move(handle)), name_(std::move(name)), live_(live) {}

CaptureSource::~CaptureSource() = default;

// libpcap opens what this does not map, and says what is wrong with it.
std::unique_ptr<CaptureSource::Handle> CaptureSource::mapClassicPcap(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat st {};
  void* map = MAP_FAILED;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    map = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  }
  ::close(fd);
  if (map == MAP_FAILED) return nullptr;
  const std::span<const std::uint8_t> file(static_cast<const std::uint8_t*>(map),
                                           static_cast<std::size_t>(st.st_size));
  auto info = parsePcapFileHeader(file);
  if (!info) {
    munmap(map, file.size());
    return nullptr;
  }
  madvise(map, file.size(), MADV_SEQUENTIAL);
  auto handle = std::make_unique<CaptureSource::Handle>();
  handle->mapped = file;
  handle->info = *info;
  handle->offset = kPcapFileHeaderBytes;
  return handle;
}

std::expected<std::unique_ptr<CaptureSource>, CaptureError> CaptureSource::openLive(
    const LiveCaptureConfig& config) {
  const std::string what = "interface '" + config.interface + "'";
  if (config.interface.empty()) return fail("interface name is empty");
  if (config.snap_len_bytes == 0) return fail("snap_len_bytes is 0 for " + what);
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  auto handle = std::make_unique<Handle>();
  handle->pcap = pcap_create(config.interface.c_str(), errbuf);
  if (handle->pcap == nullptr) return fail("cannot open " + what + ": " + errbuf);
  configureLive(handle->pcap, config);
  const int rc = pcap_activate(handle->pcap);
  if (rc < 0) {
    // PCAP_ERROR (-1) carries its own text; the others only a code.
    const std::string detail =
        rc == PCAP_ERROR ? std::string(pcap_geterr(handle->pcap)) : pcap_statustostr(rc);
    return fail("cannot capture on " + what + ": " + detail);
  }
  handle->nanosecond = pcap_get_tstamp_precision(handle->pcap) == PCAP_TSTAMP_PRECISION_NANO;
  if (config.direction != CaptureDirection::kBoth &&
      pcap_setdirection(handle->pcap, toPcap(config.direction)) != 0) {
    return fail("cannot set capture direction on " + what + ": " + pcap_geterr(handle->pcap));
  }
  if (auto ok = installFilter(handle->pcap, config.filter, what); !ok) {
    return std::unexpected(ok.error());
  }
  std::unique_ptr<CaptureSource> source(
      new CaptureSource(std::move(handle), config.interface, true));
  source->ring_bytes_ = config.buffer_bytes;
  return source;
}

std::expected<std::unique_ptr<CaptureSource>, CaptureError> CaptureSource::openOffline(
    const OfflineCaptureConfig& config) {
  const std::string what = "file '" + config.path + "'";
  if (config.path != "-") {
    if (auto mapped = mapClassicPcap(config.path)) {
      if (!config.filter.empty()) {
        mapped->filter_pcap = pcap_open_dead_with_tstamp_precision(
            static_cast<int>(mapped->info.link_type), static_cast<int>(mapped->info.snap_len),
            PCAP_TSTAMP_PRECISION_NANO);
        if (mapped->filter_pcap == nullptr) return fail("cannot compile filters for " + what);
        if (pcap_compile(mapped->filter_pcap, &mapped->filter, config.filter.c_str(), 1,
                         PCAP_NETMASK_UNKNOWN) != 0) {
          return fail("invalid filter '" + config.filter + "' for " + what + ": " +
                      pcap_geterr(mapped->filter_pcap));
        }
      }
      return std::unique_ptr<CaptureSource>(
          new CaptureSource(std::move(mapped), config.path, false));
    }
  }
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  auto handle = std::make_unique<Handle>();
  if (config.path == "-") {
    handle->pcap = pcap_open_offline_with_tstamp_precision("-", PCAP_TSTAMP_PRECISION_NANO, errbuf);
  } else {
    // Our own FILE with a 1 MiB buffer: libpcap reads each record with two freads, and the
    // default 4 KiB stdio buffer would make that a read() syscall every few packets.
    std::FILE* file = std::fopen(config.path.c_str(), "rbe");
    if (file == nullptr) return fail("cannot read " + what + ": " + std::strerror(errno));
    handle->file_buffer.resize(kOfflineBufferBytes);
    std::setvbuf(file, handle->file_buffer.data(), _IOFBF, handle->file_buffer.size());
    handle->pcap =
        pcap_fopen_offline_with_tstamp_precision(file, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (handle->pcap == nullptr) std::fclose(file);
  }
  if (handle->pcap == nullptr) return fail("cannot read " + what + ": " + errbuf);
  handle->nanosecond = true;
  if (auto ok = installFilter(handle->pcap, config.filter, what); !ok) {
    return std::unexpected(ok.error());
  }
  return std::unique_ptr<CaptureSource>(new CaptureSource(std::move(handle), config.path, false));
}

DispatchResult CaptureSource::dispatch(std::size_t max_frames,
                                       void (*fn)(void* ctx, const CapturedFrame&),
                                       void* ctx) noexcept {
  if (stop_requested_.load()) return {DispatchStatus::kStopped, 0};
  if (handle_->pcap == nullptr) return dispatchMapped(max_frames, fn, ctx);
  Trampoline t{fn, ctx, handle_->nanosecond, 0};
  const int count =
      max_frames == 0 || max_frames > INT_MAX ? INT_MAX : static_cast<int>(max_frames);
  const int rc = pcap_dispatch(handle_->pcap, count, onPacket, reinterpret_cast<u_char*>(&t));
  if (!live_) offline_frame_count_ += t.count;
  // libpcap reports a break only when no frame was handed out yet; the flag covers the rest.
  if (rc == PCAP_ERROR_BREAK || stop_requested_.load()) return {DispatchStatus::kStopped, t.count};
  if (rc < 0) return {DispatchStatus::kError, t.count};
  if (!live_ && rc == 0) return {DispatchStatus::kEnd, 0};
  return {DispatchStatus::kFrames, t.count};
}

DispatchResult CaptureSource::dispatchMapped(std::size_t max_frames,
                                             void (*fn)(void* ctx, const CapturedFrame&),
                                             void* ctx) noexcept {
  Handle& h = *handle_;
  // Pages already read are dropped from the mapping (frames are valid only during their
  // callback), so resident memory stays flat however large the file.
  constexpr std::size_t kReleaseBytes = 8u << 20;
  constexpr std::size_t kPrefetchAheadBytes = 2048;
  if (h.offset - h.released >= 2 * kReleaseBytes) {
    const std::size_t upto = (h.offset - kReleaseBytes) & ~(kReleaseBytes - 1);
    madvise(const_cast<std::uint8_t*>(h.mapped.data()) + h.released, upto - h.released,
            MADV_DONTNEED);
    h.released = upto;
  }
  std::size_t count = 0;
  while (max_frames == 0 || count < max_frames) {
    if (stop_requested_.load()) return {DispatchStatus::kStopped, count};
    if (h.offset == h.mapped.size()) {
      return {count == 0 ? DispatchStatus::kEnd : DispatchStatus::kFrames, count};
    }
    auto record = readPcapRecord(h.info, h.mapped, h.offset);
    if (!record) {
      h.error = readErrorText(record.error());
      return {DispatchStatus::kError, count};
    }
    h.offset = record->next_offset;
    // The hardware prefetcher stops at page boundaries: ask for the records ahead.
    if (h.offset + kPrefetchAheadBytes < h.mapped.size()) {
      __builtin_prefetch(h.mapped.data() + h.offset + kPrefetchAheadBytes);
    }
    if (h.filter_pcap != nullptr) {
      pcap_pkthdr header{};
      header.caplen = static_cast<bpf_u_int32>(record->data.size());
      header.len = record->original_bytes;
      if (pcap_offline_filter(&h.filter, &header, record->data.data()) == 0) continue;
    }
    CapturedFrame frame;
    frame.timestamp_ns = record->timestamp_ns;
    frame.data = record->data;
    frame.original_bytes = record->original_bytes;
    ++count;
    ++offline_frame_count_;
    fn(ctx, frame);
  }
  return {DispatchStatus::kFrames, count};
}

int CaptureSource::selectableFd() const noexcept {
  return live_ ? pcap_get_selectable_fd(handle_->pcap) : -1;
}

bool CaptureSource::setNonBlocking(bool non_blocking) noexcept {
  if (handle_->pcap == nullptr) return true;  // a mapped file never blocks
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  return pcap_setnonblock(handle_->pcap, non_blocking ? 1 : 0, errbuf) == 0;
}

void CaptureSource::breakLoop() noexcept {
  stop_requested_.store(true);
  if (handle_->pcap != nullptr) pcap_breakloop(handle_->pcap);
}

std::expected<CaptureStats, CaptureError> CaptureSource::stats() const {
  if (!live_) return CaptureStats{offline_frame_count_, 0, 0};
  pcap_stat ps{};
  if (pcap_stats(handle_->pcap, &ps) != 0) {
    return fail("cannot read statistics of interface '" + name_ +
                "': " + pcap_geterr(handle_->pcap));
  }
  return CaptureStats{ps.ps_recv, ps.ps_drop, ps.ps_ifdrop};
}

int CaptureSource::linkType() const noexcept {
  if (handle_->pcap == nullptr) return static_cast<int>(handle_->info.link_type);
  return pcap_datalink(handle_->pcap);
}

std::uint32_t CaptureSource::snapLen() const noexcept {
  if (handle_->pcap == nullptr) return handle_->info.snap_len;
  return static_cast<std::uint32_t>(pcap_snapshot(handle_->pcap));
}

std::string CaptureSource::lastError() const {
  if (handle_->pcap == nullptr) return handle_->error;
  return pcap_geterr(handle_->pcap);
}

}  // namespace ovse::erspan::io
