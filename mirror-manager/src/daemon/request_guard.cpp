// Host, Origin and Content-Type checks for TCP requests (see request_guard.h).
#include "mirror_manager/daemon/request_guard.h"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <cctype>

namespace ovse::manager::daemon {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool isIpLiteral(std::string_view host) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(std::string(host), ec);
  return !ec;
}

bool isUnspecified(const std::string& address) {
  boost::system::error_code ec;
  auto a = boost::asio::ip::make_address(address, ec);
  return !ec && a.is_unspecified();
}

// Both sides parsed, so "::1" and "0:0::1" compare equal.
bool sameAddress(std::string_view a, const std::string& b) {
  boost::system::error_code ea, eb;
  auto x = boost::asio::ip::make_address(std::string(a), ea);
  auto y = boost::asio::ip::make_address(b, eb);
  return !ea && !eb && x == y;
}

}  // namespace

std::string hostPart(std::string_view authority) {
  if (authority.starts_with('[')) {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return "";
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':')) return "";
    return lower(authority.substr(1, close - 1));
  }
  std::size_t colon = authority.find(':');
  // An unbracketed IPv6 literal is not a valid Host.
  if (colon != std::string_view::npos && authority.find(':', colon + 1) != std::string_view::npos)
    return "";
  return lower(authority.substr(0, colon));
}

bool hostAllowed(const HostPolicy& policy, std::string_view host) {
  if (host.empty()) return false;
  if (std::find(policy.names.begin(), policy.names.end(), host) != policy.names.end()) return true;
  if (!isIpLiteral(host)) return false;
  return std::any_of(policy.addresses.begin(), policy.addresses.end(), [&](const std::string& a) {
    return isUnspecified(a) || sameAddress(host, a);
  });
}

std::optional<ApiError> guardTcpRequest(const HttpRequest& request, const HostPolicy& policy) {
  const std::string host = request.header("host");
  if (!hostAllowed(policy, hostPart(host))) {
    return ApiError{421,
                    "Host " + (host.empty() ? std::string("(none)") : host) +
                        " is not an address this daemon listens on (see --allow-host)",
                    "",
                    {}};
  }
  if (request.headers.contains("origin")) {
    const std::string origin = request.header("origin");
    std::string_view authority = origin;
    std::size_t scheme = authority.find("://");
    authority =
        scheme == std::string_view::npos ? std::string_view{} : authority.substr(scheme + 3);
    if (!hostAllowed(policy, hostPart(authority)) || hostPart(authority) != hostPart(host)) {
      return ApiError{403, "cross-origin request from " + origin + " refused", "", {}};
    }
  }
  if (!request.body.empty()) {
    std::string type = lower(request.header("content-type"));
    type = type.substr(0, type.find(';'));
    while (!type.empty() && type.back() == ' ') type.pop_back();
    if (type != "application/json") {
      return ApiError{415,
                      "a request body must be sent as Content-Type: application/json, not " +
                          (type.empty() ? std::string("(none)") : type),
                      "",
                      {}};
    }
  }
  return std::nullopt;
}

}  // namespace ovse::manager::daemon
