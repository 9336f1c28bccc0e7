// The daemon's --listen value: "ADDR:PORT" with an IPv4 address, or "[ADDR]:PORT" for IPv6.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace ovse::manager::daemon {

/// Where the daemon listens unless --listen says otherwise (loopback: no token needed).
inline constexpr std::string_view kDefaultListen = "127.0.0.1:8470";

struct ListenAddress {
  std::string host;  ///< the address without brackets
  std::uint16_t port = 0;
};

/// Splits "127.0.0.1:8470" / "[::1]:8470"; the port must be 0..65535 (0: ephemeral). Errors name
/// the flag and the value. The host is checked to be an address by the caller.
std::expected<ListenAddress, std::string> parseListenAddress(std::string_view text);

}  // namespace ovse::manager::daemon
