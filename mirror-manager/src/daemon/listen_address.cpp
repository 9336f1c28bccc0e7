// Parsing of --listen (see listen_address.h).
#include "mirror_manager/daemon/listen_address.h"

#include <charconv>

namespace ovse::manager::daemon {

std::expected<ListenAddress, std::string> parseListenAddress(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return std::unexpected("--listen " + std::string(text) + ": " + why);
  };
  if (text.starts_with("unix:")) {
    std::string_view path = text.substr(5);
    if (!path.starts_with('/')) return bad("the socket path must be absolute");
    // sun_path holds 108 bytes with the terminating NUL.
    if (path.size() > 107) return bad("the socket path is longer than 107 bytes");
    ListenAddress unix_address;
    unix_address.is_unix = true;
    unix_address.path = std::string(path);
    return unix_address;
  }
  std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad("expected unix:PATH or ADDR:PORT");
  std::string_view host = text.substr(0, colon);
  std::string_view port_text = text.substr(colon + 1);
  if (host.starts_with('[')) {
    if (!host.ends_with(']') || host.size() < 3) return bad("unbalanced [ ] around the address");
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return bad("write IPv6 addresses in brackets, e.g. [::1]:8470");
  }
  if (host.empty()) return bad("the address is empty");
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc{} || end != port_text.data() + port_text.size() ||
      port > 65535) {
    return bad("port " + std::string(port_text) + " is not a number in 0..65535");
  }
  ListenAddress tcp;
  tcp.host = std::string(host);
  tcp.port = static_cast<std::uint16_t>(port);
  return tcp;
}

}  // namespace ovse::manager::daemon
