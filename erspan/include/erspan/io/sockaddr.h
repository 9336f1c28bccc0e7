// IpAddress (route_lookup.h) → sockaddr, shared by the sockets of the io layer (GRE sender, route lookup).
#pragma once

#include <sys/socket.h>

#include <cstdint>

#include "erspan/io/route_lookup.h"

namespace ovse::erspan::io {

/// Fills `storage` with `address` and `port` (host order); returns the sockaddr's length.
socklen_t toSockaddr(const IpAddress& address, std::uint16_t port, sockaddr_storage& storage);

}  // namespace ovse::erspan::io
