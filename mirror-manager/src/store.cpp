// The session store's file I/O: load with precise errors, save atomically (temp file + fsync +
// rename + directory fsync) so a crash leaves either the old file or the new one, never a mix.
#include "mirror_manager/store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <system_error>

#include "mirror_manager/json_text.h"
#include "mirror_manager/session_json.h"

namespace ovse::manager {

namespace {

using nlohmann::json;

// Closes a file descriptor when it goes out of scope.
class UniqueFd {
 public:
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }
  int get() const { return fd_; }
  /// Closes now; returns close()'s result so write errors reported late are not lost.
  int reset() {
    int rc = fd_ >= 0 ? ::close(fd_) : 0;
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

std::string errnoText(int err) { return std::strerror(err); }

// The whole file, or nothing when it does not exist, or an error.
std::expected<std::optional<std::string>, std::string> readFile(const std::filesystem::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::nullopt;
    return std::unexpected(path.string() + ": " + errnoText(errno));
  }
  std::string text;
  char buf[64 * 1024];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::unexpected(path.string() + ": " + errnoText(errno));
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  return text;
}

// "FILE:LINE:COLUMN: why" for a JSON document parseJson() refused, at the byte it names.
std::string syntaxError(const std::filesystem::path& path, std::string_view text,
                        const JsonParseError& e) {
  const std::size_t pos = std::min(e.byte == 0 ? 0 : e.byte - 1, text.size());
  std::size_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < pos; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  const std::size_t column = pos - line_start + 1;
  return path.string() + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " +
         (e.too_deep ? "JSON " : "") + e.reason;
}

// The sessions of a parsed store document, or an error naming the field.
std::expected<std::vector<Session>, FieldError> sessionsOfDocument(const json& doc) {
  if (!doc.is_object()) return std::unexpected(FieldError{"", "expected an object"});
  for (const auto& [key, value] : doc.items()) {
    if (key != "schema_version" && key != "sessions") {
      return std::unexpected(FieldError{key, "unknown field"});
    }
  }
  auto version = doc.find("schema_version");
  if (version == doc.end()) return std::unexpected(FieldError{"schema_version", "missing"});
  if (!version->is_number_unsigned() || version->get<std::uint64_t>() != kStoreSchemaVersion) {
    return std::unexpected(FieldError{
        "schema_version", dumpJson(*version) + " is not supported (this program reads version " +
                              std::to_string(kStoreSchemaVersion) + ")"});
  }
  auto sessions = doc.find("sessions");
  if (sessions == doc.end()) return std::vector<Session>{};
  auto list = sessionsFromJson(*sessions);
  if (!list) return list;
  // Names are the store's keys; a file edited by hand might repeat one.
  for (std::size_t i = 0; i < list->size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if ((*list)[i].name == (*list)[j].name) {
        return std::unexpected(FieldError{"sessions[" + std::to_string(i) + "].name",
                                          dumpJson((*list)[i].name) + " appears twice"});
      }
    }
  }
  return list;
}

// write(2) until everything is written.
bool writeAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Creates, fills and syncs a temporary file next to `path`; returns its name.
std::expected<std::string, std::string> writeTemp(const std::filesystem::path& path,
                                                  std::string_view data) {
  std::string name = (path.parent_path() / ("." + path.filename().string() + ".tmp.XXXXXX"));
  UniqueFd fd(::mkostemp(name.data(), O_CLOEXEC));
  if (fd.get() < 0) {
    return std::unexpected("cannot create a temporary file for " + path.string() + ": " +
                           errnoText(errno));
  }
  // mkostemp's mode is subject to the umask; the store holds collector addresses: 0600 exactly.
  bool ok = ::fchmod(fd.get(), 0600) == 0 && writeAll(fd.get(), data) && ::fsync(fd.get()) == 0;
  int err = errno;
  if (fd.reset() != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (!ok) {
    ::unlink(name.c_str());
    return std::unexpected("cannot write " + path.string() + ": " + errnoText(err));
  }
  return name;
}

std::expected<void, std::string> writeFileAtomically(const std::filesystem::path& path,
                                                     std::string_view data) {
  const std::filesystem::path dir = path.parent_path().empty() ? "." : path.parent_path();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return std::unexpected("cannot create directory " + dir.string() + " for " + path.string() +
                           ": " + ec.message());
  }
  auto temp = writeTemp(dir / path.filename(), data);
  if (!temp) return std::unexpected(temp.error());
  if (::rename(temp->c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(temp->c_str());
    return std::unexpected("cannot replace " + path.string() + ": " + errnoText(err));
  }
  // The rename is durable only once the directory entry is on disk.
  UniqueFd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() < 0 || ::fsync(dir_fd.get()) != 0) {
    return std::unexpected("cannot sync directory " + dir.string() + ": " + errnoText(errno));
  }
  return {};
}

}  // namespace

std::expected<std::vector<Session>, std::string> sessionsFromStoreText(
    std::string_view text, const std::filesystem::path& path) {
  // A hand-edited file is untrusted input too: parseJson() limits its depth.
  auto doc = parseJson(text);
  if (!doc) return std::unexpected(syntaxError(path, text, doc.error()));
  auto sessions = sessionsOfDocument(*doc);
  if (!sessions) return std::unexpected(path.string() + ": " + sessions.error().text());
  return std::move(*sessions);
}

std::expected<SessionStore, std::string> SessionStore::open(std::filesystem::path path) {
  SessionStore store(std::move(path));
  auto text = readFile(store.path_);
  if (!text) return std::unexpected(text.error());
  if (!*text) return store;
  auto sessions = sessionsFromStoreText(**text, store.path_);
  if (!sessions) return std::unexpected(sessions.error());
  store.sessions_ = std::move(*sessions);
  return store;
}

const Session* SessionStore::find(std::string_view name) const {
  auto it = std::find_if(sessions_.begin(), sessions_.end(),
                         [&](const Session& s) { return s.name == name; });
  return it == sessions_.end() ? nullptr : &*it;
}

bool SessionStore::upsert(Session s) {
  auto it = std::find_if(sessions_.begin(), sessions_.end(),
                         [&](const Session& o) { return o.name == s.name; });
  if (it != sessions_.end()) {
    *it = std::move(s);
    return false;
  }
  sessions_.push_back(std::move(s));
  return true;
}

bool SessionStore::remove(std::string_view name) {
  return std::erase_if(sessions_, [&](const Session& s) { return s.name == name; }) > 0;
}

std::expected<void, std::string> SessionStore::save() const {
  const json doc = {{"schema_version", kStoreSchemaVersion},
                    {"sessions", sessionsToJson(sessions_)}};
  // replace: a name set through the API may hold invalid UTF-8; never throw out of save().
  return writeFileAtomically(path_, dumpJson(doc, 2) + "\n");
}

}  // namespace ovse::manager
