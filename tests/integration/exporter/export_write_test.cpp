// `mirrorctl export --write`: the pcap file is private (0600 whatever the umask), an earlier file
// at the path is renamed aside with its modification time, and a symbolic link is refused.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "harness/process.h"

namespace ovse::test {
namespace {

namespace fs = std::filesystem;

CommandResult exportTo(const fs::path& in, const fs::path& out) {
  return run({OVSE_MIRRORCTL, "export", "--read", in.string(), "--write", out.string(), "--type",
              "erspan2", "--remote", "10.9.9.9"});
}

TEST(ExportWrite, FileIsPrivateAndTheEarlierOneIsKept) {
  TempDir tmp;
  const fs::path in = tmp.path() / "in.pcap";
  auto gen = run({std::string(OVSE_BINARY_DIR) + "/tests/bench/erspan_gen", in.string(), "100"});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  const fs::path out = tmp.path() / "out.pcap";
  std::ofstream(out) << "earlier";
  const mode_t old_umask = ::umask(022);
  auto r = exportTo(in, out);
  ::umask(old_umask);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  struct stat st {};
  ASSERT_EQ(::stat(out.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  auto count = run({"capinfos", "-c", "-M", out.string()});
  EXPECT_NE(count.out.find("100"), std::string::npos) << count.out << count.err;
  int kept = 0;
  for (const auto& e : fs::directory_iterator(tmp.path())) {
    if (!e.path().filename().string().starts_with("out-")) continue;
    std::ifstream f(e.path());
    std::string text((std::istreambuf_iterator<char>(f)), {});
    EXPECT_EQ(text, "earlier");
    ++kept;
  }
  EXPECT_EQ(kept, 1);

  fs::create_symlink(tmp.path() / "target.pcap", tmp.path() / "link.pcap");
  auto refused = exportTo(in, tmp.path() / "link.pcap");
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("symbolic link"), std::string::npos) << refused.err;
  EXPECT_FALSE(fs::exists(tmp.path() / "target.pcap"));
}

}  // namespace
}  // namespace ovse::test
