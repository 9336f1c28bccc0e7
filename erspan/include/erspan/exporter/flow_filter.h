// pktcap-uw style flow-filter flags (--srcmac, --srcip, --proto, --vxlan, ...) validated and
// turned into one libpcap filter expression. Pure: no libpcap here; io/bpf_filter compiles it.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>

namespace ovse::erspan::exporter {

/// The flags as the user typed them; an empty optional is "not given". Values are validated by
/// `buildFilterExpression`, so the CLI can pass them through untouched.
struct FlowFilterSpec {
  std::optional<std::string> src_mac;   ///< --srcmac aa:bb:cc:dd:ee:ff
  std::optional<std::string> dst_mac;   ///< --dstmac
  std::optional<std::string> mac;       ///< --mac: source or destination
  std::optional<std::string> ethtype;   ///< --ethtype 0x0800 | 2048 | ipv4 | ipv6 | arp
  std::optional<std::string> vlan;      ///< --vlan 0..4095: 802.1Q VID (the rest match inside it)
  std::optional<std::string> src_ip;    ///< --srcip IPv4/IPv6 address or CIDR
  std::optional<std::string> dst_ip;    ///< --dstip
  std::optional<std::string> ip;        ///< --ip: source or destination
  std::optional<std::string> proto;     ///< --proto tcp|udp|icmp|icmp6|sctp|gre|0..255|0x..
  std::optional<std::string> src_port;  ///< --srcport 0..65535 (TCP, UDP, SCTP)
  std::optional<std::string> dst_port;  ///< --dstport
  std::optional<std::string> tcp_port;  ///< --tcpport: TCP source or destination
  std::optional<std::string> vxlan;     ///< --vxlan VNI 0..16777215 (UDP 4789 or 8472)
  std::optional<std::string> bpf;       ///< --filter: a raw libpcap expression, ANDed in
};

/// A flag value that is not acceptable: `flag` ("--srcip"), the `value` given and the `reason`.
struct FilterError {
  std::string flag;
  std::string value;
  std::string reason;
  /// "--srcip 10.0.0.300: not an IPv4/IPv6 address or CIDR".
  [[nodiscard]] std::string message() const { return flag + " " + value + ": " + reason; }
};

/// Validates every flag of `spec` and returns one libpcap expression that matches what all of
/// them match (an empty string when no flag is given). `--vlan` comes first because libpcap's
/// `vlan` keyword moves the offsets of everything after it into the tag.
[[nodiscard]] std::expected<std::string, FilterError> buildFilterExpression(
    const FlowFilterSpec& spec);

/// Parses a MAC address "aa:bb:cc:dd:ee:ff" (also '-' separated); nullopt when malformed.
[[nodiscard]] std::optional<std::string> normalizeMac(const std::string& text);

/// Parses an address or CIDR (IPv4 or IPv6) and returns libpcap's form: "host A" or "net A/len"
/// with host bits cleared; nullopt when malformed or the prefix is out of range.
[[nodiscard]] std::optional<std::string> ipMatchTerm(const std::string& text);

/// Parses an unsigned integer (decimal, or hex with 0x) no larger than `max`.
[[nodiscard]] std::optional<std::uint64_t> parseUnsigned(const std::string& text,
                                                         std::uint64_t max);

}  // namespace ovse::erspan::exporter
