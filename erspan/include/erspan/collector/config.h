// Collector settings as parsed from the command line: input, exporter allow list, session
// selection, inner filter, timestamp source, output pattern and rotation, TAP re-injection.
#pragma once

#include <array>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "erspan/io/safe_file.h"
#include "erspan/udp_tunnel.h"

namespace ovse::erspan::collector {

/// An IPv4 or IPv6 prefix (IPv4 kept in the first 4 bytes of `address`).
struct Cidr {
  bool ipv6 = false;
  std::array<std::uint8_t, 16> address{};
  std::uint8_t prefix_bits = 0;

  /// True when `ip` (same layout as `address`) of the given family lies inside the prefix.
  [[nodiscard]] bool contains(bool ip_is_v6, const std::array<std::uint8_t, 16>& ip) const noexcept;
};

/// Parses "10.0.0.0/8,2001:db8::/32,192.0.2.1" (a bare address is a host prefix). The error
/// names the entry that is wrong.
[[nodiscard]] std::expected<std::vector<Cidr>, std::string> parseCidrList(std::string_view text);

/// One `--session` entry: an ID (ERSPAN session ID or GRE key), optionally of one exporter.
struct SessionSelector {
  bool any_exporter = true;
  bool exporter_v6 = false;
  std::array<std::uint8_t, 16> exporter{};
  std::uint32_t id = 0;
};

/// Parses "123,456,10.0.0.1:7,[2001:db8::1]:9". The error names the entry that is wrong.
[[nodiscard]] std::expected<std::vector<SessionSelector>, std::string> parseSessionList(
    std::string_view text);

/// Which clock stamps the written frames.
enum class TimeSource : std::uint8_t {
  kArrival,   ///< when the collector captured the outer packet (default)
  kExporter,  ///< the Type III timestamp, resolved against arrival; arrival for other types
};

/// Output file format.
enum class OutputFormat : std::uint8_t { kPcapng, kPcap };

/// Everything `mirrorctl collect` configures.
struct CollectorConfig {
  // Input: exactly one of `interface` and `read_path`.
  std::string interface;                             ///< live capture interface
  std::string read_path;                             ///< offline pcap/pcapng of outer packets
  std::uint32_t buffer_bytes = 32u * 1024u * 1024u;  ///< kernel ring for live capture
  std::uint32_t snap_len_bytes = 262144;             ///< outer bytes kept per packet
  bool promiscuous = false;

  /// Exporters accepted. Empty means every exporter only with `allow_any`: runCollector refuses
  /// to start with neither (spoofed sources would each cost a session and a file).
  std::vector<Cidr> allow;
  bool allow_any = false;                 ///< --allow-any: accept every exporter address
  /// UDP destination ports received as VXLAN (--vxlan-port) and Geneve (--geneve-port).
  UdpTunnelPorts udp_ports;
  std::vector<SessionSelector> sessions;  ///< empty = every session kept
  std::string inner_filter;               ///< BPF over the inner Ethernet frame ("" = all)
  TimeSource time_source = TimeSource::kArrival;

  /// Output path or pattern ("" = no file, "-" = pcapng on stdout). Tokens: see output_path.h.
  std::string write_pattern;
  OutputFormat format = OutputFormat::kPcapng;  ///< kPcap when the pattern ends in ".pcap"
  std::uint64_t rotate_bytes = 0;               ///< -C: new file past this size (0 = never)
  std::uint32_t rotate_seconds = 0;             ///< -G: new file after this long (0 = never)
  std::uint32_t max_files = 0;                  ///< -W: keep at most this many files per output
  /// How files are created (io/safe_file.h): an earlier file at a name is renamed aside unless
  /// `overwrite` (--overwrite); confined beneath `dir_fd` when given (the daemon's captures).
  io::FileCreateOptions file_options;
  /// Bytes buffered per output file, and whether one writer thread per collector performs the
  /// writes (overlapping the kernel's copy into the page cache with decapsulation). Replaying a
  /// file wants both (throughput); live capture writes the smallest buffers inline instead.
  std::uint32_t write_buffer_bytes = 1u << 20;
  bool write_behind = true;

  std::string tap_name;               ///< re-inject inner frames into this TAP ("" = none)
  std::uint32_t max_sessions = 4096;  ///< sessions tracked at most (more are counted, dropped)
  /// Capture files open at once (--max-outputs): past it, the least recently written is closed
  /// and its session goes on in a new file on its next frame. Bounds descriptors and buffers.
  std::uint32_t max_outputs = 256;
};

/// Refuses a configuration that trusts no exporter explicitly: neither `allow` nor `allow_any`
/// (the error says which flag to give), or both.
[[nodiscard]] std::expected<void, std::string> checkExporterTrust(const CollectorConfig& config);

/// Upper bounds of --max-outputs and --max-sessions (what stays within the memory goal).
inline constexpr std::uint32_t kMaxOutputsLimit = 4096;
inline constexpr std::uint32_t kMaxSessionsLimit = 16384;

}  // namespace ovse::erspan::collector
