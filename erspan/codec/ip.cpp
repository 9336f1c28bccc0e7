// RFC 1071 ones' complement sum over big-endian 16-bit words (IPv4 header checksum).
#include "erspan/ip.h"

#include "erspan/bytes.h"

namespace ovse::erspan {

std::uint32_t onesComplementSum(std::span<const std::uint8_t> bytes, std::uint32_t sum) noexcept {
  std::size_t i = 0;
  for (; i + 1 < bytes.size(); i += 2) sum += loadBe16(bytes.data() + i);
  if (i < bytes.size()) sum += std::uint32_t{bytes[i]} << 8;
  // Fold now so long inputs cannot overflow the caller's later additions.
  sum = (sum & 0xFFFF) + (sum >> 16);
  return (sum & 0xFFFF) + (sum >> 16);
}

}  // namespace ovse::erspan
