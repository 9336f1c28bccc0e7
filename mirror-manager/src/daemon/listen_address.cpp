// Parsing of --listen (see listen_address.h).
#include "mirror_manager/daemon/listen_address.h"

#include <charconv>

namespace ovse::manager::daemon {

std::expected<ListenAddress, std::string> parseListenAddress(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return std::unexpected("--listen " + std::string(text) + ": " + why);
  };
  std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad("expected ADDR:PORT");
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
  return ListenAddress{std::string(host), static_cast<std::uint16_t>(port)};
}

}  // namespace ovse::manager::daemon
