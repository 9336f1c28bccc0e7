// StoreWatch and StoreFollower: when a reconcile loop reads the store again.
#include "mirror_manager/store_watch.h"

#include "mirror_manager/store.h"

namespace ovse::manager {

bool StoreWatch::changed() {
  std::error_code ec;
  auto time = std::filesystem::last_write_time(path_, ec);
  if (ec) time = std::filesystem::file_time_type::min();
  if (seen_ && *seen_ == time) return false;
  seen_ = time;
  return true;
}

StoreFollower::StoreFollower(std::filesystem::path path, Log log, std::chrono::milliseconds resync)
    : watch_(std::move(path)), log_(std::move(log)), resync_(resync) {}

std::optional<std::vector<Session>> StoreFollower::poll() {
  const auto now = std::chrono::steady_clock::now();
  const bool resync_due = resync_.count() > 0 && now >= next_resync_;
  // changed() first: the time it saw is the one this read answers for.
  const bool changed = watch_.changed();
  const bool requested = reload_requested_.exchange(false);
  if (!changed && !requested && !resync_due) return std::nullopt;
  if (resync_.count() > 0) next_resync_ = now + resync_;
  auto store = SessionStore::open(watch_.path());
  if (!store) {
    if (store.error() != last_error_) log_(store.error() + " (the sessions applied before stay)");
    last_error_ = store.error();
    return std::nullopt;
  }
  last_error_.clear();
  return store->sessions();
}

}  // namespace ovse::manager
