// Collector: the per-packet pipeline from an outer captured frame to the outputs.
#include "erspan/collector/collector.h"

#include <pcap/dlt.h>

#include "erspan/bytes.h"
#include "erspan/collector/timestamp.h"
#include "erspan/decap.h"

namespace ovse::erspan::collector {
namespace {

constexpr std::size_t kSllHeaderBytes = 16;
constexpr std::size_t kSll2HeaderBytes = 20;
constexpr std::size_t kNullHeaderBytes = 4;

bool selectorMatches(const SessionSelector& sel, const SessionKey& key) noexcept {
  if (sel.id != key.id) return false;
  return sel.any_exporter || (sel.exporter_v6 == key.ipv6 && sel.exporter == key.exporter);
}

}  // namespace

bool linkTypeSupported(int dlt) noexcept {
  switch (dlt) {
    case DLT_EN10MB:
    case DLT_RAW:
    case DLT_IPV4:
    case DLT_IPV6:
    case 101:
    case DLT_LINUX_SLL:
    case DLT_LINUX_SLL2:
    case DLT_NULL:
    case DLT_LOOP:
      return true;
    default:
      return false;
  }
}

std::uint64_t CollectorCounters::notOursTotal() const noexcept {
  std::uint64_t total = unsupported_link_type;
  for (const std::uint64_t n : not_ours) total += n;
  return total;
}

std::uint32_t truncatedOriginalBytes(std::span<const std::uint8_t> frame) noexcept {
  const auto present = static_cast<std::uint32_t>(frame.size());
  std::size_t l2 = kEthernetHeaderBytes;
  if (frame.size() < l2) return present;
  std::uint16_t ether_type = loadBe16(frame.data() + kEtherTypeOffset);
  // Up to two 802.1Q / 802.1ad tags (Linux keeps the tag in the frame when En = 3).
  for (int tags = 0; tags < 2 && (ether_type == kEtherTypeVlan || ether_type == kEtherTypeQinQ);
       ++tags) {
    if (frame.size() < l2 + kVlanTagBytes) return present;
    ether_type = loadBe16(frame.data() + l2 + 2);
    l2 += kVlanTagBytes;
  }
  std::uint64_t claimed = 0;
  if (ether_type == kEtherTypeIpv4 && frame.size() >= l2 + 20) {
    claimed = l2 + loadBe16(frame.data() + l2 + 2);
  } else if (ether_type == kEtherTypeIpv6 && frame.size() >= l2 + 40) {
    claimed = l2 + 40 + loadBe16(frame.data() + l2 + 4);
  }
  return claimed > present ? static_cast<std::uint32_t>(claimed) : present;
}

Collector::Collector(const CollectorConfig& config)
    : config_(config), sessions_(config.max_sessions) {}

std::expected<std::unique_ptr<Collector>, std::string> Collector::create(
    const CollectorConfig& config, LogFn log, std::uint64_t now_ns) {
  std::unique_ptr<Collector> c(new Collector(config));
  if (!config.inner_filter.empty()) {
    auto filter = InnerFilter::compile(config.inner_filter, config.snap_len_bytes);
    if (!filter) return std::unexpected(filter.error());
    c->filter_ = std::move(*filter);
  }
  if (!config.tap_name.empty()) {
    auto tap = TapWriter::open(config.tap_name);
    if (!tap) return std::unexpected(tap.error());
    c->tap_ = std::move(*tap);
  }
  if (!config.write_pattern.empty()) {
    auto outputs = OutputSet::create(c->config_, c->sessions_, std::move(log), now_ns);
    if (!outputs) return std::unexpected(outputs.error());
    c->outputs_ = std::move(*outputs);
  }
  return c;
}

Expected<DecapView, DecapError> Collector::decapsulate(
    std::span<const std::uint8_t> data) noexcept {
  switch (link_type_) {
    case DLT_EN10MB:
      return decapsulateFrame(data, config_.udp_ports);
    case DLT_RAW:
    case DLT_IPV4:
    case DLT_IPV6:
    case 101:  // LINKTYPE_RAW as stored in files
      return decapsulateIp(data, config_.udp_ports);
    case DLT_LINUX_SLL:
      if (data.size() < kSllHeaderBytes) return makeUnexpected(DecapError::kTruncatedEthernet);
      return decapsulateIp(data.subspan(kSllHeaderBytes), config_.udp_ports);
    case DLT_LINUX_SLL2:
      if (data.size() < kSll2HeaderBytes) return makeUnexpected(DecapError::kTruncatedEthernet);
      return decapsulateIp(data.subspan(kSll2HeaderBytes), config_.udp_ports);
    case DLT_NULL:
    case DLT_LOOP:
      if (data.size() < kNullHeaderBytes) return makeUnexpected(DecapError::kTruncatedEthernet);
      return decapsulateIp(data.subspan(kNullHeaderBytes), config_.udp_ports);
    default:
      return makeUnexpected(DecapError::kNotIp);
  }
}

bool Collector::accepted(const SessionKey& key) noexcept {
  if (!config_.allow.empty()) {
    bool allowed = false;
    for (const Cidr& cidr : config_.allow)
      allowed = allowed || cidr.contains(key.ipv6, key.exporter);
    if (!allowed) {
      ++counters_.rejected_exporter;
      return false;
    }
  }
  if (!config_.sessions.empty()) {
    bool selected = false;
    for (const auto& sel : config_.sessions) selected = selected || selectorMatches(sel, key);
    if (!selected) {
      ++counters_.session_filtered;
      return false;
    }
  }
  return true;
}

void Collector::processFrame(const io::CapturedFrame& frame) noexcept {
  ++counters_.frames_read;
  last_arrival_ns_ = frame.timestamp_ns;
  counters_.bytes_read += frame.data.size();
  if (!link_supported_) {
    ++counters_.unsupported_link_type;
    return;
  }
  auto view = decapsulate(frame.data);
  if (!view) {
    ++counters_.not_ours[static_cast<std::size_t>(view.error())];
    return;
  }
  ++counters_.decapsulated;
  countOverlay(*view);
  const SessionKey key = SessionKey::of(*view);
  if (!accepted(key)) return;
  Session* session = sessions_.findOrAdd(key);
  if (session == nullptr) {
    ++counters_.session_limit;
    return;
  }
  if (session->packet_count == 0) session->first_ns = frame.timestamp_ns;
  ++session->packet_count;
  session->byte_count += view->frame.size();
  session->last_ns = frame.timestamp_ns;
  session->last_type = view->type;
  std::optional<std::uint64_t> gap;
  if (view->gre_sequence) {
    const bool egress = view->type == ErspanType::kTypeIII && view->direction;
    const SeqResult r = session->seq.observe(egress, *view->gre_sequence);
    if (r.verdict == SeqVerdict::kGap) gap = r.gap_count;
  }
  deliver(*session, *view, frame, gap);
}

void Collector::countOverlay(const DecapView& view) noexcept {
  if (view.tunnel == Tunnel::kVxlan) ++counters_.vxlan;
  if (view.tunnel != Tunnel::kGeneve) return;
  ++counters_.geneve;
  if (view.geneve_options_bytes != 0) ++counters_.geneve_with_options;
  counters_.geneve_option_bytes += view.geneve_options_bytes;
  if (view.geneve_critical) ++counters_.geneve_critical;
}

void Collector::deliver(Session& session, const DecapView& view, const io::CapturedFrame& frame,
                        std::optional<std::uint64_t> gap) noexcept {
  const bool type3 = view.type == ErspanType::kTypeIII;
  if (type3 && view.ft != 0) {
    ++counters_.not_ethernet;  // FT says IP or reserved: never written as Ethernet
    return;
  }
  if (view.frame.size() < kEthernetHeaderBytes) {
    // Its GRE number was accounted above (the exporter did send it), but 0-13 bytes are no
    // Ethernet frame: tshark shows them malformed.
    ++counters_.runt;
    ++session.runt_count;
    return;
  }
  const auto captured = static_cast<std::uint32_t>(view.frame.size());
  // OVS's snaplen cuts after encapsulation (the outer length tells); an exporter that cut before
  // sets T, and the inner IP length tells.
  std::uint32_t original = captured + view.cut_bytes;
  if (view.truncated) original = std::max(original, truncatedOriginalBytes(view.frame));
  if (filter_ && !filter_->matches(view.frame, original)) {
    ++counters_.inner_filtered;
    ++session.filtered_count;
    return;
  }
  OutputFrame out{frame.timestamp_ns,
                  view.frame,
                  original,
                  PacketDirection::kUnknown,
                  type3 && view.bso == static_cast<std::uint8_t>(Bso::kBad),
                  gap};
  if (type3)
    out.direction = view.direction ? PacketDirection::kOutbound : PacketDirection::kInbound;
  if (config_.time_source == TimeSource::kExporter) {
    if (auto t = exporterTimeNs(view, frame.timestamp_ns)) {
      out.timestamp_ns = *t;
    } else {
      ++counters_.exporter_time_missing;
    }
  }
  if (outputs_) {
    const std::uint64_t before = outputs_->counters().written_count;
    outputs_->write(session, out);
    if (outputs_->counters().written_count != before) {
      ++session.written_count;
    } else {
      ++session.dropped_count;
    }
  }
  if (tap_) {
    if (tap_->write(view.frame)) {
      ++counters_.tap_written;
    } else {
      ++counters_.tap_dropped;
    }
  }
}

}  // namespace ovse::erspan::collector
