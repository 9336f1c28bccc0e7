// Flow hash of an inner Ethernet frame: the flow's fields gathered into a small key, then FNV-1a
// with a final avalanche (MurmurHash3 fmix32) so that nearby keys land far apart.
#include "erspan/flow_hash.h"

#include <array>
#include <cstddef>
#include <cstring>

#include "erspan/bytes.h"
#include "erspan/ip.h"

namespace ovse::erspan {
namespace {

constexpr std::size_t kMaxTags = 2;
constexpr std::uint8_t kProtoTcp = 6;
constexpr std::uint8_t kProtoUdp = 17;
constexpr std::uint8_t kProtoSctp = 132;
constexpr std::size_t kPortBytes = 4;  // source and destination port, first in TCP/UDP/SCTP

// The fields hashed: at most MACs 12 + type 2 + IPv6 addresses 32 + protocol 1 + ports 4.
class FlowKey {
 public:
  void add(const std::uint8_t* p, std::size_t n) noexcept {
    if (n == 0) return;  // an empty frame's data() may be null, which memcpy must not get
    std::memcpy(bytes_.data() + size_, p, n);
    size_ += n;
  }
  [[nodiscard]] std::uint32_t hash() const noexcept {
    std::uint32_t h = 2166136261u;  // FNV-1a offset basis
    for (std::size_t i = 0; i < size_; ++i) h = (h ^ bytes_[i]) * 16777619u;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    return h ^ (h >> 16);
  }

 private:
  std::array<std::uint8_t, 64> bytes_{};
  std::size_t size_ = 0;
};

bool isTag(std::uint16_t type) noexcept {
  return type == kEtherTypeVlan || type == kEtherTypeQinQ || type == kEtherTypeQinQOld;
}

bool carriesPorts(std::uint8_t proto) noexcept {
  return proto == kProtoTcp || proto == kProtoUdp || proto == kProtoSctp;
}

// Adds the IPv4 addresses and protocol, and the ports of an unfragmented TCP/UDP/SCTP packet.
void addIpv4(std::span<const std::uint8_t> ip, FlowKey& key) noexcept {
  if (ip.size() < kIpv4HeaderBytes) return;
  const std::size_t ihl = (ip[0] & 0x0F) * 4u;
  key.add(ip.data() + kIpv4SrcOffset, 8);
  key.add(ip.data() + kIpv4ProtocolOffset, 1);
  const std::uint16_t frag = loadBe16(ip.data() + kIpv4FlagsOffset);
  const bool fragment = (frag & (kIpv4FlagMf | kIpv4FragOffsetMask)) != 0;
  if (!fragment && carriesPorts(ip[kIpv4ProtocolOffset]) && ihl >= kIpv4HeaderBytes &&
      ip.size() >= ihl + kPortBytes) {
    key.add(ip.data() + ihl, kPortBytes);
  }
}

// Adds the IPv6 addresses, next header and, when it is TCP/UDP/SCTP directly, the ports.
void addIpv6(std::span<const std::uint8_t> ip, FlowKey& key) noexcept {
  if (ip.size() < kIpv6HeaderBytes) return;
  key.add(ip.data() + kIpv6SrcOffset, 32);
  const std::uint8_t next = ip[kIpv6NextHeaderOffset];
  key.add(&next, 1);
  if (carriesPorts(next) && ip.size() >= kIpv6HeaderBytes + kPortBytes) {
    key.add(ip.data() + kIpv6HeaderBytes, kPortBytes);
  }
}

}  // namespace

std::uint32_t flowHash(std::span<const std::uint8_t> frame) noexcept {
  FlowKey key;
  if (frame.size() < kEthernetHeaderBytes) {
    key.add(frame.data(), frame.size());
    return key.hash();
  }
  key.add(frame.data(), 12);
  std::size_t at = kEtherTypeOffset;
  std::uint16_t type = loadBe16(frame.data() + at);
  for (std::size_t tags = 0; tags < kMaxTags && isTag(type); ++tags) {
    if (frame.size() < at + kVlanTagBytes + 2) break;
    at += kVlanTagBytes;
    type = loadBe16(frame.data() + at);
  }
  key.add(frame.data() + at, 2);
  const auto payload = frame.subspan(at + 2);
  if (type == kEtherTypeIpv4) addIpv4(payload, key);
  if (type == kEtherTypeIpv6) addIpv6(payload, key);
  return key.hash();
}

}  // namespace ovse::erspan
