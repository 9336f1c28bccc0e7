// printPreview, what `mirrorctl session create|set --dry-run` prints: the dry-run line first, the
// session with the state it would get and its warnings apart from errors, and the exit code the
// change would have (0 with warnings, 1 when it would be refused); --json as REST gives it.
#include "session_print.h"

#include <gtest/gtest.h>

#include <iostream>
#include <sstream>

namespace ovse::cli {
namespace {

using nlohmann::json;

// What printPreview writes to stdout and stderr, and its exit code.
struct Printed {
  int code;
  std::string out, err;
};

Printed preview(const CallResult& answer, bool as_json) {
  std::ostringstream out, err;
  auto* old_out = std::cout.rdbuf(out.rdbuf());
  auto* old_err = std::cerr.rdbuf(err.rdbuf());
  const int code = printPreview(answer, as_json);
  std::cout.rdbuf(old_out);
  std::cerr.rdbuf(old_err);
  return {code, out.str(), err.str()};
}

const json kSession = {{"name", "web"},
                       {"type", "local"},
                       {"sources", {{{"port", "vm1"}}}},
                       {"destination", {{"port", "vm2"}}}};

json reply(const std::string& state, const json& warnings, const json& problems) {
  return {{"dry_run", true},
          {"session", kSession},
          {"status",
           {{"state", state},
            {"warnings", warnings},
            {"problems", problems},
            {"mirrors", {"web"}},
            {"ports", json::array()}}},
          {"mirrored", {{"packets", 0}, {"bytes", 0}}}};
}

TEST(PrintPreview, SaysNothingChangedThenTheSessionAndItsWarnings) {
  auto p = preview(reply("active", {"destination port vm2 is a VM's port"}, json::array()), false);
  EXPECT_EQ(p.code, 0);
  EXPECT_EQ(p.out.rfind("dry run: nothing saved, nothing applied\n", 0), 0u) << p.out;
  EXPECT_NE(p.out.find("state:        active\n"), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("  warning:    destination port vm2 is a VM's port\n"), std::string::npos);
  EXPECT_NE(p.out.find("OVS mirrors:  web\n"), std::string::npos) << p.out;
  EXPECT_EQ(p.out.find("mirrored:"), std::string::npos) << "no counters for a planned session";
  EXPECT_EQ(p.err, "");
}

TEST(PrintPreview, AStateOfErrorExitsAsTheRefusedChange) {
  auto p = preview(reply("error", json::array(), {"bridge br0 has 32 mirrors"}), false);
  EXPECT_EQ(p.code, 1);
  EXPECT_NE(p.out.find("  problem:    bridge br0 has 32 mirrors\n"), std::string::npos) << p.out;
}

TEST(PrintPreview, ARefusalNamesTheFieldOnStderr) {
  const json error = {
      {"error", "destination.hwid: 3 needs version 3"},
      {"path", "destination.hwid"},
      {"issues",
       {{{"path", "destination.hwid"}, {"message", "3 needs version 3"}, {"severity", "error"}}}}};
  auto p = preview(std::unexpected(error), false);
  EXPECT_EQ(p.code, 1);
  EXPECT_EQ(p.out, "dry run: nothing saved, nothing applied\n");
  EXPECT_EQ(p.err, "mirrorctl session: destination.hwid: 3 needs version 3\n");
}

TEST(PrintPreview, JsonIsTheAnswerAsItCame) {
  const json r = reply("active", json::array(), json::array());
  auto p = preview(r, true);
  EXPECT_EQ(p.code, 0);
  EXPECT_EQ(json::parse(p.out), r);
  const json error = {{"error", "x"}, {"path", "name"}};
  auto refused = preview(std::unexpected(error), true);
  EXPECT_EQ(refused.code, 1);
  EXPECT_EQ(json::parse(refused.out), error);
}

}  // namespace
}  // namespace ovse::cli
