// Running external programs from tests (tshark, scapy, ip, ovs-vsctl) and collecting their output.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ovse::test {

/// What a finished command left behind.
struct CommandResult {
  int exit_code = -1;  ///< exit status, or 128 + signal number
  std::string out;     ///< standard output
  std::string err;     ///< standard error
};

/// Runs `argv` (no shell) to completion and returns its exit code and output.
CommandResult run(const std::vector<std::string>& argv);

/// Runs `script` with /bin/bash -c, for pipelines. Prefer `run` when no shell is needed.
CommandResult runShell(const std::string& script);

/// True when `program` is found on PATH or is an executable path.
bool haveProgram(const std::string& program);

/// A program running in the background (a daemon under test, tcpdump), stopped with SIGTERM when
/// destroyed. Its stdout and stderr go to `log`.
class Background {
 public:
  Background(const std::vector<std::string>& argv, const std::filesystem::path& log);
  ~Background();
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  /// Sends `sig`, waits for the exit and returns the exit code (128 + signal when killed).
  int stop(int sig = 15);
  /// True while the process has not exited.
  bool running();
  int pid() const { return pid_; }

 private:
  int pid_ = -1;
  int exit_code_ = -1;
};

/// A temporary directory removed with its contents when destroyed (kept when OVSE_KEEP_TMP is set).
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// Path of a file in the source tree, e.g. `sourcePath("tests/data/x.pcap")`.
std::filesystem::path sourcePath(const std::string& relative);

}  // namespace ovse::test
