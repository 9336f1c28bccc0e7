// Re-injection of decapsulated frames into a TAP device (/dev/net/tun, IFF_TAP | IFF_NO_PI) so
// that tcpdump, Zeek or Suricata on the analyzer see plain traffic on an ordinary interface.
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <span>
#include <string>

namespace ovse::erspan::collector {

/// An open TAP device, brought up on creation. Not thread-safe.
class TapWriter {
 public:
  /// Creates (or attaches to) TAP device `name` and sets it up. Errors name the device and errno.
  [[nodiscard]] static std::expected<std::unique_ptr<TapWriter>, std::string> open(
      const std::string& name);
  ~TapWriter();
  TapWriter(const TapWriter&) = delete;
  TapWriter& operator=(const TapWriter&) = delete;

  /// Writes one Ethernet frame; false (and counted) when the device would block or failed.
  bool write(std::span<const std::uint8_t> frame) noexcept;

  /// Frames written.
  [[nodiscard]] std::uint64_t writtenCount() const noexcept { return written_count_; }
  /// Frames the device refused (queue full, device down).
  [[nodiscard]] std::uint64_t droppedCount() const noexcept { return dropped_count_; }
  /// The device name.
  [[nodiscard]] const std::string& name() const noexcept { return name_; }

 private:
  TapWriter(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  int fd_;
  std::string name_;
  std::uint64_t written_count_ = 0;
  std::uint64_t dropped_count_ = 0;
};

}  // namespace ovse::erspan::collector
