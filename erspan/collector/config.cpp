// Parsing of the collector's list flags (--allow CIDRs, --session selectors) and prefix matching.
#include "erspan/collector/config.h"

#include <arpa/inet.h>

#include <charconv>

namespace ovse::erspan::collector {
namespace {

std::vector<std::string_view> splitComma(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    out.push_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

/// Parses an IPv4 or IPv6 address into `out`; returns false when it is neither.
bool parseAddress(std::string_view text, bool& v6, std::array<std::uint8_t, 16>& out) {
  const std::string s(text);
  out.fill(0);
  if (inet_pton(AF_INET, s.c_str(), out.data()) == 1) {
    v6 = false;
    return true;
  }
  if (inet_pton(AF_INET6, s.c_str(), out.data()) == 1) {
    v6 = true;
    return true;
  }
  return false;
}

bool parseUint(std::string_view text, std::uint32_t max, std::uint32_t& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size() && out <= max;
}

}  // namespace

bool Cidr::contains(bool ip_is_v6, const std::array<std::uint8_t, 16>& ip) const noexcept {
  if (ip_is_v6 != ipv6) return false;
  std::uint8_t bits = prefix_bits;
  for (std::size_t i = 0; bits > 0; ++i) {
    const std::uint8_t take = bits >= 8 ? 8 : bits;
    const auto mask = static_cast<std::uint8_t>(0xFF00 >> take);
    if ((ip[i] & mask) != (address[i] & mask)) return false;
    bits = static_cast<std::uint8_t>(bits - take);
  }
  return true;
}

std::expected<std::vector<Cidr>, std::string> parseCidrList(std::string_view text) {
  std::vector<Cidr> out;
  for (std::string_view item : splitComma(text)) {
    const std::string quoted = "'" + std::string(item) + "'";
    const std::size_t slash = item.find('/');
    Cidr cidr;
    if (!parseAddress(item.substr(0, slash), cidr.ipv6, cidr.address)) {
      return std::unexpected("--allow entry " + quoted + " is not an IPv4/IPv6 address or CIDR");
    }
    std::uint32_t bits = cidr.ipv6 ? 128 : 32;
    if (slash != std::string_view::npos &&
        !parseUint(item.substr(slash + 1), cidr.ipv6 ? 128 : 32, bits)) {
      return std::unexpected("--allow entry " + quoted + " has an invalid prefix length");
    }
    cidr.prefix_bits = static_cast<std::uint8_t>(bits);
    out.push_back(cidr);
  }
  if (out.empty()) return std::unexpected(std::string("--allow list is empty"));
  return out;
}

std::expected<std::vector<SessionSelector>, std::string> parseSessionList(std::string_view text) {
  std::vector<SessionSelector> out;
  for (std::string_view item : splitComma(text)) {
    const std::string quoted = "'" + std::string(item) + "'";
    SessionSelector sel;
    std::string_view id = item;
    // "[v6]:id", "v4:id" or "id". A bare IPv6 address without brackets is ambiguous: refuse it.
    const std::size_t colon = item.rfind(':');
    if (colon != std::string_view::npos) {
      std::string_view host = item.substr(0, colon);
      if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
      }
      if (!parseAddress(host, sel.exporter_v6, sel.exporter) ||
          (sel.exporter_v6 && item.front() != '[')) {
        return std::unexpected("--session entry " + quoted + " is not ID, IPv4:ID or [IPv6]:ID");
      }
      sel.any_exporter = false;
      id = item.substr(colon + 1);
    }
    if (!parseUint(id, 0xFFFFFFFFu, sel.id)) {
      return std::unexpected("--session entry " + quoted + " has an invalid ID");
    }
    out.push_back(sel);
  }
  if (out.empty()) return std::unexpected(std::string("--session list is empty"));
  return out;
}

std::expected<void, std::string> checkExporterTrust(const CollectorConfig& config) {
  if (!config.allow.empty() && config.allow_any) {
    return std::unexpected(
        std::string("give either --allow CIDR[,CIDR...] or --allow-any, not both"));
  }
  if (config.allow.empty() && !config.allow_any) {
    // Every source address would cost a session and a file: trust must be stated.
    return std::unexpected(std::string(
        "no exporter is trusted: give --allow CIDR[,CIDR...] with your exporters' addresses, or "
        "--allow-any to accept ERSPAN/GRE from every source address"));
  }
  return {};
}

}  // namespace ovse::erspan::collector
