// The daemon's listeners and API settings (see serve_settings.h).
#include "serve_settings.h"

#include <boost/asio/ip/address.hpp>

#include "mirror_manager/daemon/auth.h"
#include "mirror_manager/daemon/request_guard.h"
#include "web_root.h"

namespace ovse::manager::daemon {

namespace asio = boost::asio;

std::expected<std::pair<std::vector<ListenAddress>, ApiOptions>, std::string> httpSettings(
    const ServeOptions& options) {
  std::vector<ListenAddress> listeners;
  ApiOptions api;
  bool tcp = false;
  for (const auto& text : options.listen) {
    if (text.empty()) continue;
    auto listen = parseListenAddress(text);
    if (!listen) return std::unexpected(listen.error());
    if (!listen->is_unix) {
      boost::system::error_code ec;
      auto address = asio::ip::make_address(listen->host, ec);
      if (ec)
        return std::unexpected("--listen " + text + ": " + listen->host + " is not an IP address");
      tcp = true;
      api.hosts.addresses.push_back(address.to_string());
      if (address.is_loopback() || address.is_unspecified()) api.hosts.names.push_back("localhost");
    }
    listeners.push_back(*listen);
  }
  for (const auto& name : options.allow_hosts) {
    // A name nothing could match would be stored and ignored: refuse it instead.
    const std::string host = hostPart(name);
    if (host.empty()) return std::unexpected("--allow-host " + name + ": not a host name");
    api.hosts.names.push_back(host);
  }
  if (!options.token_file.empty()) {
    auto token = loadToken(options.token_file);
    if (!token) return std::unexpected(token.error());
    api.token = *token;
  } else if (tcp) {
    // Loopback is no boundary on a shared host: any local user (or a browser page) reaches it.
    return std::unexpected(
        "--listen on TCP needs --token-file (every local user can reach a TCP port, loopback "
        "included); use --listen unix:PATH for access by file mode");
  }
  api.web_root = resolveWebRoot(options.web_root);
  api.ovsdb_remote = options.connect.remote;
  return std::pair{std::move(listeners), std::move(api)};
}

}  // namespace ovse::manager::daemon
