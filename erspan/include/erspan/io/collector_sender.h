// Sends encapsulated packets to one collector by the cheapest way that is correct right now:
// whole Ethernet frames straight to the link (PacketTxRing) while the route's next hop has a
// usable neighbour entry, the kernel's IP stack (GreSender) otherwise. Once a second it asks the
// kernel again for the route and the neighbour (a moved route, a new gateway MAC is followed
// within a second) and sends that second's first packet through the kernel's stack, so the
// kernel keeps verifying the neighbour as it would for its own traffic. Path changes flush what
// is queued on the other path first, so packets keep their order.
#pragma once

#include <chrono>
#include <expected>
#include <memory>
#include <optional>
#include <string>

#include "erspan/io/gre_sender.h"
#include "erspan/io/link_path.h"
#include "erspan/io/packet_tx_ring.h"

namespace ovse::erspan::io {

/// How packets may leave.
enum class SendPath {
  kLink,    ///< straight to the link when the next hop is known, else the kernel's stack
  kKernel,  ///< always the kernel's IP stack (netfilter OUTPUT/POSTROUTING, IPsec apply)
};

class CollectorSender final : public PacketSink {
 public:
  /// `config.max_packet_bytes` is the largest IP packet (the path MTU); slots hold an Ethernet
  /// header before it. The error names the remote and errno text.
  [[nodiscard]] static std::expected<std::unique_ptr<CollectorSender>, std::string> open(
      GreSenderConfig config, SendPath path);
  ~CollectorSender() override;
  CollectorSender(const CollectorSender&) = delete;
  CollectorSender& operator=(const CollectorSender&) = delete;

  std::span<std::uint8_t> slot() noexcept override;
  void commit(std::size_t bytes, std::uint64_t timestamp_ns) noexcept override;
  void flush() noexcept override;
  void finalFlush() noexcept override;
  /// Both paths together; `link_sent_count` is the share that went straight to the link.
  [[nodiscard]] const SinkStats& stats() const noexcept override;
  [[nodiscard]] const std::string& name() const noexcept override { return kernel_->name(); }
  [[nodiscard]] bool outerEthernet() const noexcept override { return true; }
  [[nodiscard]] std::size_t maxPacketBytes() const noexcept override {
    return kernel_->maxPacketBytes();
  }

 private:
  CollectorSender(std::unique_ptr<GreSender> kernel, IpAddress remote, SendPath path);
  void refreshPath() noexcept;

  std::unique_ptr<GreSender> kernel_;
  IpAddress remote_;
  SendPath allowed_;
  std::unique_ptr<PacketTxRing> ring_;  ///< open while `link_` is known
  std::optional<LinkPath> link_;
  PacketSink* current_ = nullptr;  ///< where the slot given out (and the packet before) went
  std::uint8_t* current_slot_ = nullptr;
  bool kernel_turn_ = true;  ///< the next packet goes through the kernel's stack
  std::chrono::steady_clock::time_point next_refresh_{};
  SinkStats retired_link_;  ///< counts of rings closed when the route moved
  mutable SinkStats merged_;
};

}  // namespace ovse::erspan::io
