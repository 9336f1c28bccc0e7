// A hand-edited store is held to the rules of a create: each validation rule, broken in the
// session file and loaded through SessionStore::open, gives the session state error with the
// field's path, and no OVS rows (rows it had before are removed). Valid sessions beside it work.
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

struct RuleCase {
  const char* rule;     // what the case breaks
  const char* session;  // the session as the file holds it
  const char* problem;  // the start of the problem the status must carry
};

const json kLocal = json::parse(R"({"name": "s", "type": "local",
    "sources": [{"iface_id": "vm-a"}], "destination": {"port": "tap"}})");

// Each case is a merge patch over kLocal (the type's destination given whole).
const RuleCase kCases[] = {
    {"name empty", R"({"name": ""})", "name: must not be empty"},
    {"name too long",
     R"({"name": "a234567890123456789012345678901234567890123456789012345678901234x"})",
     "name: \"a2345"},
    {"name charset", R"({"name": "web 1"})", "name: \"web 1\" has ' ' at position 4"},
    {"name first char", R"({"name": "-x"})", "name: \"-x\" must start with a letter or digit"},
    {"source without identity", R"({"sources": [{"direction": "both"}]})",
     "sources[0]: no identity"},
    {"source with two identities", R"({"sources": [{"port": "vm1", "iface_id": "vm-a"}]})",
     "sources[0]: has port and iface_id"},
    {"source mac", R"({"sources": [{"mac": "aa-bb-cc-dd-ee-ff"}]})",
     "sources[0].mac: \"aa-bb-cc-dd-ee-ff\" is not a MAC address"},
    {"select_vlans range", R"({"select_vlans": [5000]})", "select_vlans[0]: 5000 is above 4095"},
    {"nothing to mirror", R"({"sources": null})", "sources: none given"},
    {"snaplen low", R"({"mirrored_packet_length": 5})", "mirrored_packet_length: 5 is below 14"},
    {"snaplen high", R"({"mirrored_packet_length": 70000})",
     "mirrored_packet_length: 70000 is above 65535"},
    {"sampling zero", R"({"sampling_rate": 0})", "sampling_rate: 0 is below 1"},
    {"sampling on local", R"({"sampling_rate": 10})", "sampling_rate: 10 needs type erspan"},
    {"filter on local", R"({"filter": "tcp"})", "filter: \"tcp\" needs type erspan"},
    {"rate limit on local", R"({"rate_limit": {"packets_per_s": 5}})",
     "rate_limit: packets_per_s 5"},
    {"local port empty", R"({"destination": {"port": ""}})", "destination.port: required"},
    {"local port is a source", R"({"sources": [{"port": "tap"}]})",
     "destination.port: \"tap\" is also a source"},
    {"rspan vlan", R"({"type": "rspan", "destination": {"vlan": 5000, "uplink": "uplink"}})",
     "destination.vlan: 5000 is above 4095"},
    {"rspan uplink", R"({"type": "rspan", "destination": {"vlan": 999, "uplink": ""}})",
     "destination.uplink: required for type rspan"},
    {"rspan preserve vlan",
     R"({"type": "rspan", "destination": {"vlan": 999, "uplink": "uplink",
         "preserve_original_vlan": true}})",
     "destination.preserve_original_vlan: true is not supported: OVS's output_vlan replaces"},
    {"erspan ip missing", R"({"type": "erspan", "destination": {"remote_ip": ""}})",
     "destination.remote_ip: required"},
    {"erspan ip syntax", R"({"type": "erspan", "destination": {"remote_ip": "10.0.0"}})",
     "destination.remote_ip: \"10.0.0\" is not an IPv4 or IPv6 address"},
    {"erspan ip multicast", R"({"type": "erspan", "destination": {"remote_ip": "224.0.0.1"}})",
     "destination.remote_ip: \"224.0.0.1\" is a multicast address"},
    {"erspan session_id", R"({"type": "erspan",
         "destination": {"remote_ip": "192.0.2.10", "session_id": 5000}})",
     "destination.session_id: 5000 is above 1023"},
    {"erspan index", R"({"type": "erspan",
         "destination": {"remote_ip": "192.0.2.10", "index": 1048576}})",
     "destination.index: 1048576 is above 1048575"},
    {"erspan hwid", R"({"type": "erspan", "destination": {"remote_ip": "192.0.2.10", "hwid": 64}})",
     "destination.hwid: 64 is above 63"},
    {"erspan dscp", R"({"type": "erspan", "destination": {"remote_ip": "192.0.2.10", "dscp": 64}})",
     "destination.dscp: 64 is above 63"},
    {"erspan ttl", R"({"type": "erspan", "destination": {"remote_ip": "192.0.2.10", "ttl": 0}})",
     "destination.ttl: 0 is below 1"},
    {"erspan type I native", R"({"type": "erspan",
         "destination": {"remote_ip": "192.0.2.10", "version": 1}})",
     "destination.version: 1 (ERSPAN Type I) needs backend exporter"},
    {"erspan hwid under version 2", R"({"type": "erspan",
         "destination": {"remote_ip": "192.0.2.10", "version": 2, "hwid": 5}})",
     "destination.hwid: 5 needs version 3: only ERSPAN Type III carries a hardware ID; this "
     "session's version is 2 (ERSPAN Type II)"},
    {"erspan index under version 3", R"({"type": "erspan",
         "destination": {"remote_ip": "192.0.2.10", "version": 3, "index": 7}})",
     "destination.index: 7 needs version 2: only ERSPAN Type II carries an index; this "
     "session's version is 3 (ERSPAN Type III)"},
    {"erspan index under gre", R"({"type": "erspan",
         "destination": {"remote_ip": "192.0.2.10", "version": "gre", "index": 7}})",
     "destination.index: 7 needs version 2: only ERSPAN Type II carries an index; this "
     "session's version is \"gre\""},
    {"erspan session_id under version 1", R"({"type": "erspan",
         "destination": {"remote_ip": "192.0.2.10", "version": 1, "backend": "exporter",
                         "session_id": 9}})",
     "destination.session_id: 9 does not apply to version 1"},
    {"erspan index with the egress bit", R"({"type": "erspan",
         "destination": {"remote_ip": "192.0.2.10", "version": 2, "index": 524288}})",
     "destination.index: 524288 has bit 19 (0x80000) set"},
    {"bridge on a local session", R"({"bridge": "br0"})",
     "bridge: \"br0\" does not apply to type local"},
    {"capture file suffix", R"({"type": "capture", "destination": {"file": "a.txt"}})",
     "destination.file: \"a.txt\" must end in .pcap or .pcapng"},
    {"capture file outside the directory",
     R"({"type": "capture", "destination": {"file": "/etc/a.pcap"}})", "destination.file: "},
};

class StoreValidationTest : public ::testing::TestWithParam<RuleCase> {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "store_validation_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    fake_.addPort("br0", "vm1", {{"iface-id", "vm-a"}});
    fake_.addPort("br0", "tap");
    fake_.addPort("br0", "tap2");
    fake_.addPort("br0", "uplink");
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Writes the sessions as the store file, as an admin's editor would, and loads it.
  std::vector<Session> load(const json& sessions) {
    std::ofstream(dir_ / "sessions.json") << json{{"schema_version", 1}, {"sessions", sessions}};
    auto store = SessionStore::open(dir_ / "sessions.json");
    EXPECT_TRUE(store) << store.error();
    return store ? store->sessions() : std::vector<Session>{};
  }

  std::vector<SessionStatus> converge(const std::vector<Session>& sessions) {
    return ovse::test::converge(fake_, sessions);
  }

  fs::path dir_;
  test::FakeSwitch fake_;
};

TEST_P(StoreValidationTest, InvalidSessionIsAnErrorWithItsFieldAndGetsNoRows) {
  const RuleCase& c = GetParam();
  // A valid session named as the broken one will be, so it first has rows in OVS.
  const json patch = json::parse(c.session);
  json bad = kLocal;
  bad.merge_patch(patch);
  if (patch.contains("destination")) bad["destination"] = patch["destination"];
  json before = kLocal;
  before["name"] = bad["name"].get<std::string>().empty() ? "s" : bad["name"];
  json other = kLocal;
  other["name"] = "other";
  other["destination"]["port"] = "tap2";

  auto first = converge(load(json::array({other, before})));
  ASSERT_EQ(first.size(), 2u);
  const bool had_rows = !fake_.state()->mirrors.empty();

  auto statuses = converge(load(json::array({other, bad})));
  ASSERT_EQ(statuses.size(), 2u);
  EXPECT_EQ(statuses[0].state, SessionState::kActive) << c.rule;
  EXPECT_EQ(statuses[1].state, SessionState::kError) << c.rule;
  ASSERT_FALSE(statuses[1].problems.empty()) << c.rule;
  EXPECT_TRUE(statuses[1].problems[0].starts_with(c.problem))
      << c.rule << ": " << statuses[1].problems[0];
  EXPECT_TRUE(statuses[1].mirrors.empty());
  // Only the valid session's rows remain.
  EXPECT_TRUE(had_rows);
  const auto after = fake_.state();  // held: a range-for over a temporary's member dangles
  for (const auto& m : after->mirrors) {
    EXPECT_EQ(ovs::valueOf(m.external_ids, kSessionKey), "other") << c.rule;
  }
}

INSTANTIATE_TEST_SUITE_P(EveryRule, StoreValidationTest, ::testing::ValuesIn(kCases),
                         [](const auto& info) {
                           std::string name;
                           for (char ch : std::string(info.param.rule)) {
                             name += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
                           }
                           return name;
                         });

TEST(StoreValidation, LaterOfTwoClashingSessionsIsTheError) {
  auto a = sessionFromJson(kLocal);
  ASSERT_TRUE(a);
  Session b = *a;
  b.name = "t";
  test::FakeSwitch fake;
  fake.addPort("br0", "vm1", {{"iface-id", "vm-a"}});
  fake.addPort("br0", "tap");
  std::vector<Session> sessions{*a, b};
  auto statuses = reconcile(sessions, *fake.state()).statuses;
  EXPECT_EQ(statuses[0].state, SessionState::kActive);
  EXPECT_EQ(statuses[1].state, SessionState::kError);
  EXPECT_EQ(statuses[1].problems,
            std::vector<std::string>{
                R"(destination.port: "tap" is already the destination of session "s")"});
}

TEST(StoreValidation, WarningsOfTheRulesReachTheStatus) {
  auto s = sessionFromJson(json::parse(R"({"name": "s", "type": "local",
      "sources": [{"iface_id": "vm-a"}], "destination": {"port": "tap"},
      "mirrored_packet_length": 40})"));
  ASSERT_TRUE(s);
  test::FakeSwitch fake;
  fake.addPort("br0", "vm1", {{"iface-id", "vm-a"}});
  fake.addPort("br0", "tap");
  std::vector<Session> sessions{*s};
  auto status = reconcile(sessions, *fake.state()).statuses.at(0);
  EXPECT_EQ(status.state, SessionState::kActive);
  EXPECT_EQ(status.warnings,
            std::vector<std::string>{"mirrored_packet_length: 40 is below 60, vSphere's minimum"});
}

TEST(StoreValidation, TemporaryOwnersAreNotValidatedAgain) {
  auto s = sessionFromJson(kLocal);
  ASSERT_TRUE(s);
  s->name = "capture run";  // a name a user could not give, built by the program
  test::FakeSwitch fake;
  fake.addPort("br0", "vm1", {{"iface-id", "vm-a"}});
  fake.addPort("br0", "tap");
  std::vector<Session> sessions{*s};
  auto status = reconcile(sessions, *fake.state(), {.owner = "capture-1"}).statuses.at(0);
  EXPECT_EQ(status.state, SessionState::kActive);
}

}  // namespace
}  // namespace ovse::manager
