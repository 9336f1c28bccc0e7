// Static session validation: name, sources and selection, snaplen, exporter-only settings.
// Destination rules live in validation_destination.cpp.
#include "mirror_manager/validation.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "erspan/io/bpf_filter.h"
#include "mirror_manager/json_text.h"
#include "validation_rules.h"

namespace ovse::manager {

using detail::IssueSink;
using detail::Peers;
using detail::quote;

std::string Issue::text() const { return path.empty() ? message : path + ": " + message; }

const char* toString(Issue::Severity s) {
  return s == Issue::Severity::kError ? "error" : "warning";
}

bool hasErrors(const std::vector<Issue>& issues) {
  return std::any_of(issues.begin(), issues.end(),
                     [](const Issue& i) { return i.severity == Issue::Severity::kError; });
}

std::optional<std::string> normalizeMac(std::string_view mac) {
  // Exactly "xx:xx:xx:xx:xx:xx": 17 characters, hex digits with a colon after every pair.
  if (mac.size() != 17) return std::nullopt;
  std::string out(mac);
  for (std::size_t i = 0; i < out.size(); ++i) {
    auto c = static_cast<unsigned char>(out[i]);
    bool separator = i % 3 == 2;
    if (separator ? c != ':' : !std::isxdigit(c)) return std::nullopt;
    out[i] = static_cast<char>(std::tolower(c));
  }
  return out;
}

namespace detail {

void IssueSink::range(const std::string& path, std::uint64_t value, std::uint64_t min,
                      std::uint64_t max) {
  if (value < min) error(path, std::to_string(value) + " is below " + std::to_string(min));
  if (value > max) error(path, std::to_string(value) + " is above " + std::to_string(max));
}

std::string quote(std::string_view s) { return dumpJson(nlohmann::json(s)); }

}  // namespace detail

namespace {

bool nameChar(unsigned char c) { return std::isalnum(c) || c == '.' || c == '_' || c == '-'; }

// How a character is shown in a message: 'c' when printable, its byte value otherwise.
std::string describeChar(unsigned char c) {
  if (std::isprint(c)) return std::string("'") + static_cast<char>(c) + "'";
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02x", c);
  return std::string("byte ") + hex;
}

void checkName(const Session& s, const Peers& peers, IssueSink& out) {
  const std::string& name = s.name;
  if (name.empty()) return out.error("name", "must not be empty");
  if (name.size() > kMaxSessionNameChars) {
    out.error("name", quote(name) + " is " + std::to_string(name.size()) +
                          " characters long; the limit is " + std::to_string(kMaxSessionNameChars));
  }
  auto bad = std::find_if_not(name.begin(), name.end(),
                              [](char c) { return nameChar(static_cast<unsigned char>(c)); });
  if (bad != name.end()) {
    out.error("name", quote(name) + " has " + describeChar(static_cast<unsigned char>(*bad)) +
                          " at position " + std::to_string(bad - name.begin() + 1) +
                          "; use letters, digits, '.', '_' and '-'");
  } else if (!std::isalnum(static_cast<unsigned char>(name.front()))) {
    // Names become file names: no hidden files, nothing that reads as an option.
    out.error("name", quote(name) + " must start with a letter or digit");
  }
  bool taken = false;
  peers.forEach([&](const Session& o) { taken = taken || o.name == name; });
  if (taken) out.error("name", quote(name) + " is already the name of another session");
}

// Which identity fields a source sets, e.g. {"port", "mac"}.
std::vector<std::string> identities(const Source& src) {
  std::vector<std::string> set;
  if (!src.port.empty()) set.emplace_back("port");
  if (!src.iface_id.empty()) set.emplace_back("iface_id");
  if (!src.mac.empty()) set.emplace_back("mac");
  if (!src.vm.empty()) set.emplace_back("vm");
  return set;
}

void checkSource(const Source& src, const std::string& path, IssueSink& out) {
  std::vector<std::string> set = identities(src);
  if (set.empty()) {
    out.error(path, "no identity; give one of port, iface_id, mac, vm");
  } else if (set.size() > 1) {
    std::string list = set[0];
    for (std::size_t i = 1; i < set.size(); ++i) list += " and " + set[i];
    out.error(path, "has " + list + "; give exactly one of port, iface_id, mac, vm");
  }
  if (!src.mac.empty() && !normalizeMac(src.mac)) {
    out.error(path + ".mac", quote(src.mac) + " is not a MAC address (xx:xx:xx:xx:xx:xx)");
  }
  switch (src.direction) {
    case Direction::kIngress:
    case Direction::kEgress:
    case Direction::kBoth:
      break;
    default:
      out.error(path + ".direction", std::to_string(static_cast<int>(src.direction)) +
                                         " is not one of ingress, egress, both");
  }
}

void checkSelection(const Session& s, IssueSink& out) {
  for (std::size_t i = 0; i < s.sources.size(); ++i) {
    checkSource(s.sources[i], "sources[" + std::to_string(i) + "]", out);
  }
  for (std::size_t i = 0; i < s.select_vlans.size(); ++i) {
    out.range("select_vlans[" + std::to_string(i) + "]", s.select_vlans[i], 1, 4095);
  }
  // A rspan-destination session selects by source_vlans (validation_rspan_destination.cpp).
  if (s.type == SessionType::kRspanDestination) return;
  if (s.sources.empty() && s.select_vlans.empty() && !s.select_all) {
    out.error("sources", "none given; a session needs sources, select_vlans or select_all");
  }
}

void checkSnaplen(const Session& s, IssueSink& out) {
  if (!s.mirrored_packet_length) return;
  const std::uint32_t snaplen = *s.mirrored_packet_length;
  out.range("mirrored_packet_length", snaplen, 14, 65535);
  if (snaplen >= 14 && snaplen < 60) {
    out.warning("mirrored_packet_length",
                std::to_string(snaplen) + " is below 60, vSphere's minimum");
  }
}

// Sampling, filters and rate limits are done by our exporter, never by OVS itself; a capture
// session's file writer samples and filters too, but a rate limit guards the network only.
void checkExporterOnly(const Session& s, IssueSink& out) {
  if (s.sampling_rate < 1) out.error("sampling_rate", "0 is below 1");
  const auto* erspan = std::get_if<ErspanDestination>(&s.destination);
  const bool exporter = s.type == SessionType::kErspan && erspan != nullptr &&
                        erspan->backend == ErspanBackend::kExporter;
  if (exporter) return;
  const std::string is = s.type == SessionType::kErspan
                             ? std::string("this session's backend is native")
                             : "this session's type is " + std::string(toString(s.type));
  if (s.type != SessionType::kCapture) {
    const std::string why = " needs type erspan with backend exporter, or type capture; " + is;
    if (s.sampling_rate > 1) out.error("sampling_rate", std::to_string(s.sampling_rate) + why);
    if (!s.filter.empty()) out.error("filter", quote(s.filter) + why);
  }
  if (s.rate_limit != RateLimit{}) {
    out.error("rate_limit", "packets_per_s " + std::to_string(s.rate_limit.packets_per_s) +
                                ", bits_per_s " + std::to_string(s.rate_limit.bits_per_s) +
                                " needs type erspan with backend exporter; " + is);
  }
}

// A filter the pipeline cannot compile would stop it from starting (the exporter, the capture
// file writer): the session would be stored and mirror nothing. libpcap compiles it here as the
// pipeline will (pcap_compile on a dead Ethernet handle: no device, no I/O).
// Other types refuse any filter (checkExporterOnly).
void checkFilter(const Session& s, IssueSink& out) {
  const auto* erspan = std::get_if<ErspanDestination>(&s.destination);
  const bool piped = s.type == SessionType::kCapture ||
                     (erspan != nullptr && erspan->backend == ErspanBackend::kExporter);
  if (s.filter.empty() || !piped) return;
  auto compiled = erspan::io::BpfFilter::compile(s.filter);
  if (!compiled) {
    out.error("filter", "capture filter " + quote(s.filter) + " does not compile: " +
                            compiled.error());
  }
}

// OVS's output_vlan (the only native RSPAN) sets the copy's outer 802.1Q tag to the RSPAN VLAN:
// a tagged frame leaves with its VLAN replaced, not with a second tag above it (measured: a VLAN-5
// frame leaves as VLAN 999 only). Storing the option would promise what no row can do.
void checkRspanOptions(const Session& s, IssueSink& out) {
  const auto* rspan = std::get_if<RspanDestination>(&s.destination);
  if (rspan == nullptr || !rspan->preserve_original_vlan) return;
  out.error("destination.preserve_original_vlan",
            "true is not supported: OVS's output_vlan replaces the mirrored frame's VLAN tag with "
            "VLAN " +
                std::to_string(rspan->vlan) +
                "; native RSPAN cannot keep the original tag inside (mirror to an ERSPAN "
                "collector to keep it)");
}

}  // namespace

std::vector<Issue> validateSession(const Session& s, std::span<const Session> others,
                                   std::string_view replacing, const ValidationContext& context) {
  IssueSink out;
  const Peers peers{others, replacing};
  checkName(s, peers, out);
  checkSelection(s, out);
  checkSnaplen(s, out);
  detail::checkDestination(s, peers, context, out);
  checkExporterOnly(s, out);
  checkFilter(s, out);
  checkRspanOptions(s, out);
  detail::checkApplicable(s, out);
  return std::move(out.issues);
}

}  // namespace ovse::manager
