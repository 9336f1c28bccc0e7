// Routing of the daemon's requests: endpoints, names, 404/405.
#include "mirror_manager/daemon/router.h"

#include <gtest/gtest.h>

namespace ovse::manager::daemon {
namespace {

TEST(DaemonRouter, RoutesCollectionEndpoints) {
  EXPECT_EQ(route("GET", "/api/v1/sessions").endpoint, Endpoint::kListSessions);
  EXPECT_EQ(route("POST", "/api/v1/sessions").endpoint, Endpoint::kCreateSession);
  EXPECT_EQ(route("GET", "/api/v1/ports").endpoint, Endpoint::kPorts);
  EXPECT_EQ(route("GET", "/api/v1/health?x=1").endpoint, Endpoint::kHealth);
  EXPECT_EQ(route("GET", "/metrics").endpoint, Endpoint::kMetrics);
}

TEST(DaemonRouter, RoutesPerSessionEndpointsWithDecodedName) {
  auto m = route("GET", "/api/v1/sessions/web%20tier");
  EXPECT_EQ(m.endpoint, Endpoint::kGetSession);
  EXPECT_EQ(m.name, "web tier");
  EXPECT_EQ(route("PUT", "/api/v1/sessions/a").endpoint, Endpoint::kReplaceSession);
  EXPECT_EQ(route("PATCH", "/api/v1/sessions/a").endpoint, Endpoint::kPatchSession);
  EXPECT_EQ(route("DELETE", "/api/v1/sessions/a").endpoint, Endpoint::kDeleteSession);
  EXPECT_EQ(route("POST", "/api/v1/sessions/a/enable").endpoint, Endpoint::kEnableSession);
  EXPECT_EQ(route("POST", "/api/v1/sessions/a/disable").endpoint, Endpoint::kDisableSession);
  auto stats = route("GET", "/api/v1/sessions/a/stats");
  EXPECT_EQ(stats.endpoint, Endpoint::kSessionStats);
  EXPECT_EQ(stats.name, "a");
}

TEST(DaemonRouter, WrongMethodIs405WithAllow) {
  auto m = route("DELETE", "/api/v1/sessions");
  EXPECT_EQ(m.endpoint, Endpoint::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "GET, POST");
  EXPECT_EQ(route("GET", "/api/v1/sessions/a/enable").allow, "POST");
  EXPECT_EQ(route("POST", "/metrics").endpoint, Endpoint::kMethodNotAllowed);
}

TEST(DaemonRouter, UnknownOrMalformedPathsAre404) {
  EXPECT_EQ(route("GET", "/api/v1/nope").endpoint, Endpoint::kNotFound);
  EXPECT_EQ(route("GET", "/api/v2/sessions").endpoint, Endpoint::kNotFound);
  EXPECT_EQ(route("GET", "/api/v1/sessions/a/b").endpoint, Endpoint::kNotFound);
  EXPECT_EQ(route("GET", "/api/v1/sessions/a%2Fb").endpoint, Endpoint::kNotFound);
  EXPECT_EQ(route("GET", "/api/v1/sessions/%zz").endpoint, Endpoint::kNotFound);
  EXPECT_EQ(route("GET", "/api/v1sessions").endpoint, Endpoint::kNotFound);
}

TEST(DaemonRouter, EverythingElseIsAStaticFile) {
  auto m = route("GET", "/app.js?v=2");
  EXPECT_EQ(m.endpoint, Endpoint::kStatic);
  EXPECT_EQ(m.path, "/app.js");
  EXPECT_FALSE(needsAuth(Endpoint::kStatic));
  EXPECT_TRUE(needsAuth(Endpoint::kMetrics));
  EXPECT_TRUE(needsAuth(Endpoint::kMethodNotAllowed));
}

TEST(DaemonPercentDecode, RejectsTruncatedEscapes) {
  bool ok = true;
  EXPECT_EQ(percentDecode("a%41b", ok), "aAb");
  EXPECT_TRUE(ok);
  percentDecode("a%4", ok);
  EXPECT_FALSE(ok);
}

}  // namespace
}  // namespace ovse::manager::daemon
