// CollectorSender: chooses the path per packet, refreshes the link path once a second.
#include "erspan/io/collector_sender.h"

#include <cstring>

#include "erspan/ip.h"

namespace ovse::erspan::io {
namespace {

constexpr auto kRefreshPeriod = std::chrono::seconds(1);

// Adds a link path's counts to `total`, bytes counted from the IP header on as the kernel's path
// counts them.
void addLinkStats(const SinkStats& link, SinkStats& total) {
  total.sent_count += link.sent_count;
  total.sent_bytes += link.sent_bytes - link.sent_count * kEthernetHeaderBytes;
  total.link_sent_count += link.sent_count;
  total.error_count += link.error_count;
  for (std::size_t e = 0; e < kErrnoSlots; ++e) total.errors_by_errno[e] += link.errors_by_errno[e];
}

}  // namespace

std::expected<std::unique_ptr<CollectorSender>, std::string> CollectorSender::open(
    GreSenderConfig config, SendPath path) {
  config.link_header_bytes = kEthernetHeaderBytes;
  config.max_packet_bytes += kEthernetHeaderBytes;
  auto kernel = GreSender::open(config);
  if (!kernel) return std::unexpected(kernel.error());
  std::unique_ptr<CollectorSender> sender(
      new CollectorSender(std::move(*kernel), config.remote, path));
  sender->refreshPath();
  return sender;
}

CollectorSender::CollectorSender(std::unique_ptr<GreSender> kernel, IpAddress remote,
                                 SendPath path)
    : kernel_(std::move(kernel)), remote_(remote), allowed_(path) {}

CollectorSender::~CollectorSender() { flush(); }

void CollectorSender::refreshPath() noexcept {
  next_refresh_ = std::chrono::steady_clock::now() + kRefreshPeriod;
  kernel_turn_ = true;
  if (allowed_ == SendPath::kKernel) return;
  link_ = ethernetPathTo(remote_);
  if (ring_ && (!link_ || ring_->ifindex() != link_->ifindex)) {
    ring_->finalFlush();
    addLinkStats(ring_->stats(), retired_link_);
    if (current_ == ring_.get()) current_ = nullptr;
    ring_.reset();
  }
  if (link_ && !ring_) {
    auto ring = PacketTxRing::open(link_->ifindex, link_->interface, maxPacketBytes());
    if (ring) {
      ring_ = std::move(*ring);
    } else {
      link_.reset();  // no ring (a tiny MTU, a missing capability): the kernel's path it is
    }
  }
}

std::span<std::uint8_t> CollectorSender::slot() noexcept {
  PacketSink* target = ring_ && !kernel_turn_ ? static_cast<PacketSink*>(ring_.get())
                                              : static_cast<PacketSink*>(kernel_.get());
  if (current_ != nullptr && current_ != target) current_->flush();  // keep packets in order
  current_ = target;
  auto s = target->slot();
  current_slot_ = s.data();
  return s;
}

void CollectorSender::commit(std::size_t bytes, std::uint64_t timestamp_ns) noexcept {
  if (current_ == ring_.get()) {
    std::memcpy(current_slot_, link_->dst_mac.data(), 6);
    std::memcpy(current_slot_ + 6, link_->src_mac.data(), 6);
  } else {
    kernel_turn_ = false;
  }
  current_->commit(bytes, timestamp_ns);
}

void CollectorSender::finalFlush() noexcept {
  kernel_->finalFlush();
  if (ring_) ring_->finalFlush();
}

void CollectorSender::flush() noexcept {
  kernel_->flush();
  if (ring_) ring_->flush();
  if (std::chrono::steady_clock::now() >= next_refresh_) refreshPath();
}

const SinkStats& CollectorSender::stats() const noexcept {
  merged_ = kernel_->stats();
  addLinkStats(retired_link_, merged_);
  if (ring_) addLinkStats(ring_->stats(), merged_);
  return merged_;
}

}  // namespace ovse::erspan::io
