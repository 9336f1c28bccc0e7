// Big- and little-endian loads and stores over byte spans: the only way codec code touches wire
// bytes (no bitfields, no packed structs, no reinterpret_cast of packet memory).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace ovse::erspan {

/// Reads a big-endian 16-bit value at `p[0..1]`.
[[nodiscard]] constexpr std::uint16_t loadBe16(const std::uint8_t* p) noexcept {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

/// Reads a big-endian 32-bit value at `p[0..3]`.
[[nodiscard]] constexpr std::uint32_t loadBe32(const std::uint8_t* p) noexcept {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

/// Writes `v` big-endian into `p[0..1]`.
constexpr void storeBe16(std::uint8_t* p, std::uint16_t v) noexcept {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}

/// Writes `v` big-endian into `p[0..3]`.
constexpr void storeBe32(std::uint8_t* p, std::uint32_t v) noexcept {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}

/// Writes `v` little-endian into `p[0..1]` (pcap and pcapng records are written little-endian).
constexpr void storeLe16(std::uint8_t* p, std::uint16_t v) noexcept {
  p[0] = static_cast<std::uint8_t>(v);
  p[1] = static_cast<std::uint8_t>(v >> 8);
}

/// Writes `v` little-endian into `p[0..3]`.
constexpr void storeLe32(std::uint8_t* p, std::uint32_t v) noexcept {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

/// Writes `v` little-endian into `p[0..7]`.
constexpr void storeLe64(std::uint8_t* p, std::uint64_t v) noexcept {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

/// Reads a little-endian 32-bit value at `p[0..3]`.
[[nodiscard]] constexpr std::uint32_t loadLe32(const std::uint8_t* p) noexcept {
  return std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) |
         (std::uint32_t{p[3]} << 24);
}

}  // namespace ovse::erspan
