// The daemon's --listen values: "unix:PATH" (a unix socket whose file mode decides who may
// connect), "ADDR:PORT" with an IPv4 address, or "[ADDR]:PORT" for IPv6 (TCP: a token is
// required, whatever the address).
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <string>
#include <string_view>

namespace ovse::manager::daemon {

/// Where the daemon's API socket is unless --listen says otherwise, and where the CLI looks
/// for it first.
inline constexpr std::string_view kDefaultSocketPath = "/run/ovs-erspan/api.sock";
/// The default --listen value.
inline constexpr std::string_view kDefaultListen = "unix:/run/ovs-erspan/api.sock";
/// The group that may use the API socket (created by the package).
inline constexpr std::string_view kApiGroup = "ovs-erspan";
/// The token the package generates; the CLI reads it when it can.
inline constexpr std::string_view kDefaultTokenFile = "/etc/ovs-erspan/token";

struct ListenAddress {
  bool is_unix = false;
  std::filesystem::path path;  ///< unix: the socket's path
  std::string host;            ///< TCP: the address without brackets
  std::uint16_t port = 0;      ///< TCP: 0 = an ephemeral port
};

/// Parses "unix:/run/x.sock", "127.0.0.1:8470" or "[::1]:8470"; the port must be 0..65535, a
/// unix path absolute. Errors name the flag and the value. The TCP host is checked to be an
/// address by the caller.
std::expected<ListenAddress, std::string> parseListenAddress(std::string_view text);

}  // namespace ovse::manager::daemon
