// MirrorCapture: internal ports up, libpcap taps (inbound: what OVS outputs to the mirror port),
// frames to the OutputSet with their direction, -c, write errors, kernel drop counters.
#include "erspan/capture/mirror_capture.h"

#include <net/if.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "erspan/exporter/sampler.h"
#include "erspan/io/mirror_port.h"

namespace ovse::erspan::capture {
namespace {

namespace ec = collector;

constexpr std::size_t kBatchFrames = 256;
constexpr std::uint32_t kWholeFrame = 262144;
constexpr std::uint32_t kRingBytes = 16u * 1024u * 1024u;

int directionIndex(PacketDirection d) { return d == PacketDirection::kOutbound ? 1 : 0; }

}  // namespace

/// One open tap.
struct MirrorCapture::Tap {
  TapSpec spec;
  unsigned ifindex = 0;
  std::unique_ptr<io::CaptureSource> source;
  ec::Session* session = nullptr;
  std::uint64_t kernel_drops = 0;
  exporter::Sampler sampler;
};

MirrorCapture::MirrorCapture(const CaptureOutputConfig& config, std::size_t n_targets)
    : config_(config), sessions_(2 * n_targets + 1), retired_drops_(n_targets, {0, 0}) {}

MirrorCapture::~MirrorCapture() = default;

std::expected<std::unique_ptr<MirrorCapture>, std::string> MirrorCapture::create(
    const CaptureOutputConfig& config, const std::vector<std::string>& labels) {
  std::unique_ptr<MirrorCapture> cap(new MirrorCapture(config, labels.size()));
  for (std::size_t t = 0; t < labels.size(); ++t) {
    std::array<ec::Session*, 2> pair{};
    for (int d = 0; d < 2; ++d) {
      ec::SessionKey key;
      key.id = static_cast<std::uint32_t>(2 * t + d);
      pair[d] = cap->sessions_.findOrAdd(key);
      pair[d]->label = labels[t];
      pair[d]->description =
          std::string("OVS mirror of ") + labels[t] +
          (d == 0 ? ", into the switch (PortInput)" : ", out of the switch (PortOutput)");
    }
    cap->interfaces_.push_back(pair);
  }
  ec::CollectorConfig oc;
  // The path is literal: escape the collector's pattern tokens.
  for (char c : config.path) oc.write_pattern += c == '%' ? std::string("%%") : std::string(1, c);
  oc.format = config.pcapng ? ec::OutputFormat::kPcapng : ec::OutputFormat::kPcap;
  oc.snap_len_bytes = config.snap_len_bytes == 0 ? kWholeFrame : config.snap_len_bytes;
  oc.rotate_bytes = config.rotate_bytes;
  oc.max_files = config.max_files;
  oc.file_options = config.file_options;
  MirrorCapture* raw = cap.get();
  auto log = [raw](const std::string& line) {
    if (raw->write_error_.empty()) raw->write_error_ = line;
  };
  auto outputs = ec::OutputSet::create(oc, cap->sessions_, log, 0);
  if (!outputs) return std::unexpected(config.path + ": " + outputs.error());
  cap->outputs_ = std::move(*outputs);
  cap->write_error_.clear();
  return cap;
}

std::expected<std::unique_ptr<MirrorCapture::Tap>, std::string> MirrorCapture::open(
    const TapSpec& spec) {
  if (auto up = io::readyMirrorPort(spec.port); !up) return std::unexpected(up.error());
  io::LiveCaptureConfig lc;
  lc.interface = spec.port;
  // libpcap's immediate-mode ring on OVS's tap devices delivered 2 bytes short of a small -s
  // (58 of 60, measured): ask for more and cut exactly in onFrame.
  lc.snap_len_bytes = config_.snap_len_bytes == 0 ? kWholeFrame : config_.snap_len_bytes + 64;
  lc.buffer_bytes = kRingBytes;
  lc.filter = config_.filter;
  // Mirrored copies arrive as frames OVS writes into the port: received, from the kernel's view.
  lc.direction = io::CaptureDirection::kInbound;
  auto source = io::CaptureSource::openLive(lc);
  if (!source) return std::unexpected(source.error().message);
  if (!(*source)->setNonBlocking(true)) {
    return std::unexpected("cannot make the capture on " + spec.port + " non-blocking");
  }
  auto tap = std::make_unique<Tap>();
  tap->spec = spec;
  tap->ifindex = if_nametoindex(spec.port.c_str());
  tap->source = std::move(*source);
  tap->session = interfaces_[spec.target][directionIndex(spec.direction)];
  tap->sampler = exporter::Sampler(config_.sample_n);
  return tap;
}

std::vector<std::string> MirrorCapture::sync(const std::vector<TapSpec>& wanted) {
  std::vector<std::string> problems;
  // Close taps no longer wanted, or whose netdev was re-created (ovs-vswitchd restart).
  for (auto it = taps_.begin(); it != taps_.end();) {
    Tap& tap = **it;
    const bool keep = std::find(wanted.begin(), wanted.end(), tap.spec) != wanted.end() &&
                      if_nametoindex(tap.spec.port.c_str()) == tap.ifindex;
    if (keep) {
      ++it;
      continue;
    }
    if (auto s = tap.source->stats()) tap.kernel_drops = s->kernel_drop_count;
    retired_drops_[tap.spec.target][directionIndex(tap.spec.direction)] += tap.kernel_drops;
    it = taps_.erase(it);
  }
  for (const auto& spec : wanted) {
    const bool open_now =
        std::any_of(taps_.begin(), taps_.end(), [&](const auto& t) { return t->spec == spec; });
    if (open_now) continue;
    auto tap = open(spec);
    if (!tap) {
      problems.push_back(tap.error());
      continue;
    }
    taps_.push_back(std::move(*tap));
  }
  return problems;
}

void MirrorCapture::onFrame(Tap& tap, const io::CapturedFrame& frame) {
  if (limitReached() || !write_error_.empty()) return;
  if (!tap.sampler.keep()) {
    ++sampled_out_;
    return;
  }
  ec::OutputFrame out;
  out.timestamp_ns = frame.timestamp_ns;
  out.data = config_.snap_len_bytes == 0 || frame.data.size() <= config_.snap_len_bytes
                 ? frame.data
                 : frame.data.first(config_.snap_len_bytes);
  out.original_bytes = frame.original_bytes;
  out.direction = tap.spec.direction;
  const std::uint64_t errors = outputs_->counters().write_error_count;
  outputs_->write(*tap.session, out);
  if (outputs_->counters().write_error_count != errors) return;
  ++tap.session->packet_count;
  tap.session->byte_count += frame.original_bytes;
  ++written_;
}

void MirrorCapture::pollOnce(int timeout_ms) {
  std::vector<pollfd> fds;
  for (const auto& tap : taps_) fds.push_back({tap->source->selectableFd(), POLLIN, 0});
  if (fds.empty()) {
    usleep(static_cast<useconds_t>(timeout_ms) * 1000);
    return;
  }
  poll(fds.data(), fds.size(), timeout_ms);  // EINTR (a signal) simply ends the wait
  // The taps' frames are held (copied into one reused arena) and written in time order, so a
  // reply never precedes its request in the file (tshark would flag ACKs of unseen segments).
  arena_.clear();
  pending_.clear();
  for (std::size_t t = 0; t < taps_.size(); ++t) {
    for (int i = 0; i < 8; ++i) {
      auto r = taps_[t]->source->readBatch(kBatchFrames, [&](const io::CapturedFrame& f) {
        pending_.push_back({t, f.timestamp_ns, arena_.size(), f.data.size(), f.original_bytes});
        arena_.insert(arena_.end(), f.data.begin(), f.data.end());
      });
      if (r.status != io::DispatchStatus::kFrames || r.frame_count < kBatchFrames) break;
    }
  }
  std::stable_sort(pending_.begin(), pending_.end(),
                   [](const Held& a, const Held& b) { return a.timestamp_ns < b.timestamp_ns; });
  for (const Held& h : pending_) {
    io::CapturedFrame f;
    f.timestamp_ns = h.timestamp_ns;
    f.data = std::span<const std::uint8_t>(arena_.data() + h.offset, h.bytes);
    f.original_bytes = h.original_bytes;
    onFrame(*taps_[h.tap], f);
  }
  if (config_.path == "-") outputs_->flushStream();
}

void MirrorCapture::tick(std::uint64_t now_ns) {
  for (auto& tap : taps_) {
    if (auto s = tap->source->stats()) tap->kernel_drops = s->kernel_drop_count;
  }
  outputs_->tick(now_ns);
}

void MirrorCapture::close(std::uint64_t now_ns) {
  tick(now_ns);
  outputs_->closeAll(now_ns);
}

bool MirrorCapture::limitReached() const {
  return config_.max_packets != 0 && written_ >= config_.max_packets;
}

std::uint64_t MirrorCapture::packets() const { return written_; }

std::vector<std::string> MirrorCapture::openPorts() const {
  std::vector<std::string> names;
  for (const auto& tap : taps_) names.push_back(tap->spec.port);
  return names;
}

std::uint64_t MirrorCapture::kernelDrops() const {
  std::uint64_t n = 0;
  for (const auto& c : counters()) n += c[0].kernel_drops + c[1].kernel_drops;
  return n;
}

std::vector<std::array<DirectionCounters, 2>> MirrorCapture::counters() const {
  std::vector<std::array<DirectionCounters, 2>> out(interfaces_.size());
  for (std::size_t t = 0; t < interfaces_.size(); ++t) {
    for (int d = 0; d < 2; ++d) {
      out[t][d].packets = interfaces_[t][d]->packet_count;
      out[t][d].bytes = interfaces_[t][d]->byte_count;
      out[t][d].kernel_drops = retired_drops_[t][d];
    }
  }
  for (const auto& tap : taps_) {
    out[tap->spec.target][directionIndex(tap->spec.direction)].kernel_drops += tap->kernel_drops;
  }
  return out;
}

}  // namespace ovse::erspan::capture
