// Bearer tokens (see auth.h).
#include "mirror_manager/daemon/auth.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace ovse::manager::daemon {
namespace {

constexpr off_t kMaxTokenBytes = 4096;

}  // namespace

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
  const std::string where = "--token-file " + path.string();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return std::unexpected(where + ": cannot read: " + std::strerror(errno));
  struct stat st {};
  std::string text;
  const bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= kMaxTokenBytes;
  if (ok) {
    text.resize(static_cast<std::size_t>(st.st_size));
    const ssize_t n = ::read(fd, text.data(), text.size());
    text.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
  }
  ::close(fd);
  if (!ok) {
    return std::unexpected(where + ": not a regular file of at most " +
                           std::to_string(kMaxTokenBytes) + " bytes");
  }
  // Like ssh with a private key: a secret others can read is no secret, so say so rather than
  // use it.
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return std::unexpected(where + ": other users can access it (mode " + mode +
                           "); run chmod 600 " + path.string());
  }
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
