// Test helpers: hex strings to bytes and back, for known-answer vectors written as in the specs.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ovse::erspan::test {

/// Parses hex digits, ignoring spaces, '|' and newlines: "10 00 88 be" → {0x10, 0x00, 0x88, 0xbe}.
inline std::vector<std::uint8_t> fromHex(std::string_view text) {
  std::vector<std::uint8_t> out;
  int high = -1;
  for (char ch : text) {
    int nibble = -1;
    if (ch >= '0' && ch <= '9') nibble = ch - '0';
    if (ch >= 'a' && ch <= 'f') nibble = ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') nibble = ch - 'A' + 10;
    if (nibble < 0) continue;
    if (high < 0) {
      high = nibble;
    } else {
      out.push_back(static_cast<std::uint8_t>((high << 4) | nibble));
      high = -1;
    }
  }
  return out;
}

/// Lower-case hex without separators, for readable EXPECT_EQ failures.
inline std::string toHex(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xF]);
  }
  return out;
}

}  // namespace ovse::erspan::test
