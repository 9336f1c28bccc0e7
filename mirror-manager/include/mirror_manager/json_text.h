// JSON text in and out of the manager, the daemon and the CLI: every JSON document read from a
// user, a request or a file goes through parseJson() (a nesting-depth limit checked before
// nlohmann builds anything, so no later recursive walk can overflow the stack), and every JSON
// written for output goes through dumpJson() (invalid UTF-8 replaced, never throws).
#pragma once

#include <cstddef>
#include <expected>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace ovse::manager {

/// The deepest nesting of arrays and objects parseJson() accepts by default. A session is about
/// five levels deep; nlohmann's copy, comparison, merge_patch and dump() recurse per level.
inline constexpr std::size_t kMaxJsonDepth = 64;

/// Why a text is not an acceptable JSON document.
struct JsonParseError {
  /// Where parsing stopped: the 1-based position of the offending byte (nlohmann's convention;
  /// one past the end for a truncated document).
  std::size_t byte = 0;
  /// What is wrong, without the position, e.g. "nested deeper than 64 levels" or nlohmann's
  /// "syntax error while parsing value - unexpected ','; expected '[', '{', or a literal".
  std::string reason;
  /// True when the document was refused for its depth (before nlohmann parsed it).
  bool too_deep = false;

  /// "JSON nested deeper than 64 levels at byte N" or "malformed JSON at byte N: <reason>".
  std::string message() const;

  bool operator==(const JsonParseError&) const = default;
};

/// Parses one JSON document (RFC 8259, strict: no comments, valid UTF-8, nothing after it).
/// Refuses input nested deeper than `max_depth` arrays/objects before handing it to nlohmann;
/// the pre-scan is linear and skips strings, so brackets inside strings do not count.
/// Never throws.
std::expected<nlohmann::json, JsonParseError> parseJson(std::string_view text,
                                                        std::size_t max_depth = kMaxJsonDepth);

/// The byte offset (0-based) of the first opening bracket that nests deeper than `max_depth`,
/// or npos when none does. Brackets inside JSON strings are skipped; linear, no allocation.
std::size_t findTooDeep(std::string_view text, std::size_t max_depth = kMaxJsonDepth);

/// `j` as text for output (API replies, --json, files): compact when `indent` < 0, else
/// pretty-printed with `indent` spaces. Invalid UTF-8 in strings (e.g. a percent-decoded URL
/// echoed in a message) becomes U+FFFD instead of an exception. No trailing newline.
std::string dumpJson(const nlohmann::json& j, int indent = -1);

}  // namespace ovse::manager
