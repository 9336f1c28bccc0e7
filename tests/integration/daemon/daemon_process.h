// A `mirrorctl serve` daemon for tests: started on a private unix socket and an ephemeral
// loopback port (with a token) against a sandbox's OVSDB, with its addresses read from the log;
// plus a curl-based HTTP helper (an HTTP client independent of ours).
#pragma once

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "harness/process.h"

namespace ovse::test {

/// What an HTTP call returned.
struct HttpResult {
  int status = 0;
  std::string body;
};

class DaemonProcess {
 public:
  /// Starts `mirrorctl serve --db db --store store` with `extra` flags (in network namespace
  /// `netns` when given, where http() then runs curl too) and waits (5 s) until every listener
  /// logged "listening on ...". Unless `extra` says otherwise it listens on a unix socket in a
  /// private directory and on an ephemeral loopback port with a generated token (mode 0600).
  /// Throws std::runtime_error with the log when it does not come up.
  DaemonProcess(const std::string& db, const std::filesystem::path& store,
                const std::filesystem::path& log, std::vector<std::string> extra = {},
                std::string netns = "")
      : log_(log), netns_(std::move(netns)) {
    std::vector<std::string> argv{OVSE_MIRRORCTL, "serve", "--db", db, "--store", store.string()};
    if (!netns_.empty()) argv.insert(argv.begin(), {"ip", "netns", "exec", netns_});
    if (std::find(extra.begin(), extra.end(), "--listen") == extra.end()) {
      socket_ = (private_.path() / "api.sock").string();
      argv.insert(argv.end(), {"--listen", "unix:" + socket_, "--listen", "127.0.0.1:0"});
    }
    auto token_flag = std::find(extra.begin(), extra.end(), "--token-file");
    if (token_flag == extra.end()) {
      token_ = "test-token-" + std::to_string(::getpid());
      const auto path = private_.path() / "token";
      std::ofstream(path) << token_ << '\n';
      std::filesystem::permissions(path, std::filesystem::perms(0600));
      argv.insert(argv.end(), {"--token-file", path.string()});
    } else if (token_flag + 1 != extra.end()) {
      std::ifstream in(*(token_flag + 1));
      in >> token_;
    }
    // Capture sessions write into a private directory, never the host's default one.
    if (std::find(extra.begin(), extra.end(), "--capture-dir") == extra.end()) {
      capture_dir_ = private_.path() / "captures";
      argv.insert(argv.end(), {"--capture-dir", capture_dir_.string()});
    }
    argv.insert(argv.end(), extra.begin(), extra.end());
    const auto listeners =
        static_cast<std::size_t>(std::count(argv.begin(), argv.end(), "--listen"));
    process_ = std::make_unique<Background>(argv, log);
    const std::regex listening("listening on (http://[^ \\n]+|unix:[^ \\n]+)");
    for (int i = 0; i < 100; ++i) {
      std::string text = logText();
      std::size_t seen = 0;
      for (std::sregex_iterator it(text.begin(), text.end(), listening), end; it != end; ++it) {
        ++seen;
        const std::string where = (*it)[1];
        if (where.starts_with("http://")) {
          url_ = where;
          port_ = url_.substr(url_.rfind(':') + 1);
        } else {
          socket_ = where.substr(5);
        }
      }
      if (seen >= listeners) return;
      if (!process_->running()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error("mirrorctl serve did not start listening: " + logText());
  }

  /// The --capture-dir the fixture chose ("" when `extra` gave one).
  const std::filesystem::path& captureDir() const { return capture_dir_; }
  /// "unix:PATH" of the API socket (for `mirrorctl session --server`), "" without one.
  std::string server() const { return socket_.empty() ? "" : "unix:" + socket_; }
  /// The API socket's path.
  const std::string& socketPath() const { return socket_; }
  /// The bearer token TCP requests need.
  const std::string& token() const { return token_; }

  /// "http://127.0.0.1:PORT".
  const std::string& url() const { return url_; }
  const std::string& port() const { return port_; }
  Background& process() { return *process_; }

  std::string logText() const {
    std::ifstream in(log_);
    std::stringstream buf;
    buf << in.rdbuf();
    return buf.str();
  }

  /// `method` `path` (relative to url()) with an optional body and extra curl arguments.
  /// Sends the token unless `extra` carries an Authorization header of its own.
  HttpResult http(const std::string& method, const std::string& path, const std::string& body = "",
                  const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> args = extra;
    const bool own_auth = std::any_of(extra.begin(), extra.end(), [](const std::string& a) {
      return a.rfind("Authorization:", 0) == 0;
    });
    if (!own_auth && !token_.empty()) {
      args.insert(args.begin(), {"-H", "Authorization: Bearer " + token_});
    }
    return curl(method, url_ + path, body, args, netns_);
  }

  /// curl against any URL; the body is sent from a file to keep it byte-exact.
  static HttpResult curl(const std::string& method, const std::string& url, const std::string& body,
                         const std::vector<std::string>& extra, const std::string& netns = "") {
    TempDir tmp;
    std::vector<std::string> argv;
    if (!netns.empty()) argv = {"ip", "netns", "exec", netns};
    argv.insert(argv.end(), {"curl", "-sS", "-X", method, "-o", (tmp.path() / "out").string(), "-w",
                             "%{http_code}", "--max-time", "15"});
    if (!body.empty()) {
      std::ofstream(tmp.path() / "in", std::ios::binary) << body;
      argv.insert(argv.end(), {"-H", "Content-Type: application/json", "-H",
                               "Expect:", "--data-binary", "@" + (tmp.path() / "in").string()});
    }
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back(url);
    CommandResult r = run(argv);
    std::ifstream in(tmp.path() / "out");
    std::stringstream buf;
    buf << in.rdbuf();
    return {r.exit_code == 0 ? std::atoi(r.out.c_str()) : -r.exit_code, buf.str()};
  }

 private:
  TempDir private_;
  std::filesystem::path log_;
  std::string netns_;
  std::string socket_;
  std::string token_;
  std::filesystem::path capture_dir_;
  std::unique_ptr<Background> process_;
  std::string url_;
  std::string port_;
};

}  // namespace ovse::test
