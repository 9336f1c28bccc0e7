// The fleet inventory's JSON and flag forms, and the checks on a whole inventory.
#include "mirror_manager/fleet/inventory.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <set>

#include "mirror_manager/json_text.h"

namespace ovse::manager {
namespace {

constexpr std::size_t kMaxHostNameLength = 64;

bool validName(std::string_view name) {
  return !name.empty() && name.size() <= kMaxHostNameLength &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
         });
}

bool knownRemote(std::string_view db) {
  return (db.starts_with("tcp:") || db.starts_with("ssl:") || db.starts_with("unix:")) &&
         db.find(':') + 1 < db.size();
}

// Reads an optional string member; an error when present and not a string.
std::expected<void, std::string> readString(const nlohmann::json& entry, const char* key,
                                            const std::string& where, std::string& out) {
  auto it = entry.find(key);
  if (it == entry.end()) return {};
  if (!it->is_string()) return std::unexpected(where + "." + key + ": not a string");
  out = it->get<std::string>();
  return {};
}

std::expected<HostEntry, std::string> parseEntry(const nlohmann::json& entry,
                                                 const std::string& where) {
  if (!entry.is_object()) return std::unexpected(where + ": not an object");
  static const std::set<std::string> kKnown{"name",        "db",      "private_key",
                                            "certificate", "ca_cert", "vswitchd_ctl"};
  for (const auto& [key, value] : entry.items()) {
    if (!kKnown.contains(key)) return std::unexpected(where + "." + key + ": unknown field");
  }
  HostEntry host;
  const std::pair<const char*, std::string*> fields[] = {{"name", &host.name},
                                                         {"db", &host.db},
                                                         {"private_key", &host.private_key},
                                                         {"certificate", &host.certificate},
                                                         {"ca_cert", &host.ca_cert},
                                                         {"vswitchd_ctl", &host.vswitchd_ctl}};
  for (auto [key, field] : fields) {
    if (auto ok = readString(entry, key, where, *field); !ok) return std::unexpected(ok.error());
  }
  if (host.name.empty()) return std::unexpected(where + ".name: missing");
  if (host.db.empty()) return std::unexpected(where + ".db: missing");
  return host;
}

}  // namespace

std::expected<std::vector<HostEntry>, std::string> parseInventory(std::string_view json_text) {
  auto parsed = parseJson(json_text);
  if (!parsed) return std::unexpected("hosts: " + parsed.error().message());
  const nlohmann::json& doc = *parsed;
  if (!doc.is_array()) return std::unexpected(std::string("hosts: not a JSON array"));
  std::vector<HostEntry> hosts;
  for (std::size_t i = 0; i < doc.size(); ++i) {
    auto host = parseEntry(doc[i], "hosts[" + std::to_string(i) + "]");
    if (!host) return std::unexpected(host.error());
    hosts.push_back(std::move(*host));
  }
  return hosts;
}

std::expected<HostEntry, std::string> parseHostFlag(std::string_view flag) {
  auto eq = flag.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == flag.size()) {
    return std::unexpected("--host " + std::string(flag) + ": expected NAME=REMOTE");
  }
  return HostEntry{.name = std::string(flag.substr(0, eq)), .db = std::string(flag.substr(eq + 1))};
}

std::expected<void, std::string> checkInventory(const std::vector<HostEntry>& hosts) {
  if (hosts.empty()) return std::unexpected(std::string("no hosts in the inventory"));
  std::set<std::string> names;
  const HostEntry* first_ssl = nullptr;
  for (const auto& h : hosts) {
    if (!validName(h.name)) {
      return std::unexpected("host name \"" + h.name +
                             "\": use 1-64 letters, digits, '.', '_' or '-'");
    }
    if (!names.insert(h.name).second) return std::unexpected("host " + h.name + ": listed twice");
    if (!knownRemote(h.db)) {
      return std::unexpected("host " + h.name + ": db " + h.db +
                             ": expected tcp:IP:PORT, ssl:IP:PORT or unix:PATH");
    }
    if (!h.db.starts_with("ssl:")) continue;
    if (h.private_key.empty() || h.certificate.empty() || h.ca_cert.empty()) {
      return std::unexpected("host " + h.name +
                             ": ssl remotes need private_key, certificate and ca_cert");
    }
    if (first_ssl == nullptr) first_ssl = &h;
    if (h.private_key != first_ssl->private_key || h.certificate != first_ssl->certificate ||
        h.ca_cert != first_ssl->ca_cert) {
      return std::unexpected("host " + h.name + ": SSL files differ from host " + first_ssl->name +
                             "'s; one manager uses one key, certificate and CA for all hosts");
    }
  }
  return {};
}

}  // namespace ovse::manager
