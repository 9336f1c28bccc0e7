// Static validation of a session's destination: its kind matches the type, then each kind's
// fields (ports, VLAN, collector address, ERSPAN header fields or VXLAN/Geneve VNI, capture file),
// and the one
// rule for where a capture file may be (inside the capture directory).
#include <algorithm>
#include <filesystem>

#include "validation_rules.h"

namespace ovse::manager::detail {

namespace {

// What each type expects, for mismatch messages: "a local destination ({port})".
const char* shapeOf(std::size_t variant_index) {
  switch (variant_index) {
    case 0:
      return "a local destination ({port})";
    case 1:
      return "an rspan destination ({vlan, uplink})";
    case 2:
      return "an erspan destination ({remote_ip, ...})";
    default:
      return "a capture destination ({file})";
  }
}

// The Destination alternative a type needs, or -1 for a type outside the enum.
int expectedIndex(SessionType t) {
  switch (t) {
    case SessionType::kLocal:
    case SessionType::kRspanDestination:
      return 0;
    case SessionType::kRspan:
      return 1;
    case SessionType::kErspan:
      return 2;
    case SessionType::kCapture:
      return 3;
  }
  return -1;
}

void checkLocalPort(const Session& s, const std::string& port, const std::string& path,
                    const Peers& peers, IssueSink& out) {
  for (std::size_t i = 0; i < s.sources.size(); ++i) {
    if (s.sources[i].port == port) {
      out.error(path, quote(port) + " is also a source (sources[" + std::to_string(i) + "])");
    }
  }
  // OVS lets two mirrors share an output port; the analyzer could not tell them apart.
  peers.forEach([&](const Session& o) {
    const auto* other = std::get_if<LocalDestination>(&o.destination);
    const bool to_ports = o.type == SessionType::kLocal || o.type == SessionType::kRspanDestination;
    if (!to_ports || other == nullptr) return;
    for (const std::string& taken : destinationPorts(*other)) {
      if (taken == port) {
        out.error(path, quote(port) + " is already the destination of session " + quote(o.name));
      }
    }
  });
}

void checkLocal(const Session& s, const LocalDestination& d, const Peers& peers, IssueSink& out) {
  if (d.port.empty()) {
    return out.error(destinationPortPath(d, 0),
                     "required for type " + std::string(toString(s.type)));
  }
  checkDestinationPorts(d, out);
  const std::vector<std::string> ports = destinationPorts(d);
  for (std::size_t i = 0; i < ports.size(); ++i) {
    if (!ports[i].empty()) checkLocalPort(s, ports[i], destinationPortPath(d, i), peers, out);
  }
}

void checkRspan(const RspanDestination& d, IssueSink& out) {
  out.range("destination.vlan", d.vlan, 1, 4095);
  if (d.uplink.empty()) out.error("destination.uplink", "required for type rspan");
}

void checkErspanEnums(const ErspanDestination& d, IssueSink& out) {
  switch (d.version) {
    case ErspanVersion::kTypeI:
    case ErspanVersion::kTypeII:
    case ErspanVersion::kTypeIII:
    case ErspanVersion::kGre:
    case ErspanVersion::kVxlan:
    case ErspanVersion::kGeneve:
      break;
    default:
      out.error("destination.version", std::to_string(static_cast<int>(d.version)) +
                                           " is not one of 1, 2, 3, gre, vxlan, geneve");
  }
  if (d.backend != ErspanBackend::kNative && d.backend != ErspanBackend::kExporter) {
    out.error("destination.backend",
              std::to_string(static_cast<int>(d.backend)) + " is not one of native, exporter");
  }
}

bool isUdpTunnel(ErspanVersion v) {
  return v == ErspanVersion::kVxlan || v == ErspanVersion::kGeneve;
}

// VXLAN / Geneve carry a 24-bit VNI and no session ID; ERSPAN and GRE carry no VNI.
void checkVni(const ErspanDestination& d, IssueSink& out) {
  const std::string version = toString(d.version);
  if (!isUdpTunnel(d.version)) {
    if (d.vni) {
      out.error("destination.vni", std::to_string(*d.vni) + " does not apply to version " +
                                       version + ": only vxlan and geneve carry a VNI (remove it)");
    }
    return;
  }
  if (!d.vni) return out.error("destination.vni", "required for version " + version);
  out.range("destination.vni", *d.vni, 0, (1u << 24) - 1);
  if (d.session_id != 0) {
    out.error("destination.session_id",
              std::to_string(d.session_id) + " does not apply to version " + version +
                  ": it carries a VNI (destination.vni), not an ERSPAN session ID (remove it)");
  }
}

// Two sessions sending to one collector with the same session ID (ERSPAN, GRE) or VNI
// (VXLAN, Geneve) cannot be told apart there.
void checkCollectorIdentity(const ErspanDestination& d, const Peers& peers, IssueSink& out) {
  std::vector<std::string> mine;
  for (const std::string& ip : collectorIps(d)) mine.push_back(canonicalIp(ip));
  peers.forEach([&](const Session& o) {
    const auto* other = std::get_if<ErspanDestination>(&o.destination);
    if (o.type != SessionType::kErspan || other == nullptr ||
        isUdpTunnel(other->version) != isUdpTunnel(d.version)) {
      return;
    }
    for (const std::string& ip : collectorIps(*other)) {
      if (ip.empty() || std::find(mine.begin(), mine.end(), canonicalIp(ip)) == mine.end()) {
        continue;
      }
      if (isUdpTunnel(d.version) && d.vni && other->vni == d.vni) {
        out.warning("destination.vni", std::to_string(*d.vni) + " is also used by session " +
                                           quote(o.name) + " to " + ip +
                                           "; the collector cannot tell them apart");
      } else if (!isUdpTunnel(d.version) && other->session_id == d.session_id) {
        out.warning("destination.session_id",
                    std::to_string(d.session_id) + " is also used by session " + quote(o.name) +
                        " to " + ip + "; the collector cannot tell them apart");
      }
      return;  // one warning per other session
    }
  });
}

void checkErspan(const Session& s, const ErspanDestination& d, const Peers& peers,
                 IssueSink& out) {
  checkCollectors(s, d, out);
  checkErspanEnums(d, out);
  checkVni(d, out);
  out.range("destination.session_id", d.session_id, 0, 1023);
  out.range("destination.index", d.index, 0, (1u << 20) - 1);
  out.range("destination.hwid", d.hwid, 0, 63);
  if (d.dscp) out.range("destination.dscp", *d.dscp, 0, 63);
  if (d.ttl) out.range("destination.ttl", *d.ttl, 1, 255);
  if (d.version == ErspanVersion::kTypeI && d.backend == ErspanBackend::kNative) {
    out.error("destination.version",
              "1 (ERSPAN Type I) needs backend exporter: OVS's native erspan ports only do "
              "Type II and III");
  }
  checkCollectorIdentity(d, peers, out);
}

bool endsWith(const std::string& s, std::string_view suffix) {
  return s.size() > suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The stored form of a capture file for comparing sessions (a file outside stays as given).
std::string storedCaptureFile(const std::string& file, const ValidationContext& context) {
  return captureFileWithin(file, context.capture_dir).value_or(file);
}

void checkCapture(const CaptureDestination& d, const Peers& peers, const ValidationContext& context,
                  IssueSink& out) {
  if (d.file.empty()) return out.error("destination.file", "required for type capture");
  const std::string file_name = d.file.substr(d.file.find_last_of('/') + 1);
  if (!endsWith(file_name, ".pcap") && !endsWith(file_name, ".pcapng")) {
    out.error("destination.file", quote(d.file) + " must end in .pcap or .pcapng");
  }
  auto within = captureFileWithin(d.file, context.capture_dir);
  if (!within) return out.error("destination.file", within.error());
  peers.forEach([&](const Session& o) {
    const auto* other = std::get_if<CaptureDestination>(&o.destination);
    if (o.type == SessionType::kCapture && other != nullptr &&
        storedCaptureFile(other->file, context) == *within) {
      out.error("destination.file",
                quote(d.file) + " is already written by session " + quote(o.name));
    }
  });
}

}  // namespace

void checkDestination(const Session& s, const Peers& peers, const ValidationContext& context,
                      IssueSink& out) {
  const int expected = expectedIndex(s.type);
  if (expected < 0) {
    return out.error("type", std::to_string(static_cast<int>(s.type)) +
                                 " is not one of local, rspan, erspan, capture, rspan-destination");
  }
  if (static_cast<std::size_t>(expected) != s.destination.index()) {
    return out.error("destination", std::string(shapeOf(s.destination.index())) +
                                        " does not fit type " + toString(s.type) +
                                        ", which needs " +
                                        shapeOf(static_cast<std::size_t>(expected)));
  }
  if (const auto* d = std::get_if<LocalDestination>(&s.destination)) checkLocal(s, *d, peers, out);
  if (const auto* d = std::get_if<RspanDestination>(&s.destination)) checkRspan(*d, out);
  if (const auto* d = std::get_if<ErspanDestination>(&s.destination)) {
    checkErspan(s, *d, peers, out);
  }
  if (const auto* d = std::get_if<CaptureDestination>(&s.destination)) {
    checkCapture(*d, peers, context, out);
  }
}

}  // namespace ovse::manager::detail

namespace ovse::manager {

std::expected<std::string, std::string> captureFileWithin(std::string_view file,
                                                          std::string_view capture_dir) {
  namespace fs = std::filesystem;
  const std::string shown = detail::quote(file);
  const std::string dir_text(capture_dir);
  // Lexical only: what is on disk (links included) is the daemon's confined opener's business.
  fs::path relative = fs::path(file).lexically_normal();
  if (relative.is_absolute()) {
    fs::path dir = fs::path(capture_dir).lexically_normal();
    if (!dir.has_filename() && dir.has_relative_path()) dir = dir.parent_path();  // "dir/"
    relative = relative.lexically_relative(dir);
    if (!dir.is_absolute() || relative.empty() || *relative.begin() == "..") {
      return std::unexpected(shown + " is outside the capture directory " + dir_text +
                             " (give a name or a path inside it)");
    }
  }
  if (!relative.empty() && *relative.begin() == "..") {
    return std::unexpected(shown + " leaves the capture directory " + dir_text +
                           " (give a name or a path inside it)");
  }
  std::string stored = relative.generic_string();
  if (stored.empty() || stored == "." || stored.ends_with('/')) {
    return std::unexpected(shown + " names a directory, not a file inside the capture directory " +
                           dir_text);
  }
  return stored;
}

void normalizeCaptureFile(Session& s, const ValidationContext& context) {
  auto* d = std::get_if<CaptureDestination>(&s.destination);
  if (s.type != SessionType::kCapture || d == nullptr || d->file.empty()) return;
  if (auto within = captureFileWithin(d->file, context.capture_dir)) d->file = *within;
}

}  // namespace ovse::manager
