// A `mirrorctl serve` daemon for tests: started on an ephemeral loopback port against a
// sandbox's OVSDB, with its URL read from the log; plus a curl-based HTTP helper (an HTTP
// client independent of ours).
#pragma once

#include <chrono>
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
  /// `netns` when given, where http() then runs curl too) and waits (5 s) for "listening on
  /// http://...". Throws std::runtime_error with the log when it does not come.
  DaemonProcess(const std::string& db, const std::filesystem::path& store,
                const std::filesystem::path& log, std::vector<std::string> extra = {},
                std::string netns = "")
      : log_(log), netns_(std::move(netns)) {
    std::vector<std::string> argv{OVSE_MIRRORCTL, "serve", "--db", db, "--store", store.string()};
    if (!netns_.empty()) argv.insert(argv.begin(), {"ip", "netns", "exec", netns_});
    if (std::find(extra.begin(), extra.end(), "--listen") == extra.end()) {
      argv.insert(argv.end(), {"--listen", "127.0.0.1:0"});
    }
    argv.insert(argv.end(), extra.begin(), extra.end());
    process_ = std::make_unique<Background>(argv, log);
    const std::regex listening("listening on (http://[^ \\n]+)");
    for (int i = 0; i < 100; ++i) {
      std::smatch m;
      std::string text = logText();
      if (std::regex_search(text, m, listening)) {
        url_ = m[1];
        port_ = url_.substr(url_.rfind(':') + 1);
        return;
      }
      if (!process_->running()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error("mirrorctl serve did not start listening: " + logText());
  }

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
  HttpResult http(const std::string& method, const std::string& path, const std::string& body = "",
                  const std::vector<std::string>& extra = {}) const {
    return curl(method, url_ + path, body, extra, netns_);
  }

  /// curl against any URL; the body is sent from a file to keep it byte-exact.
  static HttpResult curl(const std::string& method, const std::string& url, const std::string& body,
                         const std::vector<std::string>& extra, const std::string& netns = "") {
    TempDir tmp;
    std::vector<std::string> argv;
    if (!netns.empty()) argv = {"ip", "netns", "exec", netns};
    argv.insert(argv.end(), {
        "curl", "-sS",          "-X",         method, "-o", (tmp.path() / "out").string(),
        "-w",   "%{http_code}", "--max-time", "15"});
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
  std::filesystem::path log_;
  std::string netns_;
  std::unique_ptr<Background> process_;
  std::string url_;
  std::string port_;
};

}  // namespace ovse::test
