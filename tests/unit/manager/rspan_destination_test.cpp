// Type rspan-destination (vSphere's Remote Mirroring Destination): JSON, each rule broken in a
// hand-edited store and loaded through SessionStore::open (state error, the field's path, no
// rows), and the rows: one Mirror selecting the RSPAN VLAN as it arrives on the uplink, to the
// destination port(s); an absent uplink makes the session wait.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "converge.h"
#include "fake_switch.h"
#include "mirror_manager/reconciler.h"
#include "mirror_manager/session_json.h"
#include "mirror_manager/store.h"

namespace ovse::manager {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const json kRspanDestination = json::parse(R"({"name": "rd", "type": "rspan-destination",
    "source_vlans": [999], "uplink": "uplink", "destination": {"port": "tap"}})");

TEST(RspanDestinationJson, RoundTripsAndRefusesUnknownDestinationFields) {
  auto s = sessionFromJson(kRspanDestination);
  ASSERT_TRUE(s) << s.error().text();
  EXPECT_EQ(s->type, SessionType::kRspanDestination);
  EXPECT_EQ(s->source_vlans, std::vector<std::uint16_t>{999});
  EXPECT_EQ(s->uplink, "uplink");
  json written = sessionToJson(*s);
  EXPECT_EQ(written["type"], "rspan-destination");
  EXPECT_EQ(sessionFromJson(written).value(), *s);
  json bad = kRspanDestination;
  bad["destination"] = {{"vlan", 999}};
  auto refused = sessionFromJson(bad);
  ASSERT_FALSE(refused);
  EXPECT_TRUE(refused.error().text().find("for type rspan-destination (allowed: port, ports") !=
              std::string::npos)
      << refused.error().text();
  bad = kRspanDestination;
  bad["source_vlans"] = {"999"};
  EXPECT_FALSE(sessionFromJson(bad));
}

struct RuleCase {
  const char* rule;
  const char* patch;    // merge patch over kRspanDestination (or a local session for "local:")
  const char* problem;  // the start of the status's first problem
};

const RuleCase kCases[] = {
    {"vlan missing", R"({"source_vlans": null})", "source_vlans: required for type rspan-dest"},
    {"vlan zero", R"({"source_vlans": [0]})", "source_vlans[0]: 0 is below 1"},
    {"vlan 4095", R"({"source_vlans": [999, 4095]})", "source_vlans[1]: 4095 is above 4094"},
    {"uplink missing", R"({"uplink": null})", "uplink: required for type rspan-destination"},
    {"destination port missing", R"({"destination": {"port": ""}})",
     "destination.port: required for type rspan-destination"},
    {"destination is the uplink", R"({"destination": {"ports": ["tap", "uplink"]}})",
     "destination.ports[1]: \"uplink\" is also the uplink the RSPAN VLAN arrives on"},
    {"sources refused", R"({"sources": [{"port": "vm1"}]})",
     "sources: 1 given; does not apply to type rspan-destination"},
    {"select_vlans refused", R"({"select_vlans": [5]})",
     "select_vlans: given; does not apply to type rspan-destination"},
    {"select_all refused", R"({"select_all": true})",
     "select_all: true does not apply to type rspan-destination"},
    {"bridge refused", R"({"bridge": "br0"})",
     "bridge: \"br0\" does not apply to type rspan-destination"},
    {"uplink on local", R"({"type": "local", "sources": [{"port": "vm1"}], "source_vlans": null})",
     "uplink: \"uplink\" needs type rspan-destination; this session's type is local"},
    {"source_vlans on local", R"({"type": "local", "sources": [{"port": "vm1"}], "uplink": null})",
     "source_vlans: given; needs type rspan-destination; this session's type is local"},
    {"rspan-destination shape", R"({"destination": {"vlan": 999, "uplink": "uplink"}})",
     "destination.uplink: unknown field for type rspan-destination"},
};

class RspanDestinationStore : public ::testing::TestWithParam<RuleCase> {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "rspan_destination_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    vm1_ = fake_.addPort("br0", "vm1", {{"iface-id", "vm-a"}});
    tap_ = fake_.addPort("br0", "tap");
    tap2_ = fake_.addPort("br0", "tap2");
    uplink_ = fake_.addPort("br0", "uplink");
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Writes the sessions as the store file, as an admin's editor would, and loads it; a session
  // the loader refuses as JSON comes back as the error's text.
  std::expected<std::vector<Session>, std::string> load(const json& sessions) {
    std::ofstream(dir_ / "sessions.json") << json{{"schema_version", 1}, {"sessions", sessions}};
    auto store = SessionStore::open(dir_ / "sessions.json");
    if (!store) return std::unexpected(store.error());
    return store->sessions();
  }

  std::vector<SessionStatus> converge(const std::vector<Session>& sessions) {
    return ovse::test::converge(fake_, sessions);
  }

  fs::path dir_;
  test::FakeSwitch fake_;
  std::string vm1_, tap_, tap2_, uplink_;
};

TEST_F(RspanDestinationStore, OneMirrorSelectsTheVlanArrivingOnTheUplinkToEachPort) {
  json s = kRspanDestination;
  s["source_vlans"] = {999, 5};
  s["destination"] = {{"ports", {"tap", "tap2"}}};
  auto sessions = load(json::array({s}));
  ASSERT_TRUE(sessions) << sessions.error();
  auto statuses = converge(*sessions);
  ASSERT_EQ(statuses.size(), 1u);
  EXPECT_EQ(statuses[0].state, SessionState::kActive);
  EXPECT_EQ(statuses[0].bridge, "br0");
  const auto state = fake_.state();
  ASSERT_EQ(state->mirrors.size(), 2u);
  std::set<std::string> outputs;
  for (const auto& m : state->mirrors) {
    EXPECT_EQ(m.select_src_port, std::vector<std::string>{uplink_});
    EXPECT_TRUE(m.select_dst_port.empty());
    EXPECT_EQ(m.select_vlan, (std::vector<std::int64_t>{5, 999}));
    EXPECT_FALSE(m.select_all);
    EXPECT_FALSE(m.output_vlan);
    outputs.insert(m.output_port.value_or(""));
  }
  EXPECT_EQ(outputs, (std::set<std::string>{tap_, tap2_}));
}

TEST_F(RspanDestinationStore, AbsentUplinkWaits) {
  json s = kRspanDestination;
  s["uplink"] = "uplink-not-yet";
  auto sessions = load(json::array({s}));
  ASSERT_TRUE(sessions) << sessions.error();
  auto statuses = converge(*sessions);
  ASSERT_EQ(statuses.size(), 1u);
  EXPECT_EQ(statuses[0].state, SessionState::kWaiting);
  EXPECT_EQ(statuses[0].missing, std::vector<std::string>{"uplink port uplink-not-yet"});
  EXPECT_TRUE(fake_.state()->mirrors.empty());
}

TEST_P(RspanDestinationStore, BrokenRuleIsAnErrorWithItsFieldAndGetsNoRows) {
  const RuleCase& c = GetParam();
  json bad = kRspanDestination;
  const json patch = json::parse(c.patch);
  bad.merge_patch(patch);
  if (patch.contains("destination")) bad["destination"] = patch["destination"];
  auto sessions = load(json::array({bad}));
  if (!sessions) {  // refused as JSON: the loader names the field
    EXPECT_NE(sessions.error().find(c.problem), std::string::npos) << c.rule << ": "
                                                                   << sessions.error();
    return;
  }
  auto statuses = converge(*sessions);
  ASSERT_EQ(statuses.size(), 1u);
  EXPECT_EQ(statuses[0].state, SessionState::kError) << c.rule;
  ASSERT_FALSE(statuses[0].problems.empty()) << c.rule;
  EXPECT_TRUE(statuses[0].problems[0].starts_with(c.problem))
      << c.rule << ": " << statuses[0].problems[0];
  EXPECT_TRUE(fake_.state()->mirrors.empty()) << c.rule;
}

INSTANTIATE_TEST_SUITE_P(EveryRule, RspanDestinationStore, ::testing::ValuesIn(kCases),
                         [](const auto& info) {
                           std::string name;
                           for (char ch : std::string(info.param.rule)) {
                             name += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace ovse::manager
