// Small text helpers shared by the manager and the CLI.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>

namespace ovse::manager {

/// `s` in lower case (ASCII), e.g. for MAC addresses and capture point names.
inline std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace ovse::manager
