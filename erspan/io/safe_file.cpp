// Safe file creation: confined opens (openat2 or an O_NOFOLLOW walk), the earlier file renamed
// aside within its own directory (renameat2 RENAME_NOREPLACE), O_EXCL creation with mode 0600.
#include "erspan/io/safe_file.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <utility>
#include <vector>

namespace ovse::erspan::io {
namespace {

/// Attempts at creating a file whose name keeps being taken (by a racing writer).
constexpr int kCreateAttempts = 8;
/// Aside names tried per second of modification time ("-1" ... "-999").
constexpr unsigned kAsideAttempts = 1000;

std::string errnoText(int err) {
  return std::string(std::strerror(err)) + " (errno " + std::to_string(err) + ")";
}

std::string reasonText(int err) {
  if (err == ELOOP) return "a symbolic link is in the way; not followed";
  if (err == EXDEV) return "it leads outside the directory";
  return errnoText(err);
}

/// Owns a descriptor for the length of one function.
struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

/// The non-empty, non-"." components of `path`.
std::vector<std::string_view> components(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view part = path.substr(start, end - start);
    if (!part.empty() && part != ".") out.push_back(part);
    start = end + 1;
  }
  return out;
}

/// Splits "a/b/c.pcapng" into "a/b" and "c.pcapng" ("" directory for a bare name).
std::pair<std::string, std::string> splitLast(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {"", path};
  return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

/// mkdir -p of `dir` as the user wrote it (mode 0700 for new directories).
bool makeParents(const std::string& dir, std::string& error) {
  std::string partial = dir.starts_with('/') ? "" : ".";
  for (const std::string_view part : components(dir)) {
    partial += "/";
    partial += part;
    if (mkdir(partial.c_str(), kPrivateDirMode) != 0 && errno != EEXIST) {
      error = "cannot create directory '" + partial + "': " + errnoText(errno);
      return false;
    }
  }
  return true;
}

/// Renames the non-empty `name` (in `dir_fd`, modified at `mtime`) to a free aside name; returns
/// that name.
std::expected<std::string, int> renameAside(int dir_fd, const std::string& name,
                                            std::time_t mtime) {
  std::tm tm{};
  localtime_r(&mtime, &tm);
  for (unsigned n = 0; n < kAsideAttempts; ++n) {
    const std::string aside = asideName(name, tm, n);
    // RENAME_NOREPLACE: an aside name taken meanwhile is never replaced.
    if (renameat2(dir_fd, name.c_str(), dir_fd, aside.c_str(), RENAME_NOREPLACE) == 0) {
      return aside;
    }
    if (errno == EEXIST) continue;
    if (errno != EINVAL && errno != ENOSYS) return std::unexpected(errno);
    // A file system without RENAME_NOREPLACE: check first, then rename.
    struct stat st {};
    if (fstatat(dir_fd, aside.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) continue;
    if (renameat(dir_fd, name.c_str(), dir_fd, aside.c_str()) == 0) return aside;
    return std::unexpected(errno);
  }
  return std::unexpected(EEXIST);
}

/// What stands at `name` in `dir_fd` before creating: returns an open descriptor when the
/// existing file is to be written as it is (overwrite, or a device), -1 when the name is now
/// free, or an error message.
std::expected<int, std::string> makeRoom(int dir_fd, const std::string& name,
                                         const std::string& shown, bool confined,
                                         const FileCreateOptions& options, std::string& aside) {
  struct stat st {};
  if (fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return -1;
    return std::unexpected("cannot look at '" + shown + "': " + errnoText(errno));
  }
  if (S_ISLNK(st.st_mode)) {
    return std::unexpected("'" + shown + "' is a symbolic link; not written through");
  }
  if (S_ISDIR(st.st_mode)) return std::unexpected("'" + shown + "' is a directory");
  if (!S_ISREG(st.st_mode)) {
    // A device or FIFO the user named (/dev/null, a pipe to a reader): written as it is.
    if (confined) return std::unexpected("'" + shown + "' is not a regular file");
    const int fd = openBeneath(dir_fd, name, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return std::unexpected("cannot open '" + shown + "': " + errnoText(-fd));
    return fd;
  }
  if (options.overwrite) {
    const int fd = openBeneath(dir_fd, name, O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0) return std::unexpected("cannot truncate '" + shown + "': " + reasonText(-fd));
    fchmod(fd, kPrivateFileMode);  // the file's earlier mode goes with its earlier contents
    return fd;
  }
  if (st.st_size == 0) {
    // Nothing to keep; removing it lets O_EXCL create a file that is surely ours.
    if (unlinkat(dir_fd, name.c_str(), 0) != 0 && errno != ENOENT) {
      return std::unexpected("cannot replace the empty '" + shown + "': " + errnoText(errno));
    }
    return -1;
  }
  auto kept = renameAside(dir_fd, name, st.st_mtime);
  if (!kept) {
    return std::unexpected("cannot keep the earlier '" + shown +
                           "' aside: " + errnoText(kept.error()));
  }
  aside = *kept;
  return -1;
}

/// Creates `name` in `dir_fd` (the file's own directory). `shown_dir` prefixes names in messages.
std::expected<CreatedFile, std::string> createIn(int dir_fd, const std::string& name,
                                                 const std::string& shown_dir, bool confined,
                                                 const FileCreateOptions& options) {
  const std::string prefix = shown_dir.empty() ? "" : shown_dir == "/" ? "/" : shown_dir + "/";
  const std::string shown = prefix + name;
  if (name.empty() || name == "." || name == "..") {
    return std::unexpected("'" + shown + "' does not name a file");
  }
  CreatedFile out;
  for (int attempt = 0; attempt < kCreateAttempts; ++attempt) {
    std::string aside;
    auto room = makeRoom(dir_fd, name, shown, confined, options, aside);
    if (!room) return std::unexpected(room.error());
    if (!aside.empty()) out.kept_aside = prefix + aside;
    if (*room >= 0) {
      struct stat st {};
      out.fd = *room;
      out.regular = fstat(out.fd, &st) == 0 && S_ISREG(st.st_mode);
      return out;
    }
    const int fd =
        openBeneath(dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kPrivateFileMode);
    if (fd >= 0) {
      out.fd = fd;
      return out;
    }
    // EEXIST: another writer took the name after we made room; look again.
    if (fd != -EEXIST) return std::unexpected("cannot create '" + shown + "': " + reasonText(-fd));
  }
  return std::unexpected("cannot create '" + shown + "': the name keeps being taken");
}

/// Opens the directory of a file to create, and its last component.
struct Parent {
  int fd = -1;
  std::string name;
  std::string shown_dir;
};

std::expected<Parent, std::string> openParent(const std::string& path,
                                              const FileCreateOptions& options) {
  auto [dir, name] = splitLast(path);
  Parent parent{-1, name, dir};
  if (options.dir_fd >= 0) {
    if (path.starts_with('/')) {
      return std::unexpected("'" + path + "' is not relative to the capture directory");
    }
    auto fd = makeDirsBeneath(options.dir_fd, dir);
    if (!fd) return std::unexpected(fd.error());
    parent.fd = *fd;
    return parent;
  }
  std::string error;
  if (!makeParents(dir, error)) return std::unexpected(error);
  parent.fd = ::open(dir.empty() ? "." : dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (parent.fd < 0) {
    return std::unexpected("cannot open directory '" + (dir.empty() ? "." : dir) +
                           "': " + errnoText(errno));
  }
  return parent;
}

}  // namespace

int openBeneathByWalk(int dir_fd, std::string_view relative, int flags, mode_t mode) noexcept {
  if (relative.starts_with('/')) return -EXDEV;
  const auto parts = components(relative);
  if (parts.empty()) return -ENOENT;
  int current = dir_fd;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string part(parts[i]);
    const bool last = i + 1 == parts.size();
    int fd = -1;
    if (part == "..") {
      errno = EXDEV;
    } else if (last) {
      fd = openat(current, part.c_str(), flags | O_NOFOLLOW, mode);
    } else {
      fd = openat(current, part.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
    int err = errno;
    struct stat st {};
    // O_NOFOLLOW | O_DIRECTORY on a link says ENOTDIR; say what openat2 says (ELOOP).
    if (fd < 0 && (err == ENOTDIR || err == ELOOP) &&
        fstatat(current, part.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
      err = ELOOP;
    }
    if (current != dir_fd) ::close(current);
    if (fd < 0) return -err;
    current = fd;
  }
  return current;
}

int openBeneath(int dir_fd, std::string_view relative, int flags, mode_t mode) noexcept {
  const std::string path(relative);
  open_how how{};
  // RESOLVE_NO_SYMLINKS refuses a link anywhere, the last component included (ELOOP).
  how.flags = static_cast<std::uint64_t>(flags);
  how.mode = (flags & O_CREAT) != 0 ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS;
  for (int attempt = 0;; ++attempt) {
    const long fd = syscall(SYS_openat2, dir_fd, path.c_str(), &how, sizeof how);
    if (fd >= 0) return static_cast<int>(fd);
    // EAGAIN: a rename raced the lookup (the kernel asks for a retry).
    if ((errno == EAGAIN || errno == EINTR) && attempt < kCreateAttempts) continue;
    if (errno == ENOSYS) break;
    return -errno;
  }
  return openBeneathByWalk(dir_fd, relative, flags, mode);
}

std::expected<int, std::string> makeDirsBeneath(int dir_fd, std::string_view relative) {
  int current = fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
  if (current < 0) return std::unexpected("cannot use the directory: " + errnoText(errno));
  std::string walked;
  for (const std::string_view part_view : components(relative)) {
    const std::string part(part_view);
    walked += walked.empty() ? part : "/" + part;
    if (part != ".." && mkdirat(current, part.c_str(), kPrivateDirMode) != 0 && errno != EEXIST) {
      const int err = errno;
      ::close(current);
      return std::unexpected("cannot create directory '" + walked + "': " + errnoText(err));
    }
    const int next = openBeneath(current, part, O_PATH | O_DIRECTORY | O_CLOEXEC);
    ::close(current);
    if (next < 0) {
      return std::unexpected("cannot open directory '" + walked + "': " + reasonText(-next));
    }
    current = next;
  }
  return current;
}

std::string asideName(std::string_view name, const std::tm& mtime, unsigned n) {
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "-%Y%m%d-%H%M%S", &mtime);
  std::string suffix = stamp;
  if (n > 0) suffix += "-" + std::to_string(n);
  // The extension is what follows the last dot, unless the dot starts the name (".pcapng").
  const std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return std::string(name) + suffix;
  return std::string(name.substr(0, dot)) + suffix + std::string(name.substr(dot));
}

std::expected<CreatedFile, std::string> createFile(const std::string& path,
                                                   const FileCreateOptions& options) {
  auto parent = openParent(path, options);
  if (!parent) return std::unexpected(parent.error());
  Fd dir(parent->fd);
  return createIn(dir.fd, parent->name, parent->shown_dir, options.dir_fd >= 0, options);
}

std::expected<std::string, std::string> keepEarlierFile(const std::string& path,
                                                        const FileCreateOptions& options) {
  auto parent = openParent(path, options);
  if (!parent) return std::unexpected(parent.error());
  Fd dir(parent->fd);
  const std::string& dir_text = parent->shown_dir;
  const std::string prefix = dir_text.empty() ? "" : dir_text == "/" ? "/" : dir_text + "/";
  struct stat st {};
  if (fstatat(dir.fd, parent->name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return std::string();
    return std::unexpected("cannot look at '" + path + "': " + errnoText(errno));
  }
  if (S_ISLNK(st.st_mode)) {
    return std::unexpected("'" + path + "' is a symbolic link; not written through");
  }
  if (!S_ISREG(st.st_mode) || st.st_size == 0) return std::string();
  auto kept = renameAside(dir.fd, parent->name, st.st_mtime);
  if (!kept) {
    return std::unexpected("cannot keep the earlier '" + path +
                           "' aside: " + errnoText(kept.error()));
  }
  return prefix + *kept;
}

bool removeFile(const std::string& path, const FileCreateOptions& options) noexcept {
  if (options.dir_fd < 0) return ::unlink(path.c_str()) == 0;
  const auto [dir, name] = splitLast(path);
  const int dir_fd = dir.empty() ? fcntl(options.dir_fd, F_DUPFD_CLOEXEC, 0)
                                 : openBeneath(options.dir_fd, dir, O_PATH | O_DIRECTORY);
  if (dir_fd < 0) return false;
  Fd guard(dir_fd);
  return unlinkat(dir_fd, name.c_str(), 0) == 0;
}

std::expected<ConfinedDir, std::string> ConfinedDir::open(const std::string& path) {
  std::string error;
  if (!makeParents(path, error)) return std::unexpected(error);
  ConfinedDir dir;
  dir.fd_ = ::open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir.fd_ < 0)
    return std::unexpected("cannot open directory '" + path + "': " + errnoText(errno));
  dir.path_ = path;
  return dir;
}

ConfinedDir::~ConfinedDir() {
  if (fd_ >= 0) ::close(fd_);
}

ConfinedDir::ConfinedDir(ConfinedDir&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

ConfinedDir& ConfinedDir::operator=(ConfinedDir&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

}  // namespace ovse::erspan::io
