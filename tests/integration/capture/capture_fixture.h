// A sandbox with vm1 and vm2 for `mirrorctl capture` tests: the capture runs in the hypervisor
// namespace (where its internal ports live), its pcapng is read back with tshark.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "harness/process.h"
#include "harness/sandbox.h"

namespace ovse::test {

class CaptureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    OVSE_REQUIRE_SANDBOX();
    sb_ = std::make_unique<Sandbox>();
    sb_->addVm("vm1", "10.0.0.1/24", "02:00:00:00:00:01", "vm1-iface", "vm1-uuid");
    sb_->addVm("vm2", "10.0.0.2/24", "02:00:00:00:00:02", "vm2-iface", "vm2-uuid");
    // Pinned neighbours: no ARP in the counted traffic.
    sb_->exec("vm1", {"ip", "neigh", "replace", "10.0.0.2", "lladdr", "02:00:00:00:00:02", "nud",
                      "permanent", "dev", "eth0"});
    sb_->exec("vm2", {"ip", "neigh", "replace", "10.0.0.1", "lladdr", "02:00:00:00:00:01", "nud",
                      "permanent", "dev", "eth0"});
  }

  std::string file(const std::string& name) const { return (tmp_.path() / name).string(); }

  /// `mirrorctl capture ARGS --db ... --progress 0` in the hypervisor namespace, argv form.
  std::vector<std::string> captureArgv(const std::vector<std::string>& args) const {
    std::vector<std::string> argv{"ip",           "netns",   "exec", sb_->netns("hv"),
                                  OVSE_MIRRORCTL, "capture", "--db", sb_->dbRemote(),
                                  "--progress",   "0"};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }

  /// Starts a capture and waits until it says it is capturing (mirrors in place).
  void start(const std::vector<std::string>& args) {
    log_ = tmp_.path() / ("capture-" + std::to_string(++runs_) + ".log");
    cap_ = std::make_unique<Background>(captureArgv(args), log_);
    for (int i = 0; i < 500; ++i) {
      if (log().find("Ctrl-C stops") != std::string::npos) return;
      if (!cap_->running()) break;
      usleep(10000);
    }
    FAIL() << "capture did not start: " << log();
  }

  /// Stops the capture with `sig` and returns its exit code.
  int stop(int sig = SIGINT) { return cap_->stop(sig); }

  /// Waits for the capture to end on its own (-c, --duration) for up to `seconds`.
  bool waitExit(double seconds) {
    for (int i = 0; i < seconds * 100; ++i) {
      if (!cap_->running()) return true;
      usleep(10000);
    }
    return false;
  }

  std::string log() const {
    std::ifstream in(log_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  void ping(const std::string& from, const std::string& to, int count,
            const char* interval = "0.05", int size = 56) {
    auto r = sb_->exec(from, {"ping", "-q", "-c", std::to_string(count), "-i", interval, "-s",
                              std::to_string(size), "-W", "1", to});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  }

  /// tshark's fields for every frame of `path` matching `display_filter`.
  std::vector<std::vector<std::string>> fields(const std::string& path,
                                               const std::vector<std::string>& names,
                                               const std::string& display_filter = "") const {
    std::vector<std::string> argv{"tshark", "-r", path, "-T", "fields", "-E", "separator=|"};
    for (const auto& n : names) argv.insert(argv.end(), {"-e", n});
    if (!display_filter.empty()) argv.insert(argv.end(), {"-Y", display_filter});
    auto r = run(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::vector<std::string>> rows;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
      std::vector<std::string> row;
      std::istringstream cells(line);
      for (std::string cell; std::getline(cells, cell, '|');) row.push_back(cell);
      row.resize(names.size());
      rows.push_back(row);
    }
    return rows;
  }

  /// Mirror and Port rows of any capture owner (ovs-erspan-owner=capture-...).
  int captureRows() const {
    int n = 0;
    for (const char* table : {"mirror", "port"}) {
      auto r = sb_->vsctl({"--format=csv", "--columns=external_ids", "list", table});
      for (std::size_t at = 0; (at = r.out.find("ovs-erspan-owner", at)) != std::string::npos;
           ++at) {
        ++n;
      }
    }
    return n;
  }

  TempDir tmp_;
  std::unique_ptr<Sandbox> sb_;
  std::unique_ptr<Background> cap_;
  std::filesystem::path log_;
  int runs_ = 0;
};

/// Rows whose column `col` equals `value`.
inline int countWhere(const std::vector<std::vector<std::string>>& rows, std::size_t col,
                      const std::string& value) {
  int n = 0;
  for (const auto& r : rows) n += r[col] == value ? 1 : 0;
  return n;
}

}  // namespace ovse::test
