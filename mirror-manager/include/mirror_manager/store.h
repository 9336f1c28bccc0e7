// The desired-state store: the sessions a user asked for, kept in one JSON file
// `{"schema_version": 1, "sessions": [...]}` that is replaced atomically on every save.
#pragma once

#include <expected>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "mirror_manager/session.h"

namespace ovse::manager {

/// Where the store lives unless `--store` says otherwise.
inline constexpr std::string_view kDefaultStorePath = "/var/lib/ovs-erspan/sessions.json";

/// The file format this program reads and writes.
inline constexpr int kStoreSchemaVersion = 1;

/// The sessions of a store file's text, checked as open() checks them; errors are worded as
/// open()'s with `path` naming the file ("FILE:3:14: ..."). Pure: reads no file.
std::expected<std::vector<Session>, std::string> sessionsFromStoreText(
    std::string_view text, const std::filesystem::path& path);

/// Sessions in memory plus the file they came from. Not thread-safe; one owner at a time.
class SessionStore {
 public:
  /// Loads the store at `path`. A missing file is an empty store. A file that is not valid JSON
  /// is an error naming the path, line and column ("FILE:3:14: ..."); a file of another schema
  /// version, or whose sessions do not parse, is an error naming the field. A store that failed
  /// to open cannot be saved, so a damaged file is never overwritten.
  static std::expected<SessionStore, std::string> open(std::filesystem::path path);

  /// The stored sessions, in the order they were first added.
  const std::vector<Session>& sessions() const { return sessions_; }

  /// The session named `name`, or nullptr. The pointer is valid until the next change.
  const Session* find(std::string_view name) const;

  /// Adds `s`, or replaces the session with the same name in place. Returns true if it was new.
  /// Does not validate (see validateSession()) and does not save.
  bool upsert(Session s);

  /// Removes the session named `name`; returns false if there was none. Does not save.
  bool remove(std::string_view name);

  /// Writes the store: a temporary file in the same directory (mode 0600), fsync, rename over
  /// the old file, fsync of the directory; parent directories are created. On failure the old
  /// file is left as it was and the error names the path and the reason.
  std::expected<void, std::string> save() const;

  /// The file this store reads and writes.
  const std::filesystem::path& path() const { return path_; }

 private:
  explicit SessionStore(std::filesystem::path path) : path_(std::move(path)) {}

  std::filesystem::path path_;
  std::vector<Session> sessions_;
};

}  // namespace ovse::manager
