// From Beast's parsed request to the daemon's transport-independent HttpRequest, and the header
// limit the listener gives Beast's parser: shared by the listener and the REST fuzz target, so
// the fuzzer feeds the handlers exactly what the daemon would.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>

#include "mirror_manager/daemon/http_message.h"

namespace ovse::manager::daemon {

/// The most bytes of request line and headers the listener's parser accepts.
inline constexpr std::uint32_t kHeaderLimitBytes = 16 * 1024;

/// The request as the handlers see it: method, target and body as sent, header names
/// lower-cased (a repeated header keeps its last value). The transport is left at its default;
/// the listener sets it.
HttpRequest toRequest(const boost::beast::http::request<boost::beast::http::string_body>& req);

}  // namespace ovse::manager::daemon
