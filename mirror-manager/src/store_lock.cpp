// The store's writer lock (see store_lock.h): flock(2) on <store>.lock, whose contents name
// the holder. The kernel drops the lock when its holder exits, however it exits.
#include "mirror_manager/store_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <thread>

#include "mirror_manager/json_text.h"

namespace ovse::manager {
namespace {

std::string describe(const StoreHolder& h) {
  return h.program + " (pid " + std::to_string(h.pid) + ")" +
         (h.server.empty() ? "" : ", API at " + h.server);
}

std::optional<StoreHolder> readHolder(int fd) {
  char buf[1024];
  const ssize_t n = ::pread(fd, buf, sizeof buf, 0);
  if (n <= 0) return std::nullopt;
  auto parsed = parseJson(std::string_view(buf, static_cast<std::size_t>(n)));
  if (!parsed || !parsed->is_object()) return std::nullopt;
  const nlohmann::json& j = *parsed;
  StoreHolder h;
  if (j.contains("pid") && j["pid"].is_number_integer()) h.pid = j["pid"].get<long>();
  if (j.contains("program") && j["program"].is_string()) h.program = j["program"];
  if (j.contains("server") && j["server"].is_string()) h.server = j["server"];
  return h;
}

void writeHolder(int fd, const StoreHolder& h) {
  nlohmann::json j{{"pid", static_cast<long>(::getpid())}, {"program", h.program}};
  if (!h.server.empty()) j["server"] = h.server;
  const std::string text = dumpJson(j) + "\n";
  if (::ftruncate(fd, 0) == 0) {
    [[maybe_unused]] ssize_t n = ::pwrite(fd, text.data(), text.size(), 0);
  }
}

int openLockFile(const std::filesystem::path& store) {
  std::error_code ec;
  if (store.has_parent_path()) std::filesystem::create_directories(store.parent_path(), ec);
  return ::open(storeLockPath(store).c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
}

}  // namespace

std::filesystem::path storeLockPath(const std::filesystem::path& store) {
  return store.string() + ".lock";
}

std::expected<StoreLock, std::string> StoreLock::acquire(const std::filesystem::path& store,
                                                         const StoreHolder& holder,
                                                         std::chrono::milliseconds wait) {
  const int fd = openLockFile(store);
  if (fd < 0) {
    return std::unexpected("cannot open " + storeLockPath(store).string() + ": " +
                           std::strerror(errno));
  }
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const bool busy = errno == EWOULDBLOCK;
    // A daemon holds the store for as long as it runs: waiting for it is pointless.
    auto other = readHolder(fd);
    const bool daemon = other && other->program == "mirrorctl serve";
    if (!busy || daemon || std::chrono::steady_clock::now() >= deadline) {
      ::close(fd);
      return std::unexpected("the session store " + store.string() + " is in use by " +
                             (other ? describe(*other) : std::string("another writer")));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  writeHolder(fd, holder);
  return StoreLock(fd);
}

std::optional<StoreHolder> StoreLock::holder(const std::filesystem::path& store) {
  const int fd = ::open(storeLockPath(store).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return std::nullopt;
  // Free if we can take it ourselves (shared, so a holder is not disturbed).
  if (::flock(fd, LOCK_SH | LOCK_NB) == 0) {
    ::close(fd);
    return std::nullopt;
  }
  auto h = readHolder(fd);
  ::close(fd);
  return h ? h : std::optional<StoreHolder>(StoreHolder{0, "another writer", ""});
}

StoreLock& StoreLock::operator=(StoreLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

StoreLock::~StoreLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace ovse::manager
