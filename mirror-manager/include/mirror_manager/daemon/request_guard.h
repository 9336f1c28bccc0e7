// Checks on requests that arrive over TCP, where a browser on the host (or one tricked by DNS
// rebinding) could reach the daemon: the Host header must name the address the daemon listens
// on, an Origin must be that same host, and a body must be declared JSON (no "simple" form or
// text/plain cross-site POST). Pure; the API applies it before authentication.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mirror_manager/daemon/api_error.h"
#include "mirror_manager/daemon/http_message.h"

namespace ovse::manager::daemon {

/// The host names a TCP request may carry in Host and Origin.
struct HostPolicy {
  /// Addresses the listeners are bound to (no brackets). An unspecified address (0.0.0.0, ::)
  /// accepts any IP literal, as the host has many.
  std::vector<std::string> addresses;
  /// Names that are accepted as well (--allow-host), e.g. the host's DNS name. "localhost" is
  /// added by the daemon when it listens on loopback.
  std::vector<std::string> names;
};

/// The host part of a Host header or an Origin's authority, lower-cased, without port and
/// brackets: "[::1]:8470" → "::1", "Example.ORG" → "example.org". "" when malformed.
std::string hostPart(std::string_view authority);

/// True when `host` (as hostPart returns it) is allowed by `policy`.
bool hostAllowed(const HostPolicy& policy, std::string_view host);

/// Why `request` is refused (421 for a foreign Host, 403 for a foreign Origin, 415 for a body
/// that is not declared JSON), or nullopt when it may go on.
std::optional<ApiError> guardTcpRequest(const HttpRequest& request, const HostPolicy& policy);

}  // namespace ovse::manager::daemon
