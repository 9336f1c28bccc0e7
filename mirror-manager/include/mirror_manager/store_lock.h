// StoreLock: the session store has one writer at a time. `mirrorctl serve` holds the lock for
// as long as it runs; `mirrorctl session` without a daemon takes it for each change. The lock
// file (<store>.lock beside the store, mode 0600) says who holds it and, for a daemon, where
// its API listens, so the CLI can send its change there instead of writing behind its back.
#pragma once

#include <chrono>
#include <expected>
#include <filesystem>
#include <optional>
#include <string>

namespace ovse::manager {

/// Who holds a store's lock, as its lock file says.
struct StoreHolder {
  long pid = 0;
  std::string program;  ///< "mirrorctl serve", "mirrorctl session"
  std::string server;   ///< for a daemon: "unix:PATH" of its API ("" when it has none)
};

class StoreLock {
 public:
  /// Takes the exclusive lock of the store at `store`, waiting up to `wait` for another holder
  /// to let go; records `holder` in the lock file. The error names the store and who holds it.
  static std::expected<StoreLock, std::string> acquire(const std::filesystem::path& store,
                                                       const StoreHolder& holder,
                                                       std::chrono::milliseconds wait);

  /// Who holds the lock of `store` now, or nullopt when nobody does (a lock file left by a
  /// holder that died does not count: the kernel released its lock).
  static std::optional<StoreHolder> holder(const std::filesystem::path& store);

  StoreLock(StoreLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  StoreLock& operator=(StoreLock&& other) noexcept;
  StoreLock(const StoreLock&) = delete;
  StoreLock& operator=(const StoreLock&) = delete;
  ~StoreLock();

 private:
  explicit StoreLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

/// "<store>.lock".
std::filesystem::path storeLockPath(const std::filesystem::path& store);

}  // namespace ovse::manager
