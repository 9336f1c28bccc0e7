// Bearer-token authentication for the daemon: loading the token file, checking the
// Authorization header in constant time, and whether a listen address needs a token at all.
#pragma once

#include <expected>
#include <filesystem>
#include <string>
#include <string_view>

namespace ovse::manager::daemon {

/// Compares `a` and `b` in time that depends only on their lengths, not on where they differ,
/// so a client cannot find the token byte by byte from response times.
bool constantTimeEquals(std::string_view a, std::string_view b);

/// True when `authorization` (the header's value) is "Bearer <token>" with exactly `token`.
/// The scheme is case-insensitive (RFC 7235); the comparison of the token is constant-time.
bool bearerMatches(std::string_view authorization, std::string_view token);

/// Reads the token from `path`: the file's contents without surrounding whitespace. An
/// unreadable file, a symlink, a file group or others may access (mode & 077), an empty token or
/// one with inner whitespace is an error naming the path and the reason.
std::expected<std::string, std::string> loadToken(const std::filesystem::path& path);

}  // namespace ovse::manager::daemon
