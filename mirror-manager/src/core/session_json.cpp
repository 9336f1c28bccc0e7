// Session <-> JSON: strict field-by-field parsing into the model, and the inverse.
#include "mirror_manager/session_json.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "json_fields.h"

namespace ovse::manager {

using detail::FieldReader;
using detail::indexPath;
using detail::joinPath;
using nlohmann::json;

std::string FieldError::text() const { return path.empty() ? message : path + ": " + message; }

namespace {

constexpr std::array kDirections{Direction::kIngress, Direction::kEgress, Direction::kBoth};
constexpr std::array kTypes{SessionType::kLocal, SessionType::kRspan, SessionType::kErspan,
                            SessionType::kCapture, SessionType::kRspanDestination};
constexpr std::array kBackends{ErspanBackend::kNative, ErspanBackend::kExporter};

// Reads obj[key] as one of `values`, named by toString(); absent leaves `out` as it is.
template <typename E, std::size_t N>
void readEnum(FieldReader& r, const json& obj, std::string_view path, std::string_view key,
              const std::array<E, N>& values, E& out) {
  const json* v = r.member(obj, key);
  if (v == nullptr) return;
  std::string allowed;
  for (E e : values) {
    if (v->is_string() && v->get_ref<const std::string&>() == toString(e)) {
      out = e;
      return;
    }
    allowed += (allowed.empty() ? "" : ", ") + std::string(toString(e));
  }
  r.fail(joinPath(path, key), detail::describeJson(*v) + " is not one of " + allowed);
}

// ERSPAN version: the numbers 1, 2, 3 (also accepted as strings), or "gre", "vxlan", "geneve".
void readVersion(FieldReader& r, const json& d, ErspanVersion& out) {
  const json* v = r.member(d, "version");
  if (v == nullptr) return;
  std::string text = v->is_string() ? v->get<std::string>() : "";
  if (v->is_number_integer()) text = std::to_string(v->get<std::int64_t>());
  for (auto version : {ErspanVersion::kTypeI, ErspanVersion::kTypeII, ErspanVersion::kTypeIII,
                       ErspanVersion::kGre, ErspanVersion::kVxlan, ErspanVersion::kGeneve}) {
    if (text == toString(version)) {
      out = version;
      return;
    }
  }
  r.fail("destination.version",
         detail::describeJson(*v) + R"( is not one of 1, 2, 3, "gre", "vxlan", "geneve")");
}

std::string lowerCase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

void readSources(FieldReader& r, const json& list, std::vector<Source>& out) {
  if (!r.array(list, "sources")) return;
  for (std::size_t i = 0; i < list.size() && r.ok(); ++i) {
    const std::string path = indexPath("sources", i);
    const json& item = list[i];
    if (!r.object(item, path, {"port", "iface_id", "mac", "vm", "direction"})) return;
    Source s;
    r.string(item, path, "port", s.port);
    r.string(item, path, "iface_id", s.iface_id);
    r.string(item, path, "mac", s.mac);
    r.string(item, path, "vm", s.vm);
    readEnum(r, item, path, "direction", kDirections, s.direction);
    s.mac = lowerCase(std::move(s.mac));
    out.push_back(std::move(s));
  }
}

// A list of VLAN IDs (select_vlans, source_vlans); the range is validation's.
void readVlans(FieldReader& r, const json& list, std::string_view path,
               std::vector<std::uint16_t>& out) {
  if (!r.array(list, path)) return;
  for (std::size_t i = 0; i < list.size(); ++i) {
    auto vlan = r.toUnsigned(list[i], indexPath(path, i), 0xffff);
    if (!vlan) return;
    out.push_back(static_cast<std::uint16_t>(*vlan));
  }
}

// A field that holds one value (`single`, e.g. "port": the form stores have always had) or
// several (`list`, e.g. "ports": a non-empty list of strings); not both. The first value goes to
// `first`, the others to `more`.
void readOneOrList(FieldReader& r, const json& d, const std::string& single,
                   const std::string& list_key, std::string& first,
                   std::vector<std::string>& more) {
  r.string(d, "destination", single, first);
  const json* list = r.member(d, list_key);
  const std::string path = "destination." + list_key;
  if (list == nullptr) return;
  if (r.member(d, single) != nullptr) {
    r.fail(path, "give " + single + " (one) or " + list_key + " (a list), not both");
    return;
  }
  if (!r.array(*list, path)) return;
  if (list->empty()) r.fail(path, "[] is empty; give at least one " + single);
  for (std::size_t i = 0; i < list->size() && r.ok(); ++i) {
    const json& item = (*list)[i];
    if (!item.is_string()) {
      r.fail(indexPath(path, i), "expected a string, got " + detail::describeJson(item));
      break;
    }
    (i == 0 ? first : more.emplace_back()) = item.get<std::string>();
  }
}

// An erspan destination: one collector (`remote_ip`) or several (`remote_ips`).
ErspanDestination readErspan(FieldReader& r, const json& d) {
  ErspanDestination e;
  r.object(d, "destination",
           {"remote_ip", "remote_ips", "version", "session_id", "index", "hwid", "vni", "backend",
            "dscp", "ttl"},
           " for type erspan (allowed: remote_ip, remote_ips, version, session_id, index, hwid, "
           "vni, backend, dscp, ttl)");
  readOneOrList(r, d, "remote_ip", "remote_ips", e.remote_ip, e.more_remote_ips);
  readVersion(r, d, e.version);
  r.unsignedInt(d, "destination", "session_id", e.session_id);
  r.unsignedInt(d, "destination", "index", e.index);
  r.unsignedInt(d, "destination", "hwid", e.hwid);
  r.optionalUnsigned(d, "destination", "vni", e.vni);
  readEnum(r, d, "destination", "backend", kBackends, e.backend);
  r.optionalUnsigned(d, "destination", "dscp", e.dscp);
  r.optionalUnsigned(d, "destination", "ttl", e.ttl);
  return e;
}

// A local (or rspan-destination) destination: one analyzer port (`port`) or several (`ports`).
LocalDestination readLocal(FieldReader& r, const json& d, SessionType type) {
  LocalDestination local;
  r.object(d, "destination", {"port", "ports", "allow_normal_io"},
           " for type " + std::string(toString(type)) +
               " (allowed: port, ports, allow_normal_io)");
  readOneOrList(r, d, "port", "ports", local.port, local.more_ports);
  r.boolean(d, "destination", "allow_normal_io", local.allow_normal_io);
  return local;
}

// The destination object's allowed fields depend on the session type.
Destination readDestination(FieldReader& r, const json& d, SessionType type) {
  const std::string_view path = "destination";
  switch (type) {
    case SessionType::kLocal:
    case SessionType::kRspanDestination:
      return readLocal(r, d, type);
    case SessionType::kRspan: {
      RspanDestination rspan;
      r.object(d, path, {"vlan", "uplink", "preserve_original_vlan"},
               " for type rspan (allowed: vlan, uplink, preserve_original_vlan)");
      r.unsignedInt(d, path, "vlan", rspan.vlan);
      r.string(d, path, "uplink", rspan.uplink);
      r.boolean(d, path, "preserve_original_vlan", rspan.preserve_original_vlan);
      return rspan;
    }
    case SessionType::kErspan:
      return readErspan(r, d);
    case SessionType::kCapture: {
      CaptureDestination capture;
      r.object(d, path, {"file"}, " for type capture (allowed: file)");
      r.string(d, path, "file", capture.file);
      return capture;
    }
  }
  return LocalDestination{};
}

void readRateLimit(FieldReader& r, const json& v, RateLimit& out) {
  if (!r.object(v, "rate_limit", {"packets_per_s", "bits_per_s"})) return;
  r.unsignedInt(v, "rate_limit", "packets_per_s", out.packets_per_s);
  r.unsignedInt(v, "rate_limit", "bits_per_s", out.bits_per_s);
}

std::expected<Session, FieldError> parseSession(const json& j) {
  FieldReader r;
  Session s;
  r.object(
      j, "",
      {"name", "description", "enabled", "type", "sources", "bridge", "select_vlans", "select_all",
       "destination", "mirrored_packet_length", "sampling_rate", "filter", "rate_limit",
       "source_vlans", "uplink"});
  r.required(j, "", "name");
  r.required(j, "", "type");
  r.required(j, "", "destination");
  r.string(j, "", "name", s.name);
  r.string(j, "", "description", s.description);
  r.boolean(j, "", "enabled", s.enabled);
  readEnum(r, j, "", "type", kTypes, s.type);
  if (const json* v = r.member(j, "sources")) readSources(r, *v, s.sources);
  r.string(j, "", "bridge", s.bridge);
  if (const json* v = r.member(j, "select_vlans")) readVlans(r, *v, "select_vlans", s.select_vlans);
  if (const json* v = r.member(j, "source_vlans")) readVlans(r, *v, "source_vlans", s.source_vlans);
  r.string(j, "", "uplink", s.uplink);
  r.boolean(j, "", "select_all", s.select_all);
  if (const json* v = r.member(j, "destination")) s.destination = readDestination(r, *v, s.type);
  r.optionalUnsigned(j, "", "mirrored_packet_length", s.mirrored_packet_length);
  r.unsignedInt(j, "", "sampling_rate", s.sampling_rate);
  r.string(j, "", "filter", s.filter);
  if (const json* v = r.member(j, "rate_limit")) readRateLimit(r, *v, s.rate_limit);
  if (!r.ok()) return std::unexpected(r.error());
  return s;
}

json destinationToJson(const Destination& destination) {
  struct Visitor {
    json operator()(const LocalDestination& d) const {
      // One port keeps the single-value form every store and client knows.
      json out = d.more_ports.empty() ? json{{"port", d.port}}
                                      : json{{"ports", destinationPorts(d)}};
      if (d.allow_normal_io) out["allow_normal_io"] = true;
      return out;
    }
    json operator()(const RspanDestination& d) const {
      return {{"vlan", d.vlan},
              {"uplink", d.uplink},
              {"preserve_original_vlan", d.preserve_original_vlan}};
    }
    json operator()(const ErspanDestination& d) const {
      // One collector keeps the single-value form every store and client knows.
      json out = d.more_remote_ips.empty() ? json{{"remote_ip", d.remote_ip}}
                                           : json{{"remote_ips", collectorIps(d)}};
      out.update({{"session_id", d.session_id},
                  {"index", d.index},
                  {"hwid", d.hwid},
                  {"backend", toString(d.backend)}});
      // Types I-III are numbers in JSON; "gre", "vxlan" and "geneve" strings.
      const bool numbered = d.version == ErspanVersion::kTypeI ||
                            d.version == ErspanVersion::kTypeII ||
                            d.version == ErspanVersion::kTypeIII;
      if (numbered) {
        out["version"] = static_cast<int>(d.version);
      } else {
        out["version"] = toString(d.version);
      }
      if (d.vni) out["vni"] = *d.vni;
      if (d.dscp) out["dscp"] = *d.dscp;
      if (d.ttl) out["ttl"] = *d.ttl;
      return out;
    }
    json operator()(const CaptureDestination& d) const { return {{"file", d.file}}; }
  };
  return std::visit(Visitor{}, destination);
}

json sourceToJson(const Source& s) {
  json out = json::object();
  if (!s.port.empty()) out["port"] = s.port;
  if (!s.iface_id.empty()) out["iface_id"] = s.iface_id;
  if (!s.mac.empty()) out["mac"] = s.mac;
  if (!s.vm.empty()) out["vm"] = s.vm;
  out["direction"] = toString(s.direction);
  return out;
}

}  // namespace

std::expected<Session, FieldError> sessionFromJson(const json& j) {
  // Every access is type-checked first; this only maps a surprise into an error value, so no
  // exception ever leaves the parser.
  try {
    return parseSession(j);
  } catch (const json::exception& e) {
    return std::unexpected(FieldError{"", e.what()});
  }
}

json sessionToJson(const Session& s) {
  json out = {{"name", s.name},
              {"enabled", s.enabled},
              {"type", toString(s.type)},
              {"destination", destinationToJson(s.destination)}};
  json sources = json::array();
  for (const Source& source : s.sources) sources.push_back(sourceToJson(source));
  out["sources"] = std::move(sources);
  if (!s.description.empty()) out["description"] = s.description;
  if (!s.bridge.empty()) out["bridge"] = s.bridge;
  if (!s.select_vlans.empty()) out["select_vlans"] = s.select_vlans;
  if (!s.source_vlans.empty()) out["source_vlans"] = s.source_vlans;
  if (!s.uplink.empty()) out["uplink"] = s.uplink;
  if (s.select_all) out["select_all"] = true;
  if (s.mirrored_packet_length) out["mirrored_packet_length"] = *s.mirrored_packet_length;
  if (s.sampling_rate != 1) out["sampling_rate"] = s.sampling_rate;
  if (!s.filter.empty()) out["filter"] = s.filter;
  if (s.rate_limit != RateLimit{}) {
    out["rate_limit"] = {{"packets_per_s", s.rate_limit.packets_per_s},
                         {"bits_per_s", s.rate_limit.bits_per_s}};
  }
  return out;
}

std::expected<std::vector<Session>, FieldError> sessionsFromJson(const json& array) {
  if (!array.is_array()) {
    return std::unexpected(
        FieldError{"sessions", "expected an array, got " + detail::describeJson(array)});
  }
  std::vector<Session> sessions;
  for (std::size_t i = 0; i < array.size(); ++i) {
    auto session = sessionFromJson(array[i]);
    if (!session) {
      const std::string prefix = indexPath("sessions", i);
      FieldError e = session.error();
      e.path = e.path.empty() ? prefix : prefix + "." + e.path;
      return std::unexpected(std::move(e));
    }
    sessions.push_back(std::move(*session));
  }
  return sessions;
}

json sessionsToJson(const std::vector<Session>& sessions) {
  json out = json::array();
  for (const Session& s : sessions) out.push_back(sessionToJson(s));
  return out;
}

}  // namespace ovse::manager
