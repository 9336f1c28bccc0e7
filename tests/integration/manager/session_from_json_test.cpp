// `mirrorctl session create|set --from-json FILE`: a file nested 100k levels deep (a segfault
// before issue #16) is refused with the byte where it goes too deep; nothing is stored. Needs no
// OVS: the file is refused before anything connects.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "harness/process.h"

namespace ovse::test {
namespace {

std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

class SessionFromJsonTest : public ::testing::Test {
 protected:
  CommandResult create(const std::string& text) {
    const auto file = tmp_.path() / "session.json";
    std::ofstream(file, std::ios::binary) << text;
    return run({OVSE_MIRRORCTL, "session", "create", "--from-json", file.string(), "--store",
                store().string(), "--no-apply"});
  }
  std::filesystem::path store() const { return tmp_.path() / "sessions.json"; }

  TempDir tmp_;
};

TEST_F(SessionFromJsonTest, HundredThousandNestedArraysAreRefusedNotACrash) {
  // A deep value where an enum is expected: its error message printed the value (a recursive
  // dump), which overflowed the stack before the depth limit.
  auto r = create(R"({"name": "x", "type": )" + std::string(100'000, '[') +
                  std::string(100'000, ']') + R"(, "destination": {}})");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("JSON nested deeper than 64 levels at byte 86"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(store()));
  r = create(std::string(100'000, '[') + std::string(100'000, ']'));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("JSON nested deeper than 64 levels at byte 65"), std::string::npos) << r.err;
}

TEST_F(SessionFromJsonTest, HundredThousandNestedObjectsAreRefusedNotACrash) {
  auto r = create(R"({"name": "x", "type": )" + repeat(R"({"a":)", 100'000) + "1" +
                  std::string(100'000, '}') + R"(, "destination": {}})");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("JSON nested deeper than 64 levels at byte 338"), std::string::npos)
      << r.err;
}

TEST_F(SessionFromJsonTest, MalformedJsonNamesTheByte) {
  auto r = create(R"({"name": "x",, })");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("malformed JSON at byte 14"), std::string::npos) << r.err;
}

TEST_F(SessionFromJsonTest, AValidFileIsStored) {
  auto r = create(R"({"name": "web", "type": "local", "sources": [{"port": "vm1"}],
                      "destination": {"port": "tap"}})");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(store()));
}

}  // namespace
}  // namespace ovse::test
