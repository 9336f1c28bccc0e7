// PacketTxRing: a TPACKET_V2 TX ring of fixed frames. Frames are filled in order; send() with
// MSG_DONTWAIT kicks the kernel, then each handed-over frame's status says what became of it.
//
// Measured on Linux 6.18: when the device path drops a frame (an egress hook or a qdisc: send()
// fails with ENOBUFS), the kernel stops on that frame, hands it back as SEND_REQUEST and keeps its
// own head there; the next send() transmits it again and goes on. A frame must therefore never be
// reset to AVAILABLE by us while the kernel may still own it: the kernel's head would then wait on
// it for good and every later frame would stay queued (one dropped frame cost the rest of the ring).
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
constexpr int kSendAttempts = 4;           // send() calls per flush while frames stay queued
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
  finalFlush();
  munmap(layout_.ring, layout_.ring_bytes);
  close(fd_);
}

// A frame is free once the kernel has released it (the packet left or was dropped). With the
// qdisc draining normally that is at once; a stuck link is waited for, then given up on.
bool PacketTxRing::waitForFrame(std::uint8_t* f) noexcept {
  for (int waited = 0; (status(f) & kBusy) != 0; waited += 10) {
    if (waited >= kFrameWaitMs) return false;
    flush();  // frames the device path handed back go again
    if ((status(f) & kBusy) == 0) break;
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
  if (++pending_ >= kBatchFrames) flush();
}

bool PacketTxRing::lastQueued() const noexcept {
  const std::size_t last = head_ == 0 ? layout_.frame_count - 1 : head_ - 1;
  return (status(frame(last)) & TP_STATUS_SEND_REQUEST) != 0;
}

void PacketTxRing::flush() noexcept {
  if (pending_ == 0) return;
  // The first send() does not wait; frames the kernel did not take (a full socket buffer, or a
  // frame the device path dropped and handed back) are sent again, waiting this time.
  for (int attempt = 0; attempt < kSendAttempts && lastQueued(); ++attempt) {
    (void)send(fd_, nullptr, 0, attempt == 0 ? MSG_DONTWAIT : 0);
  }
  settle();
}

void PacketTxRing::finalFlush() noexcept {
  for (int waited = 0;; waited += 10) {
    flush();
    if (pending_ == 0 || waited >= kFrameWaitMs) break;
    pollfd p{fd_, POLLOUT, 0};
    (void)poll(&p, 1, 10);
  }
  // Given up: the ring is about to go, so its frames are nobody's any more.
  for (; pending_ > 0; --pending_) countError(stats_, ENOBUFS);
}

// Counts, oldest first, the frames the kernel has released since the last settle; stops at the
// first one it still owns (queued or in flight), which a later flush sends.
void PacketTxRing::settle() noexcept {
  std::size_t index = (head_ + layout_.frame_count - pending_) % layout_.frame_count;
  for (; pending_ > 0; --pending_, index = index + 1 == layout_.frame_count ? 0 : index + 1) {
    std::uint8_t* f = frame(index);
    if ((status(f) & kBusy) != 0) return;
    ++stats_.sent_count;
    stats_.sent_bytes += header(f)->tp_len;
  }
}

}  // namespace ovse::erspan::io
