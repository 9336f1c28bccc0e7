// Bearer tokens: constant-time comparison, header parsing, the token file, --listen parsing.
#include "mirror_manager/daemon/auth.h"

#include <gtest/gtest.h>

#include <fstream>

#include "harness/process.h"
#include "mirror_manager/daemon/listen_address.h"

namespace ovse::manager::daemon {
namespace {

TEST(DaemonAuth, ConstantTimeEqualsComparesWholeStrings) {
  EXPECT_TRUE(constantTimeEquals("secret", "secret"));
  EXPECT_FALSE(constantTimeEquals("secret", "secreT"));
  EXPECT_FALSE(constantTimeEquals("secret", "secret2"));
  EXPECT_FALSE(constantTimeEquals("secret", ""));
  EXPECT_TRUE(constantTimeEquals("", ""));
  // A prefix of the right token padded with NULs must not pass either.
  EXPECT_FALSE(constantTimeEquals("secret", std::string("secret\0", 7)));
}

TEST(DaemonAuth, BearerHeaderNeedsSchemeAndExactToken) {
  EXPECT_TRUE(bearerMatches("Bearer tok", "tok"));
  EXPECT_TRUE(bearerMatches("bearer  tok ", "tok"));
  EXPECT_FALSE(bearerMatches("Basic tok", "tok"));
  EXPECT_FALSE(bearerMatches("Bearer tok2", "tok"));
  EXPECT_FALSE(bearerMatches("", "tok"));
  EXPECT_FALSE(bearerMatches("Bearer ", ""));
}

TEST(DaemonAuth, TokenFileIsTrimmedAndMustNotBeEmpty) {
  test::TempDir tmp;
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(tmp.path() / name) << text;
    return tmp.path() / name;
  };
  EXPECT_EQ(loadToken(write("a", "  abc\n")).value(), "abc");
  EXPECT_NE(loadToken(write("b", "\n")).error().find("empty token"), std::string::npos);
  EXPECT_NE(loadToken(write("c", "a b")).error().find("whitespace"), std::string::npos);
  EXPECT_NE(loadToken(tmp.path() / "missing").error().find("cannot read"), std::string::npos);
}

TEST(DaemonListenAddress, ParsesIpv4AndBracketedIpv6) {
  auto v4 = parseListenAddress("127.0.0.1:8470");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 8470);
  auto v6 = parseListenAddress("[::1]:0");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 0);
}

TEST(DaemonListenAddress, ErrorsNameTheValue) {
  EXPECT_EQ(parseListenAddress("1.2.3.4").error(), "--listen 1.2.3.4: expected ADDR:PORT");
  EXPECT_EQ(parseListenAddress("1.2.3.4:70000").error(),
            "--listen 1.2.3.4:70000: port 70000 is not a number in 0..65535");
  EXPECT_FALSE(parseListenAddress("::1:80"));
  EXPECT_FALSE(parseListenAddress(":80"));
  EXPECT_FALSE(parseListenAddress("[::1:80"));
}

}  // namespace
}  // namespace ovse::manager::daemon
