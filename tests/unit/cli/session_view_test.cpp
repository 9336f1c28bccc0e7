// How `mirrorctl session` shows sessions: an rspan-destination's source (its RSPAN VLAN on the
// uplink) in the list's SOURCES column and in `session show`, and its --json fields.
#include "session_view.h"

#include <gtest/gtest.h>

#include <sstream>

#include "mirror_manager/session_json.h"

namespace ovse::cli {
namespace {

using nlohmann::json;

manager::Session rspanDestination(const json& vlans, const std::string& uplink) {
  json j = {{"name", "rd"},
            {"type", "rspan-destination"},
            {"source_vlans", vlans},
            {"destination", {{"port", "analyzer"}}}};
  if (!uplink.empty()) j["uplink"] = uplink;
  auto s = manager::sessionFromJson(j);
  EXPECT_TRUE(s) << s.error().text();
  return *s;
}

TEST(DescribeSources, RspanDestinationIsItsVlanOnTheUplink) {
  EXPECT_EQ(describeSources(rspanDestination({999}, "eth1")), "vlan 999 on uplink eth1");
  EXPECT_EQ(describeSources(rspanDestination({999, 1000}, "eth1")),
            "vlans 999, 1000 on uplink eth1");
}

TEST(DescribeSources, RspanDestinationWithoutUplinkSaysSo) {
  EXPECT_EQ(describeSources(rspanDestination({999}, "")), "vlan 999 (no uplink given)");
}

TEST(DescribeSources, OtherTypesAreUnchanged) {
  auto s = manager::sessionFromJson(json::parse(
      R"({"name":"w","type":"local","sources":[{"iface_id":"vm-a","direction":"ingress"}],
          "select_vlans":[5],"destination":{"port":"tap"}})"));
  ASSERT_TRUE(s) << s.error().text();
  EXPECT_EQ(describeSources(*s), "iface_id vm-a (ingress), vlan 5");
}

TEST(SessionTable, RspanDestinationShowsItsSourceAndDestination) {
  std::ostringstream out;
  printSessionTable(out, {rspanDestination({999}, "eth1")}, {}, {});
  EXPECT_NE(out.str().find("rspan-destination"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("vlan 999 on uplink eth1"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("port analyzer"), std::string::npos) << out.str();
}

TEST(SessionDetails, RspanDestinationShowsItsSource) {
  std::ostringstream out;
  printSessionDetails(out, rspanDestination({999}, "eth1"), nullptr, nullptr);
  EXPECT_NE(out.str().find("sources:      vlan 999 on uplink eth1\n"), std::string::npos)
      << out.str();
}

TEST(SessionJson, RspanDestinationCarriesSourceVlansAndUplink) {
  const json j = manager::sessionToJson(rspanDestination({999, 1000}, "eth1"));
  EXPECT_EQ(j["source_vlans"], json::array({999, 1000}));
  EXPECT_EQ(j["uplink"], "eth1");
}

}  // namespace
}  // namespace ovse::cli
