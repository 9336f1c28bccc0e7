// `mirrorctl serve` as an attacker meets it: requests that used to kill it, local users without
// the socket's group or the token, foreign Host/Origin headers, too many connections, too few
// file descriptors, JSON nested to overflow the stack. The daemon answers each and keeps serving.
#include <arpa/inet.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "harness/sandbox.h"
#include "integration/daemon/daemon_process.h"

namespace ovse::test {
namespace {

// The process's user + system CPU time in seconds, from /proc/PID/stat.
double cpuSeconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command name (which may hold spaces) start after the last ')'.
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string field;
  unsigned long utime = 0, stime = 0;
  for (int i = 3; fields >> field; ++i) {
    if (i == 14) utime = std::stoul(field);
    if (i == 15) {
      stime = std::stoul(field);
      break;
    }
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// A TCP connection to 127.0.0.1:port, or -1.
int connectLoopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<std::uint16_t>(port));
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// What the server sent on `fd` within `timeout` (until it closes or the time is up).
std::string readFor(int fd, std::chrono::milliseconds timeout) {
  timeval tv{static_cast<time_t>(timeout.count() / 1000),
             static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, n);
  return out;
}

class DaemonSecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    OVSE_REQUIRE_SANDBOX();
    sandbox_ = std::make_unique<Sandbox>();
    sandbox_->addVm("vm1", "10.0.0.1/24", "02:00:00:00:00:01", "vm-a", "uuid-vm1");
    sandbox_->addVm("analyzer", "10.0.0.9/24", "02:00:00:00:00:09", "analyzer");
  }

  std::unique_ptr<DaemonProcess> start(std::vector<std::string> extra = {}) {
    return std::make_unique<DaemonProcess>(sandbox_->dbRemote(), tmp_.path() / "sessions.json",
                                           tmp_.path() / ("serve" + std::to_string(++n_) + ".log"),
                                           std::move(extra));
  }

  static CommandResult curlUnix(const std::string& socket, const std::string& path,
                                const std::string& user = "") {
    std::vector<std::string> argv;
    if (!user.empty()) argv = {"runuser", "-u", user, "--"};
    argv.insert(argv.end(), {"curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time",
                             "5", "--unix-socket", socket, "http://localhost" + path});
    return run(argv);
  }

  TempDir tmp_;
  std::unique_ptr<Sandbox> sandbox_;
  int n_ = 0;
};

// Each of these aborted the daemon ("terminate called without an active exception"): the 404
// text held invalid UTF-8 and the JSON serialiser threw.
TEST_F(DaemonSecurityTest, InvalidUtf8InThePathIsA404AndTheDaemonLives) {
  auto d = start();
  for (const char* path : {"/%FF", "/metrics%FF", "/api/v1/sessions/%FF", "/api/v1/%C3%28"}) {
    auto r = d->http("GET", path);
    EXPECT_EQ(r.status, 404) << path << ": " << r.body;
    EXPECT_FALSE(nlohmann::json::parse(r.body, nullptr, false).is_discarded()) << r.body;
    EXPECT_EQ(curlUnix(d->socketPath(), path).out, "404") << path;
  }
  EXPECT_TRUE(d->process().running());
  EXPECT_EQ(d->http("GET", "/api/v1/health").status, 200);
}

// Like OVS's db.sock: the socket's owner, group and mode 0660 decide; over TCP the token does.
TEST_F(DaemonSecurityTest, OnlyRootAndTheSocketGroupReachTheSocketOthersNeedTheToken) {
  // A group of this test's own, with nobody in it, stands in for the package's ovs-erspan.
  const std::string group = "ovse-t" + std::to_string(::getpid() % 100000);
  ASSERT_EQ(run({"groupadd", "-f", group}).exit_code, 0);
  struct GroupGone {
    std::string name;
    ~GroupGone() { run({"groupdel", name}); }
  } gone{group};
  // A directory everyone may traverse, so only the socket's own mode can refuse.
  const auto dir = tmp_.path() / "run";
  std::filesystem::create_directories(dir);
  ::chmod(tmp_.path().c_str(), 0755);
  ::chmod(dir.c_str(), 0755);
  const std::string socket = (dir / "api.sock").string();
  auto d =
      start({"--listen", "unix:" + socket, "--listen", "127.0.0.1:0", "--socket-group", group});

  struct stat st {};
  ASSERT_EQ(::stat(socket.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0660u);
  EXPECT_EQ(st.st_gid, ::getgrnam(group.c_str())->gr_gid);

  EXPECT_EQ(curlUnix(socket, "/api/v1/sessions").out, "200") << "root";
  auto nobody = curlUnix(socket, "/api/v1/sessions", "nobody");
  EXPECT_EQ(nobody.exit_code, 7) << "curl: could not connect: " << nobody.err;
  EXPECT_NE(nobody.err.find("Couldn't connect"), std::string::npos) << nobody.err;

  // Let nobody into the group: the socket now lets it in too.
  ASSERT_EQ(run({"gpasswd", "-a", "nobody", group}).exit_code, 0);
  EXPECT_EQ(curlUnix(socket, "/api/v1/sessions", "nobody").out, "200");

  // The attack of the issue: any local user POSTs a session mirroring a VM off the host.
  const std::string session = R"({"name":"exfil","type":"erspan","sources":[{"iface_id":"vm-a"}],)"
                              R"("destination":{"remote_ip":"203.0.113.66","session_id":7}})";
  TempDir body_dir;
  ::chmod(body_dir.path().c_str(), 0755);
  std::ofstream(body_dir.path() / "body") << session;
  auto post = run({"runuser", "-u", "nobody", "--", "curl", "-sS", "-o", "/dev/null", "-w",
                   "%{http_code}", "-H", "Content-Type: application/json", "--data-binary",
                   "@" + (body_dir.path() / "body").string(), d->url() + "/api/v1/sessions"});
  EXPECT_EQ(post.out, "401") << post.err;
  EXPECT_EQ(sandbox_->vsctl({"--if-exists", "get", "Mirror", "exfil", "name"}).out, "");
}

TEST_F(DaemonSecurityTest, ForeignHostOriginAndNonJsonBodiesAreRefused) {
  auto d = start();
  const std::string session = R"({"name":"web","type":"local","sources":[{"iface_id":"vm-a"}],)"
                              R"("destination":{"port":"analyzer"}})";
  // DNS rebinding: a page of evil.example whose name now resolves to 127.0.0.1.
  EXPECT_EQ(d->http("GET", "/api/v1/sessions", "", {"-H", "Host: evil.example"}).status, 421);
  EXPECT_EQ(
      d->http("POST", "/api/v1/sessions", session, {"-H", "Origin: http://evil.example"}).status,
      403);
  // A cross-site form post needs no CORS preflight; it cannot be sent as JSON.
  EXPECT_EQ(d->http("POST", "/api/v1/sessions", session, {"-H", "Content-Type: text/plain"}).status,
            415);
  EXPECT_EQ(sandbox_->vsctl({"--if-exists", "get", "Mirror", "web", "name"}).out, "");
  EXPECT_EQ(d->http("POST", "/api/v1/sessions", session).status, 201);
  EXPECT_EQ(d->http("GET", "/api/v1/sessions", "", {"-H", "Host: localhost:" + d->port()}).status,
            200);
}

// --allow-host takes effect: the host's DNS name is accepted in Host and Origin, others are not.
TEST_F(DaemonSecurityTest, AllowHostAddsANameTheGuardAccepts) {
  auto d = start({"--allow-host", "HV1.example"});
  const std::string host = "Host: hv1.example:" + d->port();
  EXPECT_EQ(d->http("GET", "/api/v1/sessions", "", {"-H", host}).status, 200);
  EXPECT_EQ(d->http("GET", "/api/v1/sessions", "",
                    {"-H", host, "-H", "Origin: http://hv1.example:" + d->port()})
                .status,
            200);
  EXPECT_EQ(d->http("GET", "/api/v1/sessions", "", {"-H", "Host: hv2.example"}).status, 421);
  auto refused = run({OVSE_MIRRORCTL, "serve", "--db", sandbox_->dbRemote(), "--store",
                      (tmp_.path() / "other.json").string(), "--listen",
                      "unix:" + (tmp_.path() / "x.sock").string(), "--allow-host", "[::1"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("--allow-host [::1: not a host name"), std::string::npos)
      << refused.err;
}

TEST_F(DaemonSecurityTest, ConnectionsOverTheCapAreAnswered503) {
  auto d = start({"--max-connections", "2"});
  const int port = std::stoi(d->port());
  std::vector<int> held;
  for (int i = 0; i < 2; ++i) held.push_back(connectLoopback(port));
  // Make sure the daemon has accepted both before the third arrives.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  int third = connectLoopback(port);
  ASSERT_GE(third, 0);
  std::string reply = readFor(third, std::chrono::seconds(3));
  EXPECT_EQ(reply.rfind("HTTP/1.1 503", 0), 0u) << reply;
  EXPECT_NE(reply.find("too many connections"), std::string::npos) << reply;
  ::close(third);
  for (int fd : held) ::close(fd);
  // Once they are gone, requests are served again.
  int status = 0;
  for (int i = 0; i < 50 && status != 200; ++i) {
    status = d->http("GET", "/api/v1/health").status;
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(status, 200);
  auto metrics = d->http("GET", "/metrics").body;
  EXPECT_EQ(metrics.find("ovs_erspan_http_connections_refused_total 0"), std::string::npos)
      << metrics;
}

// Out of descriptors, accept() fails at once and the listening socket stays readable: the daemon
// used to spin at 100 % CPU. Now it backs off and serves again when descriptors free up.
TEST_F(DaemonSecurityTest, RunningOutOfDescriptorsDoesNotSpin) {
  const auto dir = tmp_.path() / "fd";
  std::filesystem::create_directories(dir);
  const auto token = dir / "token";
  std::ofstream(token) << "fd-token\n";
  std::filesystem::permissions(token, std::filesystem::perms(0600));
  const auto log = dir / "serve.log";
  Background serve({"prlimit", "--nofile=48:48", OVSE_MIRRORCTL, "serve", "--db",
                    sandbox_->dbRemote(), "--store", (dir / "s.json").string(), "--listen",
                    "127.0.0.1:0", "--token-file", token.string(), "--max-connections", "4096"},
                   log);
  std::string url;
  for (int i = 0; i < 100 && url.empty(); ++i) {
    std::ifstream in(log);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto at = text.find("listening on http://");
    if (at != std::string::npos) url = text.substr(at + 13, text.find('\n', at) - at - 13);
    if (url.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_FALSE(url.empty());
  const int port = std::stoi(url.substr(url.rfind(':') + 1));
  std::vector<int> held;
  for (int i = 0; i < 80; ++i) {
    int fd = connectLoopback(port);
    if (fd >= 0) held.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const double before = cpuSeconds(serve.pid());
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const double used = cpuSeconds(serve.pid()) - before;
  EXPECT_LT(used, 0.3) << "CPU seconds in 2 s while out of descriptors";
  for (int fd : held) ::close(fd);
  int status = 0;
  for (int i = 0; i < 50 && status != 200; ++i) {
    status = DaemonProcess::curl("GET", url + "/api/v1/health", "",
                                 {"-H", "Authorization: Bearer fd-token"})
                 .status;
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(status, 200);
  auto metrics =
      DaemonProcess::curl("GET", url + "/metrics", "", {"-H", "Authorization: Bearer fd-token"});
  EXPECT_EQ(metrics.body.find("ovs_erspan_http_accept_failures_total 0"), std::string::npos)
      << metrics.body;
}

// 100,000 nested arrays overflowed the JSON parser's recursion; the depth limit refuses them.
TEST_F(DaemonSecurityTest, DeeplyNestedJsonIsRefusedNotACrash) {
  auto d = start({"--body-limit", "1048576"});
  const std::string nested = std::string(100000, '[') + std::string(100000, ']');
  auto r = d->http("POST", "/api/v1/sessions", nested);
  EXPECT_EQ(r.status, 400) << r.body;
  auto patch = d->http("PATCH", "/api/v1/sessions/x", R"({"a":)" + nested + "}");
  EXPECT_EQ(patch.status / 100, 4) << patch.body;
  EXPECT_TRUE(d->process().running());
  EXPECT_EQ(d->http("GET", "/api/v1/health").status, 200);
}

}  // namespace
}  // namespace ovse::test
