// Following the store file: the part the three loops that keep a switch matching the store share
// (the daemon of `serve`, `hosts --reconcile` for a fleet, `ovn sync --watch` for OVN's NB).
// Each reads the store again when the file's modification time changes (a hand edit, another
// writer's save) or on SIGHUP; what each then does with the sessions is its own (README:
// "One store, three backends").
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mirror_manager/session.h"

namespace ovse::manager {

/// Whether the store file changed since the last look, by its modification time.
class StoreWatch {
 public:
  explicit StoreWatch(std::filesystem::path path) : path_(std::move(path)) {}

  /// True on the first call and whenever the file's modification time differs from the last
  /// call's. A missing file has a time of its own (it is the empty store, as SessionStore::open
  /// has it), so a store that appears or disappears is a change.
  bool changed();

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::optional<std::filesystem::file_time_type> seen_;
};

/// The sessions a loop must apply, read from the store when it changed, when a reload was asked
/// for (SIGHUP) or when the re-sync period ran out (OVN: hand edits of the NB database).
class StoreFollower {
 public:
  using Log = std::function<void(const std::string&)>;
  /// `resync` zero: read only on a change or a request.
  StoreFollower(std::filesystem::path path, Log log,
                std::chrono::milliseconds resync = std::chrono::milliseconds(0));

  /// The store's sessions when they are to be applied now, else nullopt. A store that cannot
  /// be read (bad JSON, a session that does not parse) is logged, once per distinct error, and
  /// gives nullopt: the sessions applied before stay in force. Static rules (ranges, clashes)
  /// are the reconciler's and the OVN planner's: an invalid session stays in the file and
  /// shows error with its field.
  std::optional<std::vector<Session>> poll();

  /// Makes the next poll() read the store. Async-signal-safe (a SIGHUP handler may call it).
  void requestReload() { reload_requested_.store(true); }

 private:
  StoreWatch watch_;
  Log log_;
  std::chrono::milliseconds resync_;
  std::chrono::steady_clock::time_point next_resync_{};
  std::atomic<bool> reload_requested_{false};
  std::string last_error_;
};

}  // namespace ovse::manager
