// Session store loading: corrupt files are reported with line:column and left byte-identical,
// other schema versions and bad sessions are errors naming the field.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "mirror_manager/store.h"

namespace ovse::manager {
namespace {

namespace fs = std::filesystem;

class StoreLoadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "store_load_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = dir_ / "sessions.json";
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Writes `text` as the store file and returns open()'s error ("ok" if it opened).
  std::string openError(const std::string& text) {
    std::ofstream(path_, std::ios::binary) << text;
    auto store = SessionStore::open(path_);
    return store ? "ok" : store.error();
  }
  std::string fileText() const {
    std::ifstream in(path_, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  fs::path dir_;
  fs::path path_;
};

TEST_F(StoreLoadTest, SyntaxErrorNamesLineAndColumn) {
  const std::string text = "{\n  \"schema_version\": 1,\n  \"sessions\": [,]\n}\n";
  EXPECT_EQ(openError(text), path_.string() +
                                 ":3:16: syntax error while parsing value - unexpected ','; "
                                 "expected '[', '{', or a literal");
}

TEST_F(StoreLoadTest, TruncatedFileNamesWhereItEnds) {
  EXPECT_EQ(openError("{\"schema_version\": 1,\n\"sessions\": ["),
            path_.string() +
                ":2:14: syntax error while parsing value - unexpected end of input; expected "
                "'[', '{', or a literal");
}

TEST_F(StoreLoadTest, EmptyFileIsAnError) {
  EXPECT_EQ(openError(""), path_.string() +
                               ":1:1: syntax error while parsing value - unexpected end of input; "
                               "expected '[', '{', or a literal");
}

TEST_F(StoreLoadTest, CorruptFileIsLeftByteIdentical) {
  const std::string text = "{\"schema_version\": 1, \"sessions\": [{\"name\": \"a\"\x01}]}";
  EXPECT_NE(openError(text), "ok");
  EXPECT_EQ(fileText(), text);
}

TEST_F(StoreLoadTest, HigherSchemaVersionIsAnError) {
  EXPECT_EQ(openError(R"({"schema_version": 2, "sessions": []})"),
            path_.string() + ": schema_version: 2 is not supported (this program reads version 1)");
  EXPECT_EQ(
      openError(R"({"schema_version": "1", "sessions": []})"),
      path_.string() + R"(: schema_version: "1" is not supported (this program reads version 1))");
}

TEST_F(StoreLoadTest, MissingSchemaVersionIsAnError) {
  EXPECT_EQ(openError(R"({"sessions": []})"), path_.string() + ": schema_version: missing");
}

TEST_F(StoreLoadTest, UnknownTopLevelFieldIsAnError) {
  EXPECT_EQ(openError(R"({"schema_version": 1, "extra": true})"),
            path_.string() + ": extra: unknown field");
  EXPECT_EQ(openError("[]"), path_.string() + ": expected an object");
}

TEST_F(StoreLoadTest, BadSessionNamesItsPath) {
  EXPECT_EQ(openError(R"({"schema_version": 1, "sessions": [
      {"name": "a", "type": "local", "destination": {"port": "t"}},
      {"name": "b", "type": "span", "destination": {}}]})"),
            path_.string() + R"(: sessions[1].type: "span" is not one of local, rspan, erspan, )"
                             "capture, rspan-destination");
}

TEST_F(StoreLoadTest, DuplicateNamesAreAnError) {
  EXPECT_EQ(openError(R"({"schema_version": 1, "sessions": [
      {"name": "a", "type": "local", "destination": {"port": "t"}},
      {"name": "a", "type": "local", "destination": {"port": "u"}}]})"),
            path_.string() + R"(: sessions[1].name: "a" appears twice)");
}

TEST_F(StoreLoadTest, LoadsAValidFile) {
  ASSERT_EQ(openError(R"({"schema_version": 1, "sessions": [
      {"name": "a", "type": "local", "destination": {"port": "t"}}]})"),
            "ok");
  auto store = SessionStore::open(path_);
  ASSERT_TRUE(store);
  ASSERT_EQ(store->sessions().size(), 1u);
  EXPECT_EQ(store->sessions()[0].name, "a");
  EXPECT_EQ(openError(R"({"schema_version": 1})"), "ok");  // no sessions yet
}

TEST_F(StoreLoadTest, DeeplyNestedFileIsAnErrorNotACrash) {
  // 100k nested arrays once overflowed the stack in nlohmann's recursive copy and destructor.
  const std::string text = "{\"schema_version\": 1,\n\"sessions\": " + std::string(100'000, '[') +
                           std::string(100'000, ']') + "}";
  EXPECT_EQ(openError(text), path_.string() + ":2:76: JSON nested deeper than 64 levels");
  EXPECT_EQ(fileText(), text);
}

TEST(SessionsFromStoreText, ChecksABufferAsOpenChecksAFile) {
  auto sessions = sessionsFromStoreText(R"({"schema_version": 1, "sessions": [
      {"name": "a", "type": "local", "destination": {"port": "t"}}]})",
                                        "mem.json");
  ASSERT_TRUE(sessions) << sessions.error();
  ASSERT_EQ(sessions->size(), 1u);
  EXPECT_EQ((*sessions)[0].name, "a");
  EXPECT_EQ(sessionsFromStoreText("[", "mem.json").error(),
            "mem.json:1:2: syntax error while parsing value - unexpected end of input; expected "
            "'[', '{', or a literal");
  EXPECT_EQ(sessionsFromStoreText(R"({"schema_version": 1, "sessions": {}})", "mem.json").error(),
            "mem.json: sessions: expected an array, got {}");
}

}  // namespace
}  // namespace ovse::manager
