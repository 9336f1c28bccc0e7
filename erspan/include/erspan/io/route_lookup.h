// Where a collector is reached from: the kernel's choice of source address, the outgoing
// interface and its path MTU (a connected UDP socket asked with getsockname / IP_MTU).
#pragma once

#include <array>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>

#include "erspan/ip.h"

namespace ovse::erspan::io {

/// An IPv4 or IPv6 address in network order (IPv4 in the first 4 bytes).
struct IpAddress {
  IpVersion version = IpVersion::kV4;
  std::array<std::uint8_t, 16> bytes{};
  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

/// Parses "10.0.0.1" or "fd00::1"; nullopt when it is neither.
[[nodiscard]] std::optional<IpAddress> parseIpAddress(const std::string& text);

/// Text form of `address`.
[[nodiscard]] std::string toString(const IpAddress& address);

/// The route the kernel would use towards a destination.
struct Route {
  IpAddress source;             ///< local address the kernel picks
  std::string interface;        ///< interface holding that address ("" when not found)
  std::uint32_t mtu_bytes = 0;  ///< path MTU the kernel knows (interface MTU when no PMTU)
};

/// Looks the route to `destination` up; the error names the destination and errno text.
[[nodiscard]] std::expected<Route, std::string> routeTo(const IpAddress& destination);

/// True when `name` is an interface of this namespace.
[[nodiscard]] bool interfaceExists(const std::string& name);

}  // namespace ovse::erspan::io
