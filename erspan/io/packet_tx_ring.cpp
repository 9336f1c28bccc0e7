// PacketTxRing: a TPACKET_V2 TX ring of fixed frames. Frames are filled in order; send() with
// MSG_DONTWAIT kicks the kernel, then each handed-over frame's status says what became of it.
#include "erspan/io/packet_tx_ring.h"

#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

namespace ovse::erspan::io {
namespace {

// Where a TX frame's packet starts: right after the (aligned) tpacket2_hdr.
constexpr std::size_t kDataOffset = TPACKET_ALIGN(sizeof(tpacket2_hdr));
constexpr std::size_t kBlockBytes = 128 << 10;
constexpr std::size_t kRingBytes = 4 << 20;
constexpr std::size_t kBatchFrames = 256;  // frames queued before a send()
constexpr int kFrameWaitMs = 100;          // a frame still in flight after this is given up
constexpr int kSendBufferBytes = 4 << 20;
constexpr std::uint32_t kBusy = TP_STATUS_SEND_REQUEST | TP_STATUS_SENDING;

tpacket2_hdr* header(std::uint8_t* frame) { return reinterpret_cast<tpacket2_hdr*>(frame); }

std::uint32_t status(std::uint8_t* frame) {
  return std::atomic_ref<std::uint32_t>(header(frame)->tp_status).load(std::memory_order_acquire);
}
void setStatus(std::uint8_t* frame, std::uint32_t value) {
  std::atomic_ref<std::uint32_t>(header(frame)->tp_status).store(value, std::memory_order_release);
}

}  // namespace

std::expected<std::unique_ptr<PacketTxRing>, std::string> PacketTxRing::open(
    int ifindex, const std::string& interface, std::size_t max_frame_bytes) {
  const std::string who = "link " + interface;
  const int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);  // protocol 0: receives nothing
  if (fd < 0) return std::unexpected(who + ": packet socket: " + std::strerror(errno));
  auto fail = [&](const char* step) {
    std::string error = who + ": " + step + ": " + std::strerror(errno);
    close(fd);
    return std::unexpected(error);
  };
  const int version = TPACKET_V2;
  if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &version, sizeof version) != 0) {
    return fail("PACKET_VERSION");
  }
  const std::size_t frame_bytes = TPACKET_ALIGN(kDataOffset + max_frame_bytes);
  if (frame_bytes > kBlockBytes) {
    errno = EMSGSIZE;
    return fail("frame size");
  }
  tpacket_req req{};
  req.tp_block_size = kBlockBytes;
  req.tp_block_nr = kRingBytes / kBlockBytes;
  req.tp_frame_size = static_cast<unsigned>(frame_bytes);
  req.tp_frame_nr = static_cast<unsigned>(kBlockBytes / frame_bytes * req.tp_block_nr);
  if (setsockopt(fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof req) != 0) {
    return fail("PACKET_TX_RING");
  }
  (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &kSendBufferBytes, sizeof kSendBufferBytes);
  sockaddr_ll address{};
  address.sll_family = AF_PACKET;
  address.sll_ifindex = ifindex;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return fail("bind");
  const std::size_t ring_bytes = std::size_t{req.tp_block_size} * req.tp_block_nr;
  void* ring = mmap(nullptr, ring_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (ring == MAP_FAILED) return fail("mmap");
  return std::unique_ptr<PacketTxRing>(new PacketTxRing(
      fd, ifindex, who,
      {static_cast<std::uint8_t*>(ring), ring_bytes, req.tp_block_size, frame_bytes,
       kBlockBytes / frame_bytes, req.tp_frame_nr},
      max_frame_bytes));
}

PacketTxRing::PacketTxRing(int fd, int ifindex, std::string name, Layout layout,
                           std::size_t max_frame_bytes)
    : fd_(fd),
      ifindex_(ifindex),
      name_(std::move(name)),
      layout_(layout),
      max_frame_bytes_(max_frame_bytes),
      spare_(max_frame_bytes) {}

PacketTxRing::~PacketTxRing() {
  flush();
  munmap(layout_.ring, layout_.ring_bytes);
  close(fd_);
}

// A frame is free once the kernel has released it (the packet left or was dropped). With the
// qdisc draining normally that is at once; a stuck link is waited for, then given up on.
bool PacketTxRing::waitForFrame(std::uint8_t* f) noexcept {
  if ((status(f) & kBusy) == 0) return true;
  flush();
  for (int waited = 0; (status(f) & kBusy) != 0; waited += 10) {
    if (waited >= kFrameWaitMs) return false;
    pollfd p{fd_, POLLOUT, 0};
    (void)poll(&p, 1, 10);
  }
  return true;
}

std::span<std::uint8_t> PacketTxRing::slot() noexcept {
  if (!waitForFrame(frame(head_))) {
    discard_next_ = true;
    return spare_;
  }
  return {frame(head_) + kDataOffset, max_frame_bytes_};
}

void PacketTxRing::commit(std::size_t bytes, std::uint64_t /*timestamp_ns*/) noexcept {
  if (discard_next_) {
    discard_next_ = false;
    countError(stats_, ENOBUFS);
    return;
  }
  std::uint8_t* f = frame(head_);
  header(f)->tp_len = static_cast<std::uint32_t>(bytes);
  setStatus(f, TP_STATUS_SEND_REQUEST);
  head_ = head_ + 1 == layout_.frame_count ? 0 : head_ + 1;
  if (++pending_ == kBatchFrames) flush();
}

void PacketTxRing::flush() noexcept {
  if (pending_ == 0) return;
  int send_errno = 0;
  if (send(fd_, nullptr, 0, MSG_DONTWAIT) < 0) send_errno = errno;
  // Frames the kernel did not take (socket buffer full): once more, waiting this time.
  const std::size_t last = head_ == 0 ? layout_.frame_count - 1 : head_ - 1;
  if ((status(frame(last)) & TP_STATUS_SEND_REQUEST) != 0) {
    send_errno = send(fd_, nullptr, 0, 0) < 0 ? errno : 0;
  }
  settle(send_errno);
}

// Counts what became of the frames handed over since the last settle.
void PacketTxRing::settle(int send_errno) noexcept {
  std::size_t index = (head_ + layout_.frame_count - pending_) % layout_.frame_count;
  for (; pending_ > 0; --pending_, index = index + 1 == layout_.frame_count ? 0 : index + 1) {
    std::uint8_t* f = frame(index);
    const std::uint32_t s = status(f);
    if ((s & TP_STATUS_WRONG_FORMAT) != 0 || (s & TP_STATUS_SEND_REQUEST) != 0) {
      countError(stats_, (s & TP_STATUS_WRONG_FORMAT) != 0 ? EINVAL
                         : send_errno != 0                 ? send_errno
                                                           : EIO);
      setStatus(f, TP_STATUS_AVAILABLE);
      continue;
    }
    ++stats_.sent_count;
    stats_.sent_bytes += header(f)->tp_len;
  }
}

}  // namespace ovse::erspan::io
