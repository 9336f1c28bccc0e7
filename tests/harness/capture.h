// PacketCapture: tcpdump writing a pcap inside a network namespace (a sandbox's, or any other),
// read back with tshark (an independent decoder) for assertions.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "harness/process.h"
#include "harness/sandbox.h"

namespace ovse::test {

class PacketCapture {
 public:
  /// Starts `tcpdump -i iface -Q in` (what arrives, not what the host sends) in `host`'s namespace with an optional capture filter and waits
  /// until it listens. Throws std::runtime_error when it does not start.
  PacketCapture(const Sandbox& sandbox, const std::string& host, const std::string& iface,
                std::filesystem::path file, const std::string& filter = "");
  /// The same in network namespace `netns` (for namespaces made by other harnesses).
  PacketCapture(const std::string& netns, const std::string& iface, std::filesystem::path file,
                const std::string& filter = "");
  ~PacketCapture();

  /// Stops the capture (SIGINT, so the file is complete).
  void stop();
  /// tshark's values of `fields` for each packet matching `display_filter`, one row per packet.
  std::vector<std::vector<std::string>> fields(const std::vector<std::string>& fields,
                                               const std::string& display_filter = "");
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  std::filesystem::path log_;
  std::unique_ptr<Background> tcpdump_;
};

}  // namespace ovse::test
