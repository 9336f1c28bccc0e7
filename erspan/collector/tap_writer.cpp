// TapWriter: TUNSETIFF on /dev/net/tun, interface up via SIOCSIFFLAGS, one write per frame.
#include "erspan/collector/tap_writer.h"

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ovse::erspan::collector {
namespace {

std::string errnoText(int err) {
  return std::string(std::strerror(err)) + " (errno " + std::to_string(err) + ")";
}

bool setUp(const std::string& name, std::string& error) {
  const int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0) {
    error = "socket: " + errnoText(errno);
    return false;
  }
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
  bool ok = ioctl(sock, SIOCGIFFLAGS, &ifr) == 0;
  if (ok) {
    ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
    ok = ioctl(sock, SIOCSIFFLAGS, &ifr) == 0;
  }
  if (!ok) error = "cannot set TAP device '" + name + "' up: " + errnoText(errno);
  ::close(sock);
  return ok;
}

}  // namespace

std::expected<std::unique_ptr<TapWriter>, std::string> TapWriter::open(const std::string& name) {
  if (name.empty() || name.size() >= IFNAMSIZ) {
    return std::unexpected("--tap '" + name + "': name must be 1 to 15 characters");
  }
  const int fd = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return std::unexpected("cannot open /dev/net/tun: " + errnoText(errno));
  ifreq ifr{};
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
  if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
    const int err = errno;
    ::close(fd);
    return std::unexpected("cannot create TAP device '" + name + "': " + errnoText(err));
  }
  std::string error;
  if (!setUp(name, error)) {
    ::close(fd);
    return std::unexpected(error);
  }
  return std::unique_ptr<TapWriter>(new TapWriter(fd, name));
}

TapWriter::~TapWriter() { ::close(fd_); }

bool TapWriter::write(std::span<const std::uint8_t> frame) noexcept {
  const ssize_t n = ::write(fd_, frame.data(), frame.size());
  if (n == static_cast<ssize_t>(frame.size())) {
    ++written_count_;
    return true;
  }
  ++dropped_count_;
  return false;
}

}  // namespace ovse::erspan::collector
