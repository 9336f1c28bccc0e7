// Bearer tokens (see auth.h).
#include "mirror_manager/daemon/auth.h"

#include <cctype>
#include <fstream>
#include <sstream>

namespace ovse::manager::daemon {

bool constantTimeEquals(std::string_view a, std::string_view b) {
  // Walk the longer length every time; differences (including length) are OR-ed together
  // instead of returning early.
  std::size_t n = a.size() > b.size() ? a.size() : b.size();
  unsigned diff = a.size() == b.size() ? 0u : 1u;
  for (std::size_t i = 0; i < n; ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned>(x ^ y);
  }
  return diff == 0;
}

bool bearerMatches(std::string_view authorization, std::string_view token) {
  constexpr std::string_view kScheme = "bearer ";
  if (token.empty() || authorization.size() < kScheme.size()) return false;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i]) return false;
  }
  std::string_view given = authorization.substr(kScheme.size());
  while (!given.empty() && given.front() == ' ') given.remove_prefix(1);
  while (!given.empty() && given.back() == ' ') given.remove_suffix(1);
  return constantTimeEquals(given, token);
}

std::expected<std::string, std::string> loadToken(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return std::unexpected("--token-file " + path.string() + ": cannot read");
  std::stringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  auto isSpace = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && isSpace(text.back())) text.pop_back();
  std::size_t start = 0;
  while (start < text.size() && isSpace(text[start])) ++start;
  text.erase(0, start);
  if (text.empty()) return std::unexpected("--token-file " + path.string() + ": empty token");
  for (char c : text) {
    if (isSpace(c)) {
      return std::unexpected("--token-file " + path.string() + ": token contains whitespace");
    }
  }
  return text;
}

}  // namespace ovse::manager::daemon
