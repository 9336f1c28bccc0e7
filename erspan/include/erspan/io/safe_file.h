// The one way capture, collector and `export --write` files are created: never over an earlier
// file (a non-empty one is renamed aside with its modification time, web.pcapng →
// web-20261123-101500.pcapng), created with O_EXCL and mode 0600, the last component never
// followed when it is a symbolic link. Confined, relative to a directory descriptor, nothing is
// followed at all: openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS), or a walk of O_NOFOLLOW
// openat calls on kernels without openat2.
#pragma once

#include <sys/types.h>

#include <ctime>
#include <expected>
#include <string>
#include <string_view>

namespace ovse::erspan::io {

/// Mode of every file created here (owner only: captures hold other people's traffic).
inline constexpr mode_t kPrivateFileMode = 0600;
/// Mode of every directory created here.
inline constexpr mode_t kPrivateDirMode = 0700;

/// How a file is created.
struct FileCreateOptions {
  /// When >= 0, paths are relative to this directory and no symbolic link is followed (the
  /// caller keeps it open); -1: paths are taken as given, only the last component is not followed.
  int dir_fd = -1;
  /// Truncate an existing regular file (tcpdump's behaviour) instead of renaming it aside.
  bool overwrite = false;

  bool operator==(const FileCreateOptions&) const = default;
};

/// A file created for writing.
struct CreatedFile {
  int fd = -1;  ///< write-only, close-on-exec; owned by the caller
  /// The earlier file's new name, written like the path given ("" when nothing was kept).
  std::string kept_aside;
  bool regular = true;  ///< false for an existing device or FIFO (only without confinement)
};

/// Creates `path` for writing as the options say; missing parent directories are created 0700.
/// The error names the path and the reason (errno text).
[[nodiscard]] std::expected<CreatedFile, std::string> createFile(const std::string& path,
                                                                 const FileCreateOptions& options);

/// Renames a non-empty regular file at `path` (resolved as createFile does) aside to
/// asideName(...) within its own directory; returns the new name written like `path`, or ""
/// when there was nothing to keep. A symbolic link at `path` is an error (never followed).
[[nodiscard]] std::expected<std::string, std::string> keepEarlierFile(
    const std::string& path, const FileCreateOptions& options);

/// Removes the file `path` (as createFile resolves it); false when it could not.
bool removeFile(const std::string& path, const FileCreateOptions& options) noexcept;

/// Opens `relative` beneath `dir_fd` without following any symbolic link and without leaving
/// the directory: openat2 with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS, openBeneathByWalk when
/// the kernel has no openat2. Returns the descriptor or -errno (ELOOP for a link, EXDEV for a
/// path that leaves the directory).
[[nodiscard]] int openBeneath(int dir_fd, std::string_view relative, int flags,
                              mode_t mode = 0) noexcept;

/// The fallback of openBeneath: one openat per component, O_NOFOLLOW each (O_DIRECTORY for the
/// directories); ".." and absolute paths are refused with -EXDEV.
[[nodiscard]] int openBeneathByWalk(int dir_fd, std::string_view relative, int flags,
                                    mode_t mode = 0) noexcept;

/// Opens the directory `relative` beneath `dir_fd` (O_PATH), creating missing components with
/// mode 0700 the same confined way. "" opens a duplicate of `dir_fd`.
[[nodiscard]] std::expected<int, std::string> makeDirsBeneath(int dir_fd,
                                                              std::string_view relative);

/// The name an earlier file `name` is kept under: its modification time `mtime` (local time)
/// before the extension, then "-N" for the Nth name taken (n = 0: none).
/// asideName("web.pcapng", t, 0) == "web-20261123-101500.pcapng".
[[nodiscard]] std::string asideName(std::string_view name, const std::tm& mtime, unsigned n);

/// A directory held open (O_PATH) for confined files: the daemon's capture directory.
class ConfinedDir {
 public:
  /// Creates `path` (and its parents, mode 0700) when missing and opens it. The error names
  /// the path and the reason.
  [[nodiscard]] static std::expected<ConfinedDir, std::string> open(const std::string& path);
  ConfinedDir() = default;
  ~ConfinedDir();
  ConfinedDir(ConfinedDir&& other) noexcept;
  ConfinedDir& operator=(ConfinedDir&& other) noexcept;

  /// The descriptor (-1 when not open).
  [[nodiscard]] int fd() const noexcept { return fd_; }
  /// The path it was opened at.
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

}  // namespace ovse::erspan::io
