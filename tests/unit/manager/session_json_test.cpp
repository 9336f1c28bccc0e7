// Session JSON form: round trips, defaults, and one test per kind of error (unknown field, wrong
// type, bad enum value, out-of-range number, missing field), each checking the exact message.
#include "mirror_manager/session_json.h"

#include <gtest/gtest.h>

namespace ovse::manager {
namespace {

using nlohmann::json;

// The text of the error sessionFromJson() reports for `text`, or "ok".
std::string errorOf(std::string_view text) {
  auto s = sessionFromJson(json::parse(text));
  return s ? "ok" : s.error().text();
}

TEST(SessionFromJson, ParsesTheIssueExample) {
  auto s = sessionFromJson(json::parse(R"({"name": "web", "type": "local",
      "sources": [{"iface_id": "vm-a", "direction": "both"}],
      "destination": {"port": "tap-analyzer"}, "mirrored_packet_length": 60})"));
  ASSERT_TRUE(s) << s.error().text();
  EXPECT_EQ(s->name, "web");
  EXPECT_EQ(s->type, SessionType::kLocal);
  ASSERT_EQ(s->sources.size(), 1u);
  EXPECT_EQ(s->sources[0].iface_id, "vm-a");
  EXPECT_EQ(s->sources[0].direction, Direction::kBoth);
  EXPECT_EQ(std::get<LocalDestination>(s->destination).port, "tap-analyzer");
  EXPECT_EQ(s->mirrored_packet_length, 60u);
}

TEST(SessionFromJson, AppliesDefaults) {
  auto s = sessionFromJson(json::parse(R"({"name": "e", "type": "erspan",
      "sources": [{"port": "p1"}], "destination": {"remote_ip": "10.0.0.9"}})"));
  ASSERT_TRUE(s) << s.error().text();
  EXPECT_TRUE(s->enabled);
  EXPECT_EQ(s->sources[0].direction, Direction::kBoth);
  EXPECT_EQ(s->sampling_rate, 1u);
  EXPECT_FALSE(s->mirrored_packet_length);
  const auto& d = std::get<ErspanDestination>(s->destination);
  EXPECT_EQ(d.version, ErspanVersion::kTypeII);
  EXPECT_EQ(d.backend, ErspanBackend::kNative);
  EXPECT_FALSE(d.dscp);
  EXPECT_FALSE(d.ttl);
}

TEST(SessionFromJson, LowerCasesMacs) {
  auto s = sessionFromJson(json::parse(R"({"name": "m", "type": "local",
      "sources": [{"mac": "AA:BB:cc:DD:ee:0F"}], "destination": {"port": "tap"}})"));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->sources[0].mac, "aa:bb:cc:dd:ee:0f");
}

TEST(SessionFromJson, VersionAcceptsNumbersAndGre) {
  const char* base = R"({"name": "e", "type": "erspan", "destination": {"version": )";
  auto parse = [&](const char* v) {
    return sessionFromJson(json::parse(std::string(base) + v + "}}"));
  };
  EXPECT_EQ(std::get<ErspanDestination>(parse("1")->destination).version, ErspanVersion::kTypeI);
  EXPECT_EQ(std::get<ErspanDestination>(parse("3")->destination).version, ErspanVersion::kTypeIII);
  EXPECT_EQ(std::get<ErspanDestination>(parse(R"("gre")")->destination).version,
            ErspanVersion::kGre);
  EXPECT_EQ(errorOf(std::string(base) + "4}}"),
            R"(destination.version: 4 is not one of 1, 2, 3, "gre", "vxlan", "geneve")");
  EXPECT_EQ(errorOf(std::string(base) + R"("GRE"}})"),
            R"(destination.version: "GRE" is not one of 1, 2, 3, "gre", "vxlan", "geneve")");
}

TEST(SessionFromJson, RejectsUnknownTopLevelField) {
  EXPECT_EQ(errorOf(R"({"name": "a", "type": "local", "destination": {}, "colour": 1})"),
            "colour: unknown field");
}

TEST(SessionFromJson, RejectsUnknownSourceField) {
  EXPECT_EQ(errorOf(R"({"name": "a", "type": "local", "destination": {},
      "sources": [{"port": "p"}, {"port": "q", "colour": "red"}]})"),
            "sources[1].colour: unknown field");
}

TEST(SessionFromJson, DestinationFieldsDependOnType) {
  EXPECT_EQ(errorOf(R"({"name": "a", "type": "local", "destination": {"vlan": 10}})"),
            "destination.vlan: unknown field for type local (allowed: port, ports, "
            "allow_normal_io)");
  EXPECT_EQ(errorOf(R"({"name": "a", "type": "rspan", "destination": {"port": "x"}})"),
            "destination.port: unknown field for type rspan (allowed: vlan, uplink, "
            "preserve_original_vlan)");
  EXPECT_EQ(errorOf(R"({"name": "a", "type": "erspan", "destination": {"file": "x"}})"),
            "destination.file: unknown field for type erspan (allowed: remote_ip, remote_ips, "
            "version, session_id, index, hwid, vni, backend, dscp, ttl)");
  EXPECT_EQ(errorOf(R"({"name": "a", "type": "capture", "destination": {"remote_ip": "x"}})"),
            "destination.remote_ip: unknown field for type capture (allowed: file)");
}

TEST(SessionFromJson, NamesWrongTypes) {
  EXPECT_EQ(errorOf(R"({"name": "a", "type": "local", "destination": {},
      "mirrored_packet_length": "abc"})"),
            R"(mirrored_packet_length: expected a number, got "abc")");
  EXPECT_EQ(errorOf(R"({"name": 5, "type": "local", "destination": {}})"),
            "name: expected a string, got 5");
  EXPECT_EQ(errorOf(R"({"name": "a", "type": "local", "destination": {}, "enabled": "yes"})"),
            R"(enabled: expected true or false, got "yes")");
  EXPECT_EQ(errorOf(R"({"name": "a", "type": "local", "destination": [], "sources": []})"),
            "destination: expected an object, got an array");
  EXPECT_EQ(errorOf(R"({"name": "a", "type": "local", "destination": {}, "sources": {}})"),
            "sources: expected an array, got an object");
  EXPECT_EQ(errorOf(R"({"name": "a", "type": "local", "destination": {}, "sources": [7]})"),
            "sources[0]: expected an object, got 7");
  EXPECT_EQ(errorOf("[1]"), "expected an object, got an array");
}

TEST(SessionFromJson, NamesEnumValuesWithTheAllowedSet) {
  EXPECT_EQ(errorOf(R"({"name": "a", "type": "span", "destination": {}})"),
            R"(type: "span" is not one of local, rspan, erspan, capture, rspan-destination)");
  EXPECT_EQ(errorOf(R"({"name": "a", "type": "local", "destination": {},
      "sources": [{"port": "p", "direction": "in"}]})"),
            R"(sources[0].direction: "in" is not one of ingress, egress, both)");
  EXPECT_EQ(errorOf(R"({"name": "a", "type": "erspan", "destination": {"backend": "ovs"}})"),
            R"(destination.backend: "ovs" is not one of native, exporter)");
}

TEST(SessionFromJson, RejectsNumbersTheModelCannotHold) {
  EXPECT_EQ(errorOf(R"({"name": "a", "type": "erspan", "destination": {"session_id": 70000}})"),
            "destination.session_id: 70000 is above 65535");
  EXPECT_EQ(errorOf(R"({"name": "a", "type": "erspan", "destination": {"hwid": 256}})"),
            "destination.hwid: 256 is above 255");
  EXPECT_EQ(errorOf(R"({"name": "a", "type": "local", "destination": {}, "sampling_rate": -1})"),
            "sampling_rate: -1 is below 0");
  EXPECT_EQ(errorOf(R"({"name": "a", "type": "local", "destination": {},
      "mirrored_packet_length": 60.5})"),
            "mirrored_packet_length: expected a whole number, got 60.5");
  EXPECT_EQ(errorOf(R"({"name": "a", "type": "local", "destination": {},
      "select_vlans": [10, 65536]})"),
            "select_vlans[1]: 65536 is above 65535");
  EXPECT_EQ(errorOf(R"({"name": "a", "type": "local", "destination": {},
      "rate_limit": {"packets_per_s": true}})"),
            "rate_limit.packets_per_s: expected a number, got true");
}

TEST(SessionFromJson, RequiresNameTypeAndDestination) {
  EXPECT_EQ(errorOf(R"({"type": "local", "destination": {}})"), "name: missing (required)");
  EXPECT_EQ(errorOf(R"({"name": "a", "destination": {}})"), "type: missing (required)");
  EXPECT_EQ(errorOf(R"({"name": "a", "type": "local"})"), "destination: missing (required)");
}

TEST(SessionFromJson, NullLeavesOptionalsUnset) {
  auto s = sessionFromJson(json::parse(R"({"name": "a", "type": "erspan",
      "destination": {"dscp": null}, "mirrored_packet_length": null})"));
  ASSERT_TRUE(s) << s.error().text();
  EXPECT_FALSE(s->mirrored_packet_length);
  EXPECT_FALSE(std::get<ErspanDestination>(s->destination).dscp);
}

TEST(SessionFromJson, AcceptsNonNegativeSignedIntegersBuiltInMemory) {
  json j = {{"name", "a"}, {"type", "erspan"}, {"destination", {{"version", 3}}}};
  j["sampling_rate"] = 5;  // an int: nlohmann stores it signed
  auto s = sessionFromJson(j);
  ASSERT_TRUE(s) << s.error().text();
  EXPECT_EQ(s->sampling_rate, 5u);
  EXPECT_EQ(std::get<ErspanDestination>(s->destination).version, ErspanVersion::kTypeIII);
}

TEST(SessionFromJson, InvalidUtf8InAValueDoesNotThrow) {
  json j = {{"name", 1}, {"type", std::string("\xff\xfe")}, {"destination", json::object()}};
  j["name"] = std::string("\xff");
  auto s = sessionFromJson(j);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().path, "type");
}

Session fullErspan() {
  Session s;
  s.name = "full";
  s.description = "every field set";
  s.enabled = false;
  s.type = SessionType::kErspan;
  s.sources = {{.port = "p1", .direction = Direction::kIngress},
               {.iface_id = "vm-a", .direction = Direction::kEgress},
               {.mac = "aa:bb:cc:dd:ee:ff"},
               {.vm = "3f2a"}};
  s.select_vlans = {10, 20};
  s.select_all = true;
  s.destination = ErspanDestination{.remote_ip = "2001:db8::1",
                                    .version = ErspanVersion::kTypeIII,
                                    .session_id = 77,
                                    .index = 5,
                                    .hwid = 9,
                                    .backend = ErspanBackend::kExporter,
                                    .dscp = 46,
                                    .ttl = 64};
  s.mirrored_packet_length = 128;
  s.sampling_rate = 10;
  s.filter = "tcp port 80";
  s.rate_limit = {.packets_per_s = 1000, .bits_per_s = 8000000};
  return s;
}

TEST(SessionJsonRoundTrip, EveryFieldOfAnErspanSession) {
  Session s = fullErspan();
  auto back = sessionFromJson(sessionToJson(s));
  ASSERT_TRUE(back) << back.error().text();
  EXPECT_EQ(*back, s);
}

TEST(SessionJsonRoundTrip, EachDestinationKind) {
  Session s;
  s.name = "k";
  s.sources = {{.port = "p"}};
  const std::pair<SessionType, Destination> kinds[] = {
      {SessionType::kLocal, LocalDestination{"tap"}},
      {SessionType::kRspan, RspanDestination{100, "eth1", true}},
      {SessionType::kErspan,
       ErspanDestination{.remote_ip = "10.0.0.1", .version = ErspanVersion::kGre}},
      {SessionType::kCapture, CaptureDestination{"/tmp/x.pcapng"}},
  };
  for (const auto& [type, destination] : kinds) {
    s.type = type;
    s.destination = destination;
    auto back = sessionFromJson(sessionToJson(s));
    ASSERT_TRUE(back) << back.error().text();
    EXPECT_EQ(*back, s) << toString(type);
  }
}

TEST(SessionToJson, OmitsUnsetOptionalsAndDefaults) {
  Session s;
  s.name = "web";
  s.sources = {{.iface_id = "vm-a"}};
  s.destination = LocalDestination{"tap"};
  EXPECT_EQ(sessionToJson(s), json::parse(R"({"name": "web", "enabled": true, "type": "local",
      "sources": [{"iface_id": "vm-a", "direction": "both"}],
      "destination": {"port": "tap"}})"));
  s.type = SessionType::kErspan;
  s.destination = ErspanDestination{.remote_ip = "10.0.0.1"};
  EXPECT_EQ(sessionToJson(s)["destination"],
            json::parse(R"({"remote_ip": "10.0.0.1", "version": 2, "session_id": 0, "index": 0,
                "hwid": 0, "backend": "native"})"));
}

TEST(SessionsFromJson, PrefixesPathsWithTheIndex) {
  auto list = sessionsFromJson(json::parse(R"([
      {"name": "a", "type": "local", "destination": {"port": "t"}},
      {"name": "b", "type": "local", "destination": {"port": "t", "x": 1}}])"));
  ASSERT_FALSE(list);
  EXPECT_EQ(list.error().text(),
            "sessions[1].destination.x: unknown field for type local "
            "(allowed: port, ports, allow_normal_io)");
  auto notObject = sessionsFromJson(json::parse("[1]"));
  EXPECT_EQ(notObject.error().text(), "sessions[0]: expected an object, got 1");
  EXPECT_EQ(sessionsFromJson(json::object()).error().text(), "sessions: expected an array, got {}");
}

TEST(SessionsFromJson, RoundTripsAList) {
  std::vector<Session> sessions{fullErspan(), fullErspan()};
  sessions[1].name = "second";
  auto back = sessionsFromJson(sessionsToJson(sessions));
  ASSERT_TRUE(back) << back.error().text();
  EXPECT_EQ(*back, sessions);
}

}  // namespace
}  // namespace ovse::manager
