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
    std::filesystem::permissions(tmp.path() / name, std::filesystem::perms::owner_read |
                                                        std::filesystem::perms::owner_write);
    return tmp.path() / name;
  };
  EXPECT_EQ(loadToken(write("a", "  abc\n")).value(), "abc");
  EXPECT_NE(loadToken(write("b", "\n")).error().find("empty token"), std::string::npos);
  EXPECT_NE(loadToken(write("c", "a b")).error().find("whitespace"), std::string::npos);
  EXPECT_NE(loadToken(tmp.path() / "missing").error().find("cannot read"), std::string::npos);
}

TEST(DaemonAuth, TokenFilesOthersCanReadAreRefused) {
  test::TempDir tmp;
  const auto path = tmp.path() / "token";
  std::ofstream(path) << "abc\n";
  std::filesystem::permissions(path, std::filesystem::perms(0644));
  auto refused = loadToken(path);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().find("mode 0644"), std::string::npos) << refused.error();
  EXPECT_NE(refused.error().find("chmod 600"), std::string::npos) << refused.error();
  std::filesystem::permissions(path, std::filesystem::perms(0640));
  EXPECT_FALSE(loadToken(path));
  std::filesystem::permissions(path, std::filesystem::perms(0400));
  EXPECT_EQ(loadToken(path).value(), "abc");
  std::filesystem::create_symlink(path, tmp.path() / "link");
  EXPECT_FALSE(loadToken(tmp.path() / "link"));
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

TEST(DaemonListenAddress, ParsesUnixSockets) {
  auto u = parseListenAddress("unix:/run/ovs-erspan/api.sock");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->is_unix);
  EXPECT_EQ(u->path, "/run/ovs-erspan/api.sock");
  EXPECT_EQ(parseListenAddress("unix:api.sock").error(),
            "--listen unix:api.sock: the socket path must be absolute");
  EXPECT_FALSE(parseListenAddress("unix:/" + std::string(200, 'a')));
}

TEST(DaemonListenAddress, ErrorsNameTheValue) {
  EXPECT_EQ(parseListenAddress("1.2.3.4").error(),
            "--listen 1.2.3.4: expected unix:PATH or ADDR:PORT");
  EXPECT_EQ(parseListenAddress("1.2.3.4:70000").error(),
            "--listen 1.2.3.4:70000: port 70000 is not a number in 0..65535");
  EXPECT_FALSE(parseListenAddress("::1:80"));
  EXPECT_FALSE(parseListenAddress(":80"));
  EXPECT_FALSE(parseListenAddress("[::1:80"));
}

}  // namespace
}  // namespace ovse::manager::daemon
