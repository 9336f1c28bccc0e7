// GreSender: one IPPROTO_RAW socket per collector (the packet carries its own IPv4/IPv6 header,
// so DF, DSCP, TTL and the flow label are ours), a ring of fixed slots and sendmmsg batches.
#include "erspan/io/gre_sender.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ovse::erspan::io {

std::expected<std::unique_ptr<GreSender>, std::string> GreSender::open(
    const GreSenderConfig& config) {
  const int family = config.remote.version == IpVersion::kV4 ? AF_INET : AF_INET6;
  // IPPROTO_RAW implies "header included" for both families on Linux and never receives, so no
  // receive queue fills up with other GRE traffic.
  const int fd = socket(family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
  if (fd < 0) {
    return std::unexpected("--remote " + toString(config.remote) +
                           ": raw socket: " + std::strerror(errno) + " (needs CAP_NET_RAW)");
  }
  // Best effort: a bigger send buffer absorbs bursts; the default still works.
  (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &config.send_buffer_bytes,
                   sizeof config.send_buffer_bytes);
  if (family == AF_INET6) {
    // The kernel must never fragment our packets: too big is EMSGSIZE, counted.
    const int on = 1;
    (void)setsockopt(fd, IPPROTO_IPV6, IPV6_DONTFRAG, &on, sizeof on);
  }
  return std::unique_ptr<GreSender>(new GreSender(fd, config));
}

GreSender::GreSender(int fd, const GreSenderConfig& config)
    : fd_(fd),
      name_(toString(config.remote)),
      slot_bytes_(config.max_packet_bytes),
      batch_count_(config.batch_count == 0 ? 1 : config.batch_count),
      buffers_(batch_count_ * slot_bytes_),
      iovecs_(batch_count_),
      messages_(batch_count_) {
  if (config.remote.version == IpVersion::kV4) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&remote_);
    sin->sin_family = AF_INET;
    std::memcpy(&sin->sin_addr, config.remote.bytes.data(), 4);
    remote_len_ = sizeof(sockaddr_in);
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&remote_);
    sin6->sin6_family = AF_INET6;
    std::memcpy(&sin6->sin6_addr, config.remote.bytes.data(), 16);
    remote_len_ = sizeof(sockaddr_in6);
  }
  for (std::size_t i = 0; i < batch_count_; ++i) {
    iovecs_[i].iov_base = buffers_.data() + i * slot_bytes_;
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
  iovecs_[queued_].iov_len = bytes;
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
    for (int i = 0; i < sent; ++i) stats_.sent_bytes += iovecs_[next + i].iov_len;
    stats_.sent_count += static_cast<std::uint64_t>(sent);
    next += static_cast<std::size_t>(sent);
  }
  queued_ = 0;
}

}  // namespace ovse::erspan::io
