// readyMirrorPort: /proc/sys for IPv6, SIOCGIFFLAGS / SIOCSIFFLAGS for IFF_UP.
#include "erspan/io/mirror_port.h"

#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace ovse::erspan::io {

std::expected<void, std::string> readyMirrorPort(const std::string& name) {
  std::ofstream("/proc/sys/net/ipv6/conf/" + name + "/disable_ipv6") << "1";
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::unexpected(std::string("socket: ") + std::strerror(errno));
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
  std::string error;
  if (ioctl(fd, SIOCGIFFLAGS, &ifr) != 0) {
    error = "interface " + name + " is not in this network namespace (" + std::strerror(errno) +
            "): run where ovs-vswitchd runs";
  } else if ((ifr.ifr_flags & IFF_UP) == 0) {
    ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
    if (ioctl(fd, SIOCSIFFLAGS, &ifr) != 0) {
      error = "cannot set " + name + " up: " + std::strerror(errno);
    }
  }
  ::close(fd);
  if (!error.empty()) return std::unexpected(error);
  return {};
}

}  // namespace ovse::erspan::io
