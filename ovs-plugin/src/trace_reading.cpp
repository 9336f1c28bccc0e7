// Reading ofproto/trace's datapath actions and dpif/show, and matching them to Mirror rows (see
// trace_reading.h).
#include "ovs_plugin/trace_reading.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <sstream>
#include <string_view>

namespace ovse::ovs {
namespace {

// Splits `text` at commas outside parentheses: "4,clone(set(eth),7),1" → 4 | clone(...) | 1.
std::vector<std::string> topLevel(std::string_view text) {
  std::vector<std::string> tokens;
  std::string token;
  int depth = 0;
  for (char c : text) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      tokens.push_back(std::move(token));
      token.clear();
    } else if (c != ' ') {
      token += c;
    }
  }
  if (!token.empty()) tokens.push_back(std::move(token));
  return tokens;
}

bool isNumber(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(c); });
}

// A number as OVS prints it in actions: decimal or 0x-prefixed hex.
std::optional<std::uint32_t> number(std::string_view s) {
  int base = 10;
  if (s.starts_with("0x") || s.starts_with("0X")) s.remove_prefix(2), base = 16;
  std::uint32_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// The inside of the first "name(...)" in `text`, or nothing.
std::optional<std::string_view> call(std::string_view text, std::string_view name) {
  for (std::size_t at = text.find(name); at != std::string_view::npos;
       at = text.find(name, at + 1)) {
    // A whole word: "ipv4(" must not match inside "xipv4(".
    if (at > 0 && (std::isalnum(static_cast<unsigned char>(text[at - 1])) || text[at - 1] == '_'))
      continue;
    std::size_t open = at + name.size();
    if (open >= text.size() || text[open] != '(') continue;
    int depth = 0;
    for (std::size_t i = open; i < text.size(); ++i) {
      if (text[i] == '(') ++depth;
      if (text[i] == ')' && --depth == 0) return text.substr(open + 1, i - open - 1);
    }
    return std::nullopt;
  }
  return std::nullopt;
}

// The value of "key=" in a comma list, up to the next ',' or ')'.
std::optional<std::string_view> field(std::string_view list, std::string_view key) {
  for (const auto& token : topLevel(list)) {
    if (token.size() > key.size() && token.starts_with(key) && token[key.size()] == '=') {
      std::size_t at = list.find(token);
      return list.substr(at + key.size() + 1, token.size() - key.size() - 1);
    }
  }
  return std::nullopt;
}

TunnelPush readPush(const std::string& token) {
  TunnelPush push;
  push.text = token;
  std::string_view body = call(token, "tnl_push").value_or("");
  if (auto port = call(body, "tnl_port")) push.tnl_port = number(*port).value_or(0);
  std::string_view header = call(body, "header").value_or("");
  for (const char* ip : {"ipv4", "ipv6"}) {
    if (auto outer = call(header, ip)) {
      push.local_ip = std::string(field(*outer, "src").value_or(""));
      push.remote_ip = std::string(field(*outer, "dst").value_or(""));
    }
  }
  if (auto erspan = call(header, "erspan")) {
    push.kind = "erspan";
    if (auto sid = field(*erspan, "sid")) push.key = number(*sid);
    if (auto ver = field(*erspan, "ver")) {
      if (auto v = number(*ver)) push.erspan_version = static_cast<int>(*v);
    }
  } else if (auto gre = call(header, "gre")) {
    push.kind = "gre";
    if (auto key = field(*gre, "key")) push.key = number(*key);
  } else {
    // OVS prints the VNI in hex: vxlan(flags=0x8000000,vni=0x7b), geneve(vni=0x7b).
    for (const char* overlay : {"vxlan", "geneve"}) {
      if (auto header_of = call(header, overlay)) {
        push.kind = overlay;
        if (auto vni = field(*header_of, "vni")) push.key = number(*vni);
      }
    }
  }
  return push;
}

// Reads a sequence of actions; after a tnl_push the packet is encapsulated, so later outputs in
// the same sequence carry the tunnel copy. A clone(...) is a sequence of its own.
void readActions(std::string_view text, bool in_clone, DatapathActions& out) {
  // An index, not a pointer: a later clone adds tunnels and may move them.
  std::optional<std::size_t> pushed;
  for (const auto& token : topLevel(text)) {
    if (token == "drop") {
      out.dropped = true;
    } else if (isNumber(token)) {
      auto port = number(token);
      if (pushed) {
        out.tunnels[*pushed].underlay_outputs.push_back(*port);
      } else if (!in_clone) {
        out.outputs.push_back(*port);
      }
    } else if (token.starts_with("tnl_push(")) {
      out.tunnels.push_back(readPush(token));
      pushed = out.tunnels.size() - 1;
    } else if (token.starts_with("clone(")) {
      // Only tunnel copies are read from clones: other clones modify the packet first.
      std::string_view inner = call(token, "clone").value_or("");
      if (inner.find("tnl_push(") != std::string_view::npos) readActions(inner, true, out);
    }
  }
}

std::string canonicalIp(const std::string& text) {
  unsigned char bytes[16];
  char buf[INET6_ADDRSTRLEN];
  for (int family : {AF_INET, AF_INET6}) {
    if (inet_pton(family, text.c_str(), bytes) == 1 && inet_ntop(family, bytes, buf, sizeof buf)) {
      return buf;
    }
  }
  return text;
}

// True when `iface` (a Mirror's output) is the tunnel port that made `push`.
bool tunnelMade(const Interface& iface, const TunnelPush& push) {
  const bool erspan = iface.type == "erspan" || iface.type == "ip6erspan";
  const bool gre = iface.type == "gre" || iface.type == "ip6gre";
  const bool same_kind = push.kind == "erspan" ? erspan
                         : push.kind == "gre"  ? gre
                                               : iface.type == push.kind;  // vxlan, geneve
  if (!same_kind) return false;
  if (canonicalIp(valueOf(iface.options, "remote_ip")) != canonicalIp(push.remote_ip)) {
    return false;
  }
  // The key sent is out_key when set (ovs-erspan sets it apart from in_key), else key.
  const std::string out_key = valueOf(iface.options, "out_key");
  auto key = number(out_key.empty() ? valueOf(iface.options, "key") : out_key);
  if (push.key && key.value_or(0) != *push.key) return false;
  if (push.erspan_version) {
    const std::string ver = valueOf(iface.options, "erspan_ver");
    if (number(ver.empty() ? "1" : ver).value_or(0) !=
        static_cast<std::uint32_t>(*push.erspan_version)) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::expected<DatapathActions, std::string> parseDatapathActions(const std::string& trace) {
  const std::string key = "Datapath actions:";
  const std::size_t at = trace.rfind(key);
  if (at == std::string::npos) {
    return std::unexpected(std::string("ofproto/trace printed no \"Datapath actions:\" line"));
  }
  DatapathActions out;
  std::size_t end = trace.find('\n', at);
  out.text = trace.substr(at + key.size(), end == std::string::npos ? end : end - at - key.size());
  out.text.erase(0, out.text.find_first_not_of(' '));
  readActions(out.text, false, out);
  if (out.outputs.empty() && out.tunnels.empty()) out.dropped = true;
  return out;
}

std::map<std::uint32_t, std::string> parseDpifShow(const std::string& text,
                                                   const std::string& bridge) {
  // "  br0:" starts a bridge; "    vm1 1/2: (system)" is name ofport/dp_port.
  std::map<std::uint32_t, std::string> out;
  std::istringstream in(text);
  std::string line;
  bool ours = false;
  while (std::getline(in, line)) {
    const std::size_t indent = line.find_first_not_of(' ');
    if (indent == std::string::npos) continue;
    if (indent <= 2) {
      ours = line.substr(indent) == bridge + ":";
      continue;
    }
    if (!ours) continue;
    std::istringstream fields(line);
    std::string name, numbers;
    if (!(fields >> name >> numbers)) continue;
    const std::size_t slash = numbers.find('/');
    if (slash == std::string::npos) continue;
    const std::string dp = numbers.substr(slash + 1, numbers.find(':') - slash - 1);
    if (auto n = isNumber(dp) ? number(dp) : std::nullopt) out[*n] = name;
  }
  return out;
}

TraceOutputs classifyOutputs(const SwitchState& state, const DatapathActions& actions,
                             const std::map<std::uint32_t, std::string>& dp_ports) {
  TraceOutputs out;
  for (std::uint32_t dp : actions.outputs) {
    auto it = dp_ports.find(dp);
    const std::string name =
        it == dp_ports.end() ? "datapath port " + std::to_string(dp) : it->second;
    bool mirror_output = false;
    for (const auto& m : state.mirrors) {
      const Port* port = m.output_port ? state.portByUuid(*m.output_port) : nullptr;
      if (port == nullptr || port->name != name) continue;
      mirror_output = true;
      out.mirrors.push_back({m.name, name, m.external_ids, nullptr});
    }
    if (!mirror_output) out.forwarded.push_back(name);
  }
  for (const auto& push : actions.tunnels) {
    bool matched = false;
    for (const auto& m : state.mirrors) {
      const Port* port = m.output_port ? state.portByUuid(*m.output_port) : nullptr;
      if (port == nullptr || port->interface_uuids.empty()) continue;
      const Interface* iface = state.interfaceByUuid(port->interface_uuids.front());
      if (iface == nullptr || !tunnelMade(*iface, push)) continue;
      matched = true;
      out.mirrors.push_back({m.name, port->name, m.external_ids, &push});
    }
    if (!matched) out.unmatched_tunnels.push_back(&push);
  }
  return out;
}

}  // namespace ovse::ovs
