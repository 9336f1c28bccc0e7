// io::createFile and the confined opener on the real file system (a private temp directory):
// never over an earlier file, never through a symbolic link, never outside the directory, 0600.
#include "erspan/io/safe_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "erspan/io/pcap_file_sink.h"

namespace ovse::erspan::io {
namespace {

namespace fs = std::filesystem;

std::string readAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

void writeText(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

mode_t modeOf(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

// Sets `p`'s modification time to `t` (seconds since the epoch).
void setMtime(const fs::path& p, std::time_t t) {
  const timespec times[2] = {{t, 0}, {t, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, p.c_str(), times, 0), 0);
}

std::string expectedAside(const std::string& name, std::time_t t, unsigned n) {
  std::tm tm{};
  localtime_r(&t, &tm);
  return asideName(name, tm, n);
}

class SafeFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("safe_file_test." + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "caps");
    fs::create_directories(dir_ / "outside");
    caps_fd_ = ::open((dir_ / "caps").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(caps_fd_, 0);
    old_umask_ = ::umask(022);  // what a root shell usually has: would give 0644 without care
  }
  void TearDown() override {
    ::umask(old_umask_);
    if (caps_fd_ >= 0) ::close(caps_fd_);
    fs::remove_all(dir_);
  }
  FileCreateOptions confined() const { return {.dir_fd = caps_fd_}; }
  // Creates `path` as `options` say and closes it; the error text otherwise.
  std::expected<CreatedFile, std::string> create(const std::string& path,
                                                 const FileCreateOptions& options) {
    auto made = createFile(path, options);
    if (made) ::close(made->fd);
    return made;
  }

  fs::path dir_;
  int caps_fd_ = -1;
  mode_t old_umask_ = 0;
};

TEST(AsideName, TimeBeforeTheExtensionThenACounter) {
  std::tm tm{};
  tm.tm_year = 2026 - 1900;
  tm.tm_mon = 10;
  tm.tm_mday = 23;
  tm.tm_hour = 10;
  tm.tm_min = 15;
  EXPECT_EQ(asideName("web.pcapng", tm, 0), "web-20261123-101500.pcapng");
  EXPECT_EQ(asideName("web.pcapng", tm, 2), "web-20261123-101500-2.pcapng");
  EXPECT_EQ(asideName("web-00003.pcap", tm, 0), "web-00003-20261123-101500.pcap");
  EXPECT_EQ(asideName("a.b.pcap", tm, 0), "a.b-20261123-101500.pcap");
  EXPECT_EQ(asideName("noext", tm, 1), "noext-20261123-101500-1");
  EXPECT_EQ(asideName(".pcapng", tm, 0), ".pcapng-20261123-101500");
}

TEST_F(SafeFileTest, NewFileIs0600AndDirectories0700) {
  auto made = create((dir_ / "new/sub/a.pcapng").string(), {});
  ASSERT_TRUE(made) << made.error();
  EXPECT_EQ(made->kept_aside, "");
  EXPECT_EQ(modeOf(dir_ / "new/sub/a.pcapng"), 0600);
  EXPECT_EQ(modeOf(dir_ / "new"), 0700);
  EXPECT_EQ(modeOf(dir_ / "new/sub"), 0700);
  auto inside = create("vm/b.pcapng", confined());
  ASSERT_TRUE(inside) << inside.error();
  EXPECT_EQ(modeOf(dir_ / "caps/vm/b.pcapng"), 0600);
  EXPECT_EQ(modeOf(dir_ / "caps/vm"), 0700);
}

TEST_F(SafeFileTest, EarlierFileIsRenamedAsideWithItsContents) {
  const fs::path web = dir_ / "caps/web.pcapng";
  const std::time_t t = 1795428900;  // November 2026
  writeText(web, "earlier capture");
  setMtime(web, t);
  auto made = create("web.pcapng", confined());
  ASSERT_TRUE(made) << made.error();
  const std::string aside = expectedAside("web.pcapng", t, 0);
  EXPECT_EQ(made->kept_aside, aside);
  EXPECT_EQ(readAll(dir_ / "caps" / aside), "earlier capture");
  EXPECT_EQ(readAll(web), "");
  EXPECT_EQ(modeOf(web), 0600);
  // The same second again: the next free name.
  writeText(web, "second");
  setMtime(web, t);
  made = create((dir_ / "caps/web.pcapng").string(), {});
  ASSERT_TRUE(made) << made.error();
  EXPECT_EQ(made->kept_aside, (dir_ / "caps" / expectedAside("web.pcapng", t, 1)).string());
  EXPECT_EQ(readAll(dir_ / "caps" / aside), "earlier capture");
  EXPECT_EQ(readAll(made->kept_aside), "second");
}

TEST_F(SafeFileTest, EmptyEarlierFileIsReplacedWithoutAnAside) {
  writeText(dir_ / "caps/e.pcap", "");
  auto made = create("e.pcap", confined());
  ASSERT_TRUE(made) << made.error();
  EXPECT_EQ(made->kept_aside, "");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_ / "caps"), {}), 1);
}

TEST_F(SafeFileTest, OverwriteTruncatesAndMakesItPrivate) {
  const fs::path f = dir_ / "o.pcap";
  writeText(f, "old contents");
  fs::permissions(f, fs::perms(0644));
  auto made = create(f.string(), {.overwrite = true});
  ASSERT_TRUE(made) << made.error();
  EXPECT_EQ(made->kept_aside, "");
  EXPECT_EQ(readAll(f), "");
  EXPECT_EQ(modeOf(f), 0600);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), {}), 3);  // caps, outside, o.pcap
}

TEST_F(SafeFileTest, DanglingSymlinkIsNotFollowed) {
  fs::create_symlink(dir_ / "outside/created.pcapng", dir_ / "caps/d.pcapng");
  for (const bool overwrite : {false, true}) {
    auto inside = create("d.pcapng", {.dir_fd = caps_fd_, .overwrite = overwrite});
    ASSERT_FALSE(inside);
    EXPECT_NE(inside.error().find("'d.pcapng' is a symbolic link"), std::string::npos)
        << inside.error();
    auto plain = create((dir_ / "caps/d.pcapng").string(), {.overwrite = overwrite});
    ASSERT_FALSE(plain);
    EXPECT_NE(plain.error().find("is a symbolic link"), std::string::npos) << plain.error();
  }
  EXPECT_FALSE(fs::exists(dir_ / "outside/created.pcapng"));
  EXPECT_TRUE(fs::is_symlink(dir_ / "caps/d.pcapng"));
}

TEST_F(SafeFileTest, SymlinkToAFileLeavesTheFileAsItWas) {
  const fs::path target = dir_ / "outside/victim";
  writeText(target, "precious");
  fs::permissions(target, fs::perms(0644));
  fs::create_symlink(target, dir_ / "caps/v.pcapng");
  for (const bool overwrite : {false, true}) {
    EXPECT_FALSE(create("v.pcapng", {.dir_fd = caps_fd_, .overwrite = overwrite}));
    EXPECT_FALSE(create((dir_ / "caps/v.pcapng").string(), {.overwrite = overwrite}));
    EXPECT_FALSE(keepEarlierFile("v.pcapng", confined()));
  }
  EXPECT_EQ(readAll(target), "precious");
  EXPECT_EQ(fs::file_size(target), 8u);
  EXPECT_EQ(modeOf(target), 0644);
  EXPECT_TRUE(fs::is_symlink(dir_ / "caps/v.pcapng"));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_ / "outside"), {}), 1);
}

TEST_F(SafeFileTest, SymlinkAsADirectoryComponentIsNotFollowed) {
  fs::create_symlink(dir_ / "outside", dir_ / "caps/link");
  auto made = create("link/x.pcapng", confined());
  ASSERT_FALSE(made);
  EXPECT_NE(made.error().find("'link'"), std::string::npos) << made.error();
  EXPECT_NE(made.error().find("symbolic link"), std::string::npos) << made.error();
  // Deeper, and through the fallback walk used where openat2 is missing.
  EXPECT_FALSE(create("link/deeper/x.pcapng", confined()));
  EXPECT_EQ(openBeneathByWalk(caps_fd_, "link/x.pcapng", O_WRONLY | O_CREAT | O_EXCL, 0600),
            -ELOOP);
  EXPECT_EQ(openBeneath(caps_fd_, "link/x.pcapng", O_WRONLY | O_CREAT | O_EXCL, 0600), -ELOOP);
  ASSERT_EQ(::mkdir((dir_ / "caps/real").c_str(), 0700), 0);
  const int walked =
      openBeneathByWalk(caps_fd_, "real/y.pcapng", O_WRONLY | O_CREAT | O_EXCL, 0600);
  EXPECT_GE(walked, 0);
  if (walked >= 0) ::close(walked);
  EXPECT_EQ(modeOf(dir_ / "caps/real/y.pcapng"), 0600);
  EXPECT_TRUE(fs::is_empty(dir_ / "outside"));
}

TEST_F(SafeFileTest, ConfinedPathsStayInside) {
  for (const std::string path : {"../outside/x.pcapng", "a/../../outside/x.pcapng"}) {
    auto made = create(path, confined());
    ASSERT_FALSE(made) << path;
    EXPECT_NE(made.error().find("outside the directory"), std::string::npos) << made.error();
  }
  auto absolute = create((dir_ / "outside/x.pcapng").string(), confined());
  ASSERT_FALSE(absolute);
  EXPECT_NE(absolute.error().find("is not relative"), std::string::npos) << absolute.error();
  EXPECT_EQ(openBeneathByWalk(caps_fd_, "../outside/x", O_WRONLY | O_CREAT, 0600), -EXDEV);
  EXPECT_EQ(openBeneath(caps_fd_, "../outside/x", O_WRONLY | O_CREAT, 0600), -EXDEV);
  EXPECT_TRUE(fs::is_empty(dir_ / "outside"));
}

TEST_F(SafeFileTest, RemoveFileStaysInside) {
  writeText(dir_ / "outside/keep", "x");
  fs::create_symlink(dir_ / "outside", dir_ / "caps/link");
  EXPECT_FALSE(removeFile("link/keep", confined()));
  EXPECT_TRUE(fs::exists(dir_ / "outside/keep"));
  ASSERT_TRUE(create("gone.pcap", confined()));
  EXPECT_TRUE(removeFile("gone.pcap", confined()));
  EXPECT_FALSE(fs::exists(dir_ / "caps/gone.pcap"));
}

// Another writer keeps creating the name (O_EXCL, mode 0644, "planted" in it) while we create
// it again and again: every file we get is one we created (0600, empty), and nothing planted is
// ever truncated.
TEST_F(SafeFileTest, ExclusiveCreationNeverOpensAFileItDidNotMake) {
  const fs::path name = dir_ / "caps/race.pcapng";
  std::atomic<bool> stop{false};
  std::thread planter([&] {
    while (!stop) {
      const int fd = ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
      if (fd < 0) continue;
      EXPECT_EQ(::write(fd, "planted", 7), 7);
      ::close(fd);
    }
  });
  for (int i = 0; i < 300; ++i) {
    auto made = createFile("race.pcapng", confined());
    if (!made) continue;  // "the name keeps being taken" is allowed; a wrong file is not
    struct stat st {};
    ASSERT_EQ(fstat(made->fd, &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600);
    EXPECT_EQ(st.st_size, 0);
    ASSERT_EQ(::write(made->fd, "ours", 4), 4);
    ::close(made->fd);
  }
  stop = true;
  planter.join();
  for (const auto& entry : fs::directory_iterator(dir_ / "caps")) {
    const std::string text = readAll(entry.path());
    EXPECT_TRUE(text == "ours" || text == "planted" || text.empty()) << entry.path() << text;
  }
}

TEST_F(SafeFileTest, ExportWriteFileIsPrivateAndKeepsTheEarlierOne) {
  const fs::path out = dir_ / "export.pcap";
  writeText(out, "earlier export");
  {
    auto sink = PcapFileSink::open(out.string());
    ASSERT_TRUE(sink) << sink.error();
  }
  EXPECT_EQ(modeOf(out), 0600);
  EXPECT_EQ(fs::file_size(out), 24u);  // the pcap file header only
  int kept = 0;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    if (entry.path().filename().string().starts_with("export-")) {
      EXPECT_EQ(readAll(entry.path()), "earlier export");
      ++kept;
    }
  }
  EXPECT_EQ(kept, 1);
  fs::create_symlink(dir_ / "outside/t", dir_ / "l.pcap");
  EXPECT_FALSE(PcapFileSink::open((dir_ / "l.pcap").string()));
  EXPECT_FALSE(fs::exists(dir_ / "outside/t"));
}

TEST_F(SafeFileTest, DevicesAreWrittenAsTheyAreOnlyWithoutConfinement) {
  auto null = createFile("/dev/null", {});
  ASSERT_TRUE(null) << null.error();
  EXPECT_FALSE(null->regular);
  ::close(null->fd);
  ASSERT_EQ(::mkfifo((dir_ / "caps/fifo.pcap").c_str(), 0600), 0);
  auto fifo = create("fifo.pcap", confined());
  ASSERT_FALSE(fifo);
  EXPECT_NE(fifo.error().find("not a regular file"), std::string::npos) << fifo.error();
}

}  // namespace
}  // namespace ovse::erspan::io
