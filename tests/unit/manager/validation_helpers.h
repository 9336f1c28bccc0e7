// Shared by the validation tests: sample sessions and a compact view of validateSession()'s issues.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mirror_manager/validation.h"

namespace ovse::manager::test {

inline Session localSession(std::string name = "web") {
  Session s;
  s.name = std::move(name);
  s.type = SessionType::kLocal;
  s.sources = {{.iface_id = "vm-a"}};
  s.destination = LocalDestination{"tap-analyzer"};
  return s;
}

inline Session erspanSession(ErspanDestination d = {.remote_ip = "192.0.2.10"}) {
  Session s = localSession("remote");
  s.type = SessionType::kErspan;
  s.destination = std::move(d);
  return s;
}

// The issues' texts, prefixed "warning: " for warnings, so one comparison checks everything.
inline std::vector<std::string> texts(const std::vector<Issue>& issues) {
  std::vector<std::string> out;
  for (const Issue& i : issues) {
    out.push_back((i.severity == Issue::Severity::kWarning ? "warning: " : "") + i.text());
  }
  return out;
}

inline std::vector<std::string> check(const Session& s, std::span<const Session> others = {},
                                      std::string_view replacing = {}) {
  return texts(validateSession(s, others, replacing));
}

using Texts = std::vector<std::string>;

}  // namespace ovse::manager::test
