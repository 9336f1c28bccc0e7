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
