// parseJson()/dumpJson(): the depth limit refuses deep documents (100k levels included) with the
// byte where they go too deep, before nlohmann builds anything; other errors name their byte and
// never throw; output replaces invalid UTF-8.
#include "mirror_manager/json_text.h"

#include <gtest/gtest.h>

#include <string>

namespace ovse::manager {
namespace {

using nlohmann::json;

std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

// `levels` arrays nested in one another: [[...[]...]].
std::string nestedArrays(std::size_t levels) {
  return std::string(levels, '[') + std::string(levels, ']');
}

TEST(ParseJson, ParsesADocument) {
  auto j = parseJson(R"({"name": "web", "sources": [{"port": "p1"}], "n": 3})");
  ASSERT_TRUE(j) << j.error().message();
  EXPECT_EQ((*j)["sources"][0]["port"], "p1");
  EXPECT_EQ((*j)["n"], 3);
}

TEST(ParseJson, AcceptsExactlyTheLimitAndRefusesOneMore) {
  EXPECT_TRUE(parseJson(nestedArrays(kMaxJsonDepth)));
  auto deep = parseJson(nestedArrays(kMaxJsonDepth + 1));
  ASSERT_FALSE(deep);
  EXPECT_TRUE(deep.error().too_deep);
  EXPECT_EQ(deep.error().byte, kMaxJsonDepth + 1);
  EXPECT_EQ(deep.error().message(), "JSON nested deeper than 64 levels at byte 65");
}

TEST(ParseJson, RefusesHundredThousandNestedArraysWithoutCrashing) {
  auto r = parseJson(nestedArrays(100'000));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "JSON nested deeper than 64 levels at byte 65");
  // Unclosed, as an attacker would send it: the same answer, no read past the end.
  EXPECT_EQ(parseJson(std::string(100'000, '[')).error().byte, 65u);
}

TEST(ParseJson, RefusesHundredThousandNestedObjectsWithoutCrashing) {
  const std::string text = repeat(R"({"a":)", 100'000) + "1" + std::string(100'000, '}');
  auto r = parseJson(text);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().too_deep);
  // The 65th '{' starts after 64 copies of {"a": (5 bytes each).
  EXPECT_EQ(r.error().byte, 64u * 5 + 1);
  EXPECT_EQ(r.error().message(), "JSON nested deeper than 64 levels at byte 321");
}

TEST(ParseJson, MixedNestingCountsBothKinds) {
  const std::string text = repeat(R"([{"a":)", 40) + "1" + repeat("}]", 40);
  auto r = parseJson(text);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().too_deep);
  EXPECT_TRUE(parseJson(repeat(R"([{"a":)", 32) + "1" + repeat("}]", 32)));
}

TEST(ParseJson, BracketsInsideStringsDoNotCount) {
  const std::string brackets = std::string(1000, '[') + std::string(1000, '{');
  auto j = parseJson(R"({"x": ")" + brackets + R"("})");
  ASSERT_TRUE(j) << j.error().message();
  EXPECT_EQ((*j)["x"], brackets);
  // An escaped quote does not end the string; an escaped backslash before a quote does.
  EXPECT_TRUE(
      parseJson(R"(["\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["])"));
  EXPECT_TRUE(
      parseJson(R"(["\\", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["])"));
  // 8 bytes, then 64 brackets: the 65th is byte 73.
  EXPECT_EQ(parseJson(R"(["\\"], )" + nestedArrays(65)).error().byte, 73u);
}

TEST(ParseJson, SyntaxErrorsNameTheByte) {
  auto r = parseJson("[1,,2]");
  ASSERT_FALSE(r);
  EXPECT_FALSE(r.error().too_deep);
  EXPECT_EQ(r.error().byte, 4u);
  EXPECT_EQ(r.error().message(),
            "malformed JSON at byte 4: syntax error while parsing value - unexpected ','; "
            "expected '[', '{', or a literal");
  EXPECT_EQ(parseJson("").error().byte, 1u);
  EXPECT_FALSE(parseJson("{} x"));
  EXPECT_FALSE(parseJson("{\"a\": 1} {}"));
}

TEST(ParseJson, RefusesWhatNlohmannWouldThrowFor) {
  // Invalid UTF-8 in a string, a number that does not fit a double, control characters.
  EXPECT_FALSE(parseJson("[\"a\xff\"]"));
  auto overflow = parseJson("[1e999]");
  ASSERT_FALSE(overflow);
  EXPECT_NE(overflow.error().message().find("number overflow"), std::string::npos)
      << overflow.error().message();
  EXPECT_FALSE(parseJson("[\"a\x01\"]"));
  EXPECT_FALSE(parseJson(std::string_view("[1,\0 2]", 7)));
}

TEST(ParseJson, CustomLimit) {
  EXPECT_TRUE(parseJson("[[1]]", 2));
  EXPECT_EQ(parseJson("[[[1]]]", 2).error().message(),
            "JSON nested deeper than 2 levels at byte 3");
}

TEST(FindTooDeep, ReportsTheOffsetOfTheFirstBracketTooDeep) {
  EXPECT_EQ(findTooDeep("[[]]", 2), std::string_view::npos);
  EXPECT_EQ(findTooDeep("[[[]]]", 2), 2u);
  EXPECT_EQ(findTooDeep("[][][][]", 1), std::string_view::npos);
  // Stray closers are nlohmann's to report, and do not let a later opener go unnoticed.
  EXPECT_EQ(findTooDeep("]]]][[[", 2), 6u);
  // An unterminated string hides everything after it; nlohmann then refuses the document.
  EXPECT_EQ(findTooDeep("\"[[[[", 1), std::string_view::npos);
}

TEST(DumpJson, ReplacesInvalidUtf8) {
  const json j = {{"error", "no such endpoint: /\xff"}};
  EXPECT_EQ(dumpJson(j), "{\"error\":\"no such endpoint: /\xef\xbf\xbd\"}");
  EXPECT_EQ(dumpJson(json("a\xc3")), "\"a\xef\xbf\xbd\"");
  EXPECT_TRUE(json::accept(dumpJson(j, 2)));
}

TEST(DumpJson, IndentsWhenAsked) {
  EXPECT_EQ(dumpJson(json{{"a", 1}}, 2), "{\n  \"a\": 1\n}");
  EXPECT_EQ(dumpJson(json{{"a", 1}}), "{\"a\":1}");
}

}  // namespace
}  // namespace ovse::manager
