// GreSender: one raw IPPROTO_GRE (or IPPROTO_UDP) socket per collector, a ring of fixed slots and
// sendmmsg batches.
// Why not IP_HDRINCL / IPPROTO_RAW with our own header: Linux routes header-included packets with
// FLOWI_FLAG_KNOWN_NH, which disables the route cache for on-link destinations, so every packet
// allocated and RCU-freed a dst entry (measured: ~3.3 µs of CPU per packet on a veth).
#include "erspan/io/gre_sender.h"

#include <linux/filter.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "erspan/io/sockaddr.h"
#include "erspan/ip.h"

namespace ovse::erspan::io {
namespace {


// Outer header fields as socket options; returns the failing option's name, or nullptr.
// IP_RECVERR / IPV6_RECVERR: without it Linux reports a packet the device path dropped (a qdisc,
// an egress hook: ENOBUFS) to raw and UDP sockets as sent (measured: an nftables egress drop was
// counted in `sent`); with it the send fails and the packet is counted as an error.
const char* setHeaderOptions(int fd, const GreSenderConfig& c) {
  const int tos = c.dscp << 2;
  const int ttl = c.ttl;
  const int on = 1;
  if (c.remote.version == IpVersion::kV4) {
    const int pmtu = IP_PMTUDISC_DO;  // DF set; too big is EMSGSIZE, never a fragment
    if (setsockopt(fd, IPPROTO_IP, IP_RECVERR, &on, sizeof on) != 0) return "IP_RECVERR";
    if (setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof tos) != 0) return "IP_TOS";
    if (setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl) != 0) return "IP_TTL";
    if (setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof pmtu) != 0) {
      return "IP_MTU_DISCOVER";
    }
    return nullptr;
  }
  if (setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof on) != 0) return "IPV6_RECVERR";
  if (setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof tos) != 0) return "IPV6_TCLASS";
  if (setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof ttl) != 0) {
    return "IPV6_UNICAST_HOPS";
  }
  if (setsockopt(fd, IPPROTO_IPV6, IPV6_DONTFRAG, &on, sizeof on) != 0) return "IPV6_DONTFRAG";
  return nullptr;
}

// The socket would also receive every GRE (UDP) packet arriving at this host: drop them all in the
// kernel (a one-instruction "return 0" classic BPF program).
void refuseInput(int fd) {
  sock_filter drop_all{BPF_RET | BPF_K, 0, 0, 0};
  sock_fprog program{1, &drop_all};
  (void)setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program);
  const int small = 1;
  (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
}

}  // namespace

std::expected<std::unique_ptr<GreSender>, std::string> GreSender::open(
    const GreSenderConfig& config) {
  const std::string who = "--remote " + toString(config.remote);
  const int family = config.remote.version == IpVersion::kV4 ? AF_INET : AF_INET6;
  const int fd = socket(family, SOCK_RAW | SOCK_CLOEXEC, config.ip_protocol);
  if (fd < 0) {
    return std::unexpected(who + ": raw IP protocol " + std::to_string(config.ip_protocol) +
                           " socket: " + std::strerror(errno) + " (needs CAP_NET_RAW)");
  }
  std::string error;
  if (const char* option = setHeaderOptions(fd, config)) {
    error = who + ": " + option + ": " + std::strerror(errno);
  }
  sockaddr_storage local;
  if (error.empty() && config.source &&
      bind(fd, reinterpret_cast<sockaddr*>(&local), toSockaddr(*config.source, 0, local)) != 0) {
    error = "--source " + toString(*config.source) + ": " + std::strerror(errno);
  }
  if (!error.empty()) {
    close(fd);
    return std::unexpected(error);
  }
  refuseInput(fd);
  // Best effort: a bigger send buffer absorbs bursts; the default still works.
  (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &config.send_buffer_bytes,
                   sizeof config.send_buffer_bytes);
  return std::unique_ptr<GreSender>(new GreSender(fd, config));
}

GreSender::GreSender(int fd, const GreSenderConfig& config)
    : fd_(fd),
      name_(toString(config.remote)),
      slot_bytes_(config.max_packet_bytes),
      batch_count_(config.batch_count == 0 ? 1 : config.batch_count),
      ip_header_bytes_(config.remote.version == IpVersion::kV4 ? kIpv4HeaderBytes
                                                               : kIpv6HeaderBytes),
      skipped_bytes_(config.link_header_bytes + ip_header_bytes_),
      buffers_(batch_count_ * slot_bytes_),
      iovecs_(batch_count_),
      messages_(batch_count_) {
  remote_len_ = toSockaddr(config.remote, 0, remote_);
  for (std::size_t i = 0; i < batch_count_; ++i) {
    iovecs_[i].iov_base = buffers_.data() + i * slot_bytes_ + skipped_bytes_;
    messages_[i].msg_hdr.msg_iov = &iovecs_[i];
    messages_[i].msg_hdr.msg_iovlen = 1;
    messages_[i].msg_hdr.msg_name = &remote_;
    messages_[i].msg_hdr.msg_namelen = remote_len_;
  }
}

GreSender::~GreSender() {
  flush();
  close(fd_);
}

std::span<std::uint8_t> GreSender::slot() noexcept {
  if (queued_ == batch_count_) flush();
  return {buffers_.data() + queued_ * slot_bytes_, slot_bytes_};
}

void GreSender::commit(std::size_t bytes, std::uint64_t /*timestamp_ns*/) noexcept {
  // The slot holds a whole IP packet (after any link header); the kernel writes the IP header.
  iovecs_[queued_].iov_len = bytes > skipped_bytes_ ? bytes - skipped_bytes_ : 0;
  ++queued_;
  if (queued_ == batch_count_) flush();
}

void GreSender::flush() noexcept {
  std::size_t next = 0;
  while (next < queued_) {
    const int sent = sendmmsg(fd_, &messages_[next], static_cast<unsigned>(queued_ - next), 0);
    if (sent < 0) {
      if (errno == EINTR) continue;
      // The message at `next` failed; count it and carry on with the rest of the batch.
      countError(stats_, errno);
      ++next;
      continue;
    }
    for (int i = 0; i < sent; ++i)
      stats_.sent_bytes += iovecs_[next + i].iov_len + ip_header_bytes_;
    stats_.sent_count += static_cast<std::uint64_t>(sent);
    next += static_cast<std::size_t>(sent);
  }
  queued_ = 0;
}

}  // namespace ovse::erspan::io
