// Sends encapsulated packets to one collector over a raw IP socket of protocol 47 (GRE) or 17
// (UDP: VXLAN, Geneve), batched with sendmmsg. The pipeline writes whole IP packets (or Ethernet
// frames) into the slots; the kernel builds the outer IP header from socket options (DSCP,
// TTL/hop limit, DF / don't-fragment) and the sender hands it only GRE or UDP onwards. Failures
// are counted by errno, never thrown.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "erspan/io/packet_sink.h"
#include "erspan/io/route_lookup.h"

namespace ovse::erspan::io {

/// Settings of one GreSender.
struct GreSenderConfig {
  IpAddress remote;                     ///< the collector
  std::optional<IpAddress> source;      ///< bind to this local address (outer source)
  std::uint8_t dscp = 0;                ///< outer DSCP
  std::uint8_t ttl = 64;                ///< outer TTL / hop limit
  /// What follows the IP header: 47 (GRE) or 17 (UDP, whose header the pipeline writes with a
  /// per-flow source port; a bound UDP socket would fix one port for every flow).
  std::uint8_t ip_protocol = 47;
  std::size_t batch_count = 64;         ///< packets per sendmmsg call
  std::size_t max_packet_bytes = 9216;  ///< slot: link header, outer IP, GRE, ERSPAN, frame
  std::size_t link_header_bytes = 0;    ///< bytes before the IP header in each slot (ignored)
  int send_buffer_bytes = 4 << 20;      ///< SO_SNDBUF
};

/// A raw-socket sink for one collector.
class GreSender final : public PacketSink {
 public:
  /// Opens the socket (needs CAP_NET_RAW); the error names the remote and errno text.
  [[nodiscard]] static std::expected<std::unique_ptr<GreSender>, std::string> open(
      const GreSenderConfig& config);
  ~GreSender() override;
  GreSender(const GreSender&) = delete;
  GreSender& operator=(const GreSender&) = delete;

  std::span<std::uint8_t> slot() noexcept override;
  void commit(std::size_t bytes, std::uint64_t timestamp_ns) noexcept override;
  void flush() noexcept override;
  [[nodiscard]] const SinkStats& stats() const noexcept override { return stats_; }
  [[nodiscard]] const std::string& name() const noexcept override { return name_; }
  [[nodiscard]] bool outerEthernet() const noexcept override { return false; }
  [[nodiscard]] std::size_t maxPacketBytes() const noexcept override { return slot_bytes_; }

 private:
  GreSender(int fd, const GreSenderConfig& config);

  int fd_;
  std::string name_;
  std::size_t slot_bytes_;
  std::size_t batch_count_;
  std::size_t queued_ = 0;
  std::size_t ip_header_bytes_;  ///< the kernel writes its own
  std::size_t skipped_bytes_;    ///< link header and IP header at the start of each slot
  sockaddr_storage remote_{};
  socklen_t remote_len_ = 0;
  std::vector<std::uint8_t> buffers_;
  std::vector<iovec> iovecs_;
  std::vector<mmsghdr> messages_;
  SinkStats stats_;
};

}  // namespace ovse::erspan::io
