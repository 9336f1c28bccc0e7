// Session store: load/save round trip, atomic replacement (the old file survives a failed save),
// corrupt files reported with line:column and left untouched, schema version, default path.
#include "mirror_manager/store.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace ovse::manager {
namespace {

namespace fs = std::filesystem;

// A fresh directory under the test temp dir, removed afterwards.
class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "store_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(dir_, ec);
  }

  static void writeText(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
  }
  static std::string readText(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  // Names of the entries in `dir` (to spot leftover temporary files).
  static std::vector<std::string> entries(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename());
    return names;
  }

  fs::path dir_;
};

Session sample(std::string name) {
  Session s;
  s.name = std::move(name);
  s.sources = {{.iface_id = "vm-a", .direction = Direction::kIngress}};
  s.destination = LocalDestination{"tap-" + s.name};
  s.mirrored_packet_length = 60;
  return s;
}

TEST(SessionStoreDefaults, DefaultPath) {
  EXPECT_EQ(kDefaultStorePath, "/var/lib/ovs-erspan/sessions.json");
  EXPECT_EQ(kStoreSchemaVersion, 1);
}

TEST_F(StoreTest, MissingFileIsAnEmptyStore) {
  auto store = SessionStore::open(dir_ / "none.json");
  ASSERT_TRUE(store) << store.error();
  EXPECT_TRUE(store->sessions().empty());
  EXPECT_EQ(store->path(), dir_ / "none.json");
  EXPECT_FALSE(fs::exists(dir_ / "none.json"));  // opening never creates the file
}

TEST_F(StoreTest, UpsertFindRemove) {
  auto store = SessionStore::open(dir_ / "s.json");
  ASSERT_TRUE(store);
  EXPECT_TRUE(store->upsert(sample("a")));
  EXPECT_TRUE(store->upsert(sample("b")));
  Session changed = sample("a");
  changed.description = "changed";
  EXPECT_FALSE(store->upsert(changed));
  ASSERT_EQ(store->sessions().size(), 2u);
  EXPECT_EQ(store->sessions()[0].description, "changed");  // replaced in place
  ASSERT_NE(store->find("b"), nullptr);
  EXPECT_EQ(store->find("b")->name, "b");
  EXPECT_EQ(store->find("c"), nullptr);
  EXPECT_TRUE(store->remove("a"));
  EXPECT_FALSE(store->remove("a"));
  EXPECT_EQ(store->sessions().size(), 1u);
}

TEST_F(StoreTest, SaveCreatesDirectoriesAndRoundTrips) {
  const fs::path path = dir_ / "var" / "lib" / "sessions.json";
  auto store = SessionStore::open(path);
  ASSERT_TRUE(store);
  store->upsert(sample("a"));
  store->upsert(sample("b"));
  ASSERT_TRUE(store->save());
  auto again = SessionStore::open(path);
  ASSERT_TRUE(again) << again.error();
  EXPECT_EQ(again->sessions(), store->sessions());
  auto doc = nlohmann::json::parse(readText(path));
  EXPECT_EQ(doc["schema_version"], 1);
  EXPECT_EQ(doc["sessions"].size(), 2u);
  EXPECT_EQ(entries(path.parent_path()), std::vector<std::string>{"sessions.json"});
}

TEST_F(StoreTest, SavedFileIsPrivate) {
  const mode_t old_mask = ::umask(0);  // even with a permissive umask
  auto store = SessionStore::open(dir_ / "s.json");
  ASSERT_TRUE(store);
  auto saved = store->save();
  ::umask(old_mask);
  ASSERT_TRUE(saved) << saved.error();
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "s.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(StoreTest, SaveReplacesTheOldFile) {
  const fs::path path = dir_ / "s.json";
  auto store = SessionStore::open(path);
  ASSERT_TRUE(store);
  store->upsert(sample("a"));
  ASSERT_TRUE(store->save());
  store->remove("a");
  store->upsert(sample("b"));
  ASSERT_TRUE(store->save());
  auto again = SessionStore::open(path);
  ASSERT_TRUE(again);
  ASSERT_EQ(again->sessions().size(), 1u);
  EXPECT_EQ(again->sessions()[0].name, "b");
  EXPECT_EQ(entries(dir_), std::vector<std::string>{"s.json"});
}

TEST_F(StoreTest, FailedWriteLeavesTheOldFileIntact) {
  // A file size limit makes write(2) fail (EFBIG) even for root, half way through the new file.
  const fs::path path = dir_ / "s.json";
  auto store = SessionStore::open(path);
  ASSERT_TRUE(store);
  store->upsert(sample("a"));
  ASSERT_TRUE(store->save());
  const std::string before = readText(path);
  for (int i = 0; i < 50; ++i) store->upsert(sample("s" + std::to_string(i)));

  struct rlimit old_limit {};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = old_limit;
  small.rlim_cur = 1024;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  auto saved = store->save();
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  ::signal(SIGXFSZ, old_handler);

  ASSERT_FALSE(saved);
  EXPECT_EQ(saved.error(), "cannot write " + path.string() + ": File too large");
  EXPECT_EQ(readText(path), before);
  EXPECT_EQ(entries(dir_), std::vector<std::string>{"s.json"});  // no temporary file left
}

TEST_F(StoreTest, ParentThatIsAFileIsAnError) {
  auto store = SessionStore::open(dir_ / "sub" / "s.json");
  ASSERT_TRUE(store) << store.error();
  writeText(dir_ / "sub", "x");  // the directory to be created is now taken by a file
  auto saved = store->save();
  ASSERT_FALSE(saved);
  EXPECT_EQ(saved.error().rfind("cannot create directory " + (dir_ / "sub").string() + " for " +
                                    (dir_ / "sub" / "s.json").string() + ": ",
                                0),
            0u)
      << saved.error();
  EXPECT_EQ(readText(dir_ / "sub"), "x");
}

TEST_F(StoreTest, UnreadableFileIsAnError) {
  writeText(dir_ / "file", "x");
  auto store = SessionStore::open(dir_ / "file" / "s.json");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error(), (dir_ / "file" / "s.json").string() + ": Not a directory");
}

TEST_F(StoreTest, ReadOnlyDirectoryKeepsTheOldFile) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  const fs::path path = dir_ / "s.json";
  auto store = SessionStore::open(path);
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->save());
  const std::string before = readText(path);
  store->upsert(sample("a"));
  fs::permissions(dir_, fs::perms::owner_write, fs::perm_options::remove);
  auto saved = store->save();
  fs::permissions(dir_, fs::perms::owner_write, fs::perm_options::add);
  ASSERT_FALSE(saved);
  EXPECT_EQ(saved.error(),
            "cannot create a temporary file for " + path.string() + ": Permission denied");
  EXPECT_EQ(readText(path), before);
}

}  // namespace
}  // namespace ovse::manager
