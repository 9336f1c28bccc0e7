// `mirrorctl collect -w` never destroys an earlier capture: a restart with the same -w (or a
// pattern, or rotation) renames what is there aside with its modification time; --overwrite is
// tcpdump's truncation. Every file is 0600 and read back with tshark.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <sstream>

#include "harness/process.h"

namespace ovse::test {
namespace {

namespace fs = std::filesystem;

void generate(const fs::path& out, int count) {
  auto r = run({std::string(OVSE_BINARY_DIR) + "/tests/bench/erspan_gen", out.string(),
                std::to_string(count)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

// Frames in `file` as tshark counts them (-1 when tshark cannot read it).
long framesIn(const fs::path& file) {
  auto r = run({"tshark", "-r", file.string(), "-T", "fields", "-e", "frame.number"});
  if (r.exit_code != 0) return -1;
  long lines = 0;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) lines += !line.empty();
  return lines;
}

// The capture files in `dir` (not the input) with their frame counts, checking each is 0600.
std::map<std::string, long> captures(const fs::path& dir) {
  std::map<std::string, long> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name == "in.pcap") continue;
    struct stat st {};
    EXPECT_EQ(::stat(e.path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u) << name;
    out[name] = framesIn(e.path());
  }
  return out;
}

long total(const std::map<std::string, long>& files) {
  long sum = 0;
  for (const auto& [name, frames] : files) {
    EXPECT_GE(frames, 0) << name << " is not readable by tshark";
    sum += frames;
  }
  return sum;
}

CommandResult collect(const fs::path& dir, std::vector<std::string> extra) {
  std::vector<std::string> argv{OVSE_MIRRORCTL, "collect", "-r", (dir / "in.pcap").string(),
                                "--allow-any"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return run(argv);
}

TEST(CollectKeep, RestartWithTheSameFileKeepsTheEarlierOne) {
  TempDir tmp;
  generate(tmp.path() / "in.pcap", 1000);
  const std::string out = (tmp.path() / "same.pcapng").string();
  for (int round = 1; round <= 2; ++round) {
    auto r = collect(tmp.path(), {"-w", out});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  auto files = captures(tmp.path());
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files["same.pcapng"], 1000);
  EXPECT_EQ(total(files), 2000) << "both runs' frames are on disk";
  for (const auto& [name, frames] : files) {
    if (name != "same.pcapng") {
      EXPECT_TRUE(name.starts_with("same-2")) << name;
    }
  }

  // --overwrite: tcpdump's behaviour, the file is truncated and nothing more is kept.
  auto r = collect(tmp.path(), {"-w", out, "--overwrite"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto after = captures(tmp.path());
  EXPECT_EQ(after.size(), 2u);
  EXPECT_EQ(after["same.pcapng"], 1000);
  EXPECT_EQ(total(after), 2000);
}

TEST(CollectKeep, PatternsAndRotationNeverReuseANameHoldingEarlierData) {
  TempDir tmp;
  generate(tmp.path() / "in.pcap", 20000);
  const std::string pattern = (tmp.path() / "s%s/o.pcapng").string();
  std::size_t first_files = 0;
  for (int round = 1; round <= 2; ++round) {
    auto r = collect(tmp.path(), {"-w", pattern, "-C", "1"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::map<std::string, long> files;
    for (const auto& dir : fs::directory_iterator(tmp.path())) {
      if (!dir.is_directory()) continue;
      for (auto& [name, frames] : captures(dir.path())) files[name] = frames;
    }
    if (round == 1) first_files = files.size();
    ASSERT_GE(first_files, 2u) << "-C 1 rotated";
    EXPECT_EQ(files.size(), round * first_files);
    EXPECT_EQ(total(files), round * 20000L) << "every earlier frame is still on disk";
  }
}

}  // namespace
}  // namespace ovse::test
