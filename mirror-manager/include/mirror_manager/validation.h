// Static validation of a mirror session: the rules that need no OVS state (ranges, names,
// consistency between fields and with the other stored sessions). Rules that need the live switch
// (ports exist, 32 mirrors per bridge, the loop guard) are checked where that state is known.
#pragma once

#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mirror_manager/session.h"

namespace ovse::manager {

/// One finding about a session: the field's path (as in the JSON form, e.g. `sources[1].mac`,
/// `destination.session_id`) and a message that names the value given.
struct Issue {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  std::string path;
  std::string message;

  /// "path: message", e.g. `destination.session_id: 1500 is above 1023`; the severity is not
  /// included (see toString(Severity)).
  std::string text() const;

  bool operator==(const Issue&) const = default;
};

/// "error" or "warning".
const char* toString(Issue::Severity s);

/// Longest session name: it becomes an OVSDB Mirror name and part of file names.
inline constexpr std::size_t kMaxSessionNameChars = 64;

/// Where `mirrorctl serve` writes capture sessions' files unless `--capture-dir` says otherwise.
inline constexpr std::string_view kDefaultCaptureDir = "/var/lib/ovs-erspan/captures";

/// What the rules need to know beyond the sessions: the host's capture directory (absolute).
struct ValidationContext {
  std::string capture_dir{kDefaultCaptureDir};
};

/// The one rule for a capture session's `destination.file`: a name or relative path inside
/// `capture_dir`, or an absolute path inside it. Returns the stored form, relative and lexically
/// normal ("/dir/a/./b.pcapng" → "a/b.pcapng"); an error message naming the value and the
/// directory for anything else (absolute elsewhere, ".." leaving it, the directory itself).
std::expected<std::string, std::string> captureFileWithin(std::string_view file,
                                                          std::string_view capture_dir);

/// Puts a capture session's file into its stored form (captureFileWithin) when it is inside the
/// directory; anything else is left as given for validateSession to report.
void normalizeCaptureFile(Session& s, const ValidationContext& context);

/// Checks `s` against every static rule. `others` are the other stored sessions (for unique names,
/// destination ports and capture files); a session in `others` named `replacing` is the stored
/// version of the one being changed and is ignored (pass `s.name` when updating in place, the old
/// name when renaming, nothing when creating). Errors and warnings come in rule order.
std::vector<Issue> validateSession(const Session& s, std::span<const Session> others,
                                   std::string_view replacing = {},
                                   const ValidationContext& context = {});

/// True if any issue is an error (warnings alone do not block a session).
bool hasErrors(const std::vector<Issue>& issues);

/// `mac` in canonical form (six colon-separated hex pairs, lower case), or nothing if it is not a
/// MAC address.
std::optional<std::string> normalizeMac(std::string_view mac);

}  // namespace ovse::manager
