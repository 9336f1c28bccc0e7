// Static validation of destinations and exporter-only settings: one test per rule, each checking
// the exact message (path and value).
#include <gtest/gtest.h>

#include "mirror_manager/validation.h"
#include "unit/manager/validation_helpers.h"

namespace ovse::manager {
namespace {

using test::check;
using test::erspanSession;
using test::localSession;
using test::Texts;

Session rspanSession(RspanDestination d) {
  Session s = localSession("rs");
  s.type = SessionType::kRspan;
  s.destination = std::move(d);
  return s;
}

Session captureSession(std::string file, std::string name = "cap") {
  Session s = localSession(std::move(name));
  s.type = SessionType::kCapture;
  s.destination = CaptureDestination{std::move(file)};
  return s;
}

TEST(ValidateLocalDestination, PortRequired) {
  Session s = localSession();
  s.destination = LocalDestination{};
  EXPECT_EQ(check(s), Texts{"destination.port: required for type local"});
}

TEST(ValidateLocalDestination, PortMustNotAlsoBeASource) {
  Session s = localSession();
  s.sources = {{.port = "p1"}, {.port = "tap-analyzer"}};
  EXPECT_EQ(check(s), Texts{R"(destination.port: "tap-analyzer" is also a source (sources[1]))"});
}

TEST(ValidateLocalDestination, PortIsTheDestinationOfOneSessionOnly) {
  std::vector<Session> others{localSession("other")};
  EXPECT_EQ(
      check(localSession("web"), others),
      Texts{R"(destination.port: "tap-analyzer" is already the destination of session "other")"});
  // The stored version of the session being replaced does not count.
  EXPECT_EQ(check(localSession("web"), others, "other"), Texts{});
}

TEST(ValidateRspanDestination, VlanRange) {
  EXPECT_EQ(check(rspanSession({.vlan = 0, .uplink = "eth1"})),
            Texts{"destination.vlan: 0 is below 1"});
  EXPECT_EQ(check(rspanSession({.vlan = 4096, .uplink = "eth1"})),
            Texts{"destination.vlan: 4096 is above 4095"});
  EXPECT_EQ(check(rspanSession({.vlan = 4095, .uplink = "eth1"})), Texts{});
}

TEST(ValidateRspanDestination, UplinkRequired) {
  EXPECT_EQ(check(rspanSession({.vlan = 10})),
            Texts{"destination.uplink: required for type rspan"});
}

TEST(ValidateErspanDestination, RemoteIpRequired) {
  EXPECT_EQ(check(erspanSession({})), Texts{"destination.remote_ip: required for type erspan"});
}

TEST(ValidateErspanDestination, RemoteIpMustParse) {
  EXPECT_EQ(check(erspanSession({.remote_ip = "10.0.0.256"})),
            Texts{R"(destination.remote_ip: "10.0.0.256" is not an IPv4 or IPv6 address)"});
  EXPECT_EQ(check(erspanSession({.remote_ip = "collector.example"})),
            Texts{R"(destination.remote_ip: "collector.example" is not an IPv4 or IPv6 address)"});
  EXPECT_EQ(check(erspanSession({.remote_ip = "2001:db8::7"})), Texts{});
}

TEST(ValidateErspanDestination, RemoteIpMustBeOneUnicastHost) {
  EXPECT_EQ(
      check(erspanSession({.remote_ip = "0.0.0.0"})),
      Texts{
          R"(destination.remote_ip: "0.0.0.0" is the unspecified address; give the collector's)"});
  EXPECT_EQ(
      check(erspanSession({.remote_ip = "::"})),
      Texts{R"(destination.remote_ip: "::" is the unspecified address; give the collector's)"});
  EXPECT_EQ(
      check(erspanSession({.remote_ip = "239.1.1.1"})),
      Texts{R"(destination.remote_ip: "239.1.1.1" is a multicast address; give one collector)"});
  EXPECT_EQ(
      check(erspanSession({.remote_ip = "ff02::1"})),
      Texts{R"(destination.remote_ip: "ff02::1" is a multicast address; give one collector)"});
  EXPECT_EQ(check(erspanSession({.remote_ip = "255.255.255.255"})),
            Texts{R"(destination.remote_ip: "255.255.255.255" is the broadcast address; )"
                  "give one collector"});
}

TEST(ValidateErspanDestination, LoopbackIsAllowedWithAWarning) {
  EXPECT_EQ(check(erspanSession({.remote_ip = "127.0.0.2"})),
            Texts{R"(warning: destination.remote_ip: "127.0.0.2" is a loopback address; )"
                  "mirrored traffic stays on this host"});
  EXPECT_EQ(check(erspanSession({.remote_ip = "::1"})),
            Texts{R"(warning: destination.remote_ip: "::1" is a loopback address; )"
                  "mirrored traffic stays on this host"});
}

TEST(ValidateErspanDestination, SessionIdRange) {
  EXPECT_EQ(check(erspanSession({.remote_ip = "192.0.2.1", .session_id = 1500})),
            Texts{"destination.session_id: 1500 is above 1023"});
  EXPECT_EQ(check(erspanSession({.remote_ip = "192.0.2.1", .session_id = 1023})), Texts{});
}

TEST(ValidateErspanDestination, IndexBelow2To20) {
  EXPECT_EQ(check(erspanSession({.remote_ip = "192.0.2.1", .index = 1u << 20})),
            Texts{"destination.index: 1048576 is above 1048575"});
  // Bit 19 marks egress copies (validation_applicability_test): the bound with ingress only.
  Session top = erspanSession({.remote_ip = "192.0.2.1", .index = (1u << 20) - 1});
  top.sources[0].direction = Direction::kIngress;
  EXPECT_EQ(check(top), Texts{});
}

TEST(ValidateErspanDestination, HwidBelow64) {
  EXPECT_EQ(check(erspanSession({.remote_ip = "192.0.2.1", .hwid = 64})),
            Texts{"destination.hwid: 64 is above 63"});
}

TEST(ValidateErspanDestination, DscpAtMost63) {
  EXPECT_EQ(check(erspanSession({.remote_ip = "192.0.2.1", .dscp = 64})),
            Texts{"destination.dscp: 64 is above 63"});
  EXPECT_EQ(check(erspanSession({.remote_ip = "192.0.2.1", .dscp = 63})), Texts{});
}

TEST(ValidateErspanDestination, TtlAtLeast1) {
  EXPECT_EQ(check(erspanSession({.remote_ip = "192.0.2.1", .ttl = 0})),
            Texts{"destination.ttl: 0 is below 1"});
  EXPECT_EQ(check(erspanSession({.remote_ip = "192.0.2.1", .ttl = 255})), Texts{});
}

TEST(ValidateErspanDestination, EnumValuesMustBeValid) {
  ErspanDestination d{.remote_ip = "192.0.2.1"};
  d.version = static_cast<ErspanVersion>(7);
  d.backend = static_cast<ErspanBackend>(5);
  EXPECT_EQ(check(erspanSession(d)),
            (Texts{"destination.version: 7 is not one of 1, 2, 3, gre, vxlan, geneve",
                   "destination.backend: 5 is not one of native, exporter"}));
}

TEST(ValidateErspanDestination, TypeINeedsTheExporter) {
  ErspanDestination d{.remote_ip = "192.0.2.1", .version = ErspanVersion::kTypeI};
  EXPECT_EQ(check(erspanSession(d)),
            Texts{"destination.version: 1 (ERSPAN Type I) needs backend exporter: OVS's native "
                  "erspan ports only do Type II and III"});
  d.backend = ErspanBackend::kExporter;
  EXPECT_EQ(check(erspanSession(d)), Texts{});
}

TEST(ValidateErspanDestination, WarnsWhenASessionIdIsSharedWithTheSameCollector) {
  std::vector<Session> others{erspanSession({.remote_ip = "192.0.2.1", .session_id = 5})};
  others[0].name = "first";
  EXPECT_EQ(
      check(erspanSession({.remote_ip = "192.0.2.1", .session_id = 5}), others),
      Texts{R"(warning: destination.session_id: 5 is also used by session "first" to 192.0.2.1; )"
            "the collector cannot tell them apart"});
  EXPECT_EQ(check(erspanSession({.remote_ip = "192.0.2.2", .session_id = 5}), others), Texts{});
}

TEST(ValidateCaptureDestination, FileRequired) {
  EXPECT_EQ(check(captureSession("")), Texts{"destination.file: required for type capture"});
}

TEST(ValidateCaptureDestination, FileExtension) {
  EXPECT_EQ(check(captureSession("out.txt")),
            Texts{R"(destination.file: "out.txt" must end in .pcap or .pcapng)"});
  EXPECT_EQ(check(captureSession("d/.pcap")),
            Texts{R"(destination.file: "d/.pcap" must end in .pcap or .pcapng)"});
  EXPECT_EQ(check(captureSession("out.pcap")), Texts{});
  EXPECT_EQ(check(captureSession("vm/out.pcapng")), Texts{});
}

TEST(ValidateCaptureDestination, FileInsideTheCaptureDirectory) {
  const ValidationContext context{"/srv/caps"};
  const auto checkIn = [&](const std::string& file) {
    return test::texts(validateSession(captureSession(file), {}, {}, context));
  };
  EXPECT_EQ(checkIn("web.pcapng"), Texts{});
  EXPECT_EQ(checkIn("vm-a/web.pcapng"), Texts{});
  EXPECT_EQ(checkIn("/srv/caps/vm-a/web.pcapng"), Texts{});
  EXPECT_EQ(checkIn("/etc/x.pcapng"),
            Texts{R"(destination.file: "/etc/x.pcapng" is outside the capture directory )"
                  "/srv/caps (give a name or a path inside it)"});
  EXPECT_EQ(checkIn("/srv/capsule/x.pcapng"),
            Texts{R"(destination.file: "/srv/capsule/x.pcapng" is outside the capture )"
                  "directory /srv/caps (give a name or a path inside it)"});
  EXPECT_EQ(checkIn("../x.pcapng"),
            Texts{R"(destination.file: "../x.pcapng" leaves the capture directory /srv/caps )"
                  "(give a name or a path inside it)"});
  EXPECT_EQ(checkIn("a/../../x.pcapng"),
            Texts{R"(destination.file: "a/../../x.pcapng" leaves the capture directory )"
                  "/srv/caps (give a name or a path inside it)"});
  // Without a context: the default directory.
  EXPECT_EQ(check(captureSession("/var/lib/ovs-erspan/captures/a.pcap")), Texts{});
  EXPECT_EQ(check(captureSession("/tmp/a.pcap")),
            Texts{R"(destination.file: "/tmp/a.pcap" is outside the capture directory )"
                  "/var/lib/ovs-erspan/captures (give a name or a path inside it)"});
}

TEST(CaptureFileWithin, StoredFormIsRelativeAndNormal) {
  EXPECT_EQ(captureFileWithin("web.pcapng", "/srv/caps"), "web.pcapng");
  EXPECT_EQ(captureFileWithin("./a//b/../web.pcapng", "/srv/caps"), "a/web.pcapng");
  EXPECT_EQ(captureFileWithin("/srv/caps/a/web.pcapng", "/srv/caps"), "a/web.pcapng");
  EXPECT_EQ(captureFileWithin("/srv/caps/a/web.pcapng", "/srv/caps/"), "a/web.pcapng");
  EXPECT_EQ(captureFileWithin("/srv//caps/./web.pcapng", "/srv/caps"), "web.pcapng");
  EXPECT_FALSE(captureFileWithin("/srv/caps", "/srv/caps"));
  EXPECT_FALSE(captureFileWithin("/srv/caps/", "/srv/caps"));
  EXPECT_FALSE(captureFileWithin("a/..", "/srv/caps"));
  EXPECT_FALSE(captureFileWithin("/srv/caps/../web.pcapng", "/srv/caps"));
  EXPECT_FALSE(captureFileWithin("/web.pcapng", "relative/dir"));
}

TEST(CaptureFileWithin, NormalizeRewritesOnlyFilesInside) {
  const ValidationContext context{"/srv/caps"};
  Session inside = captureSession("/srv/caps/vm/web.pcapng");
  normalizeCaptureFile(inside, context);
  EXPECT_EQ(std::get<CaptureDestination>(inside.destination).file, "vm/web.pcapng");
  Session outside = captureSession("/etc/web.pcapng");
  normalizeCaptureFile(outside, context);
  EXPECT_EQ(std::get<CaptureDestination>(outside.destination).file, "/etc/web.pcapng");
}

TEST(ValidateCaptureDestination, FileWrittenByOneSessionOnly) {
  std::vector<Session> others{captureSession("a.pcap", "first")};
  EXPECT_EQ(check(captureSession("a.pcap"), others),
            Texts{R"(destination.file: "a.pcap" is already written by session "first")"});
  // The same file written another way is the same file.
  EXPECT_EQ(check(captureSession("/var/lib/ovs-erspan/captures/./a.pcap"), others),
            Texts{R"(destination.file: "/var/lib/ovs-erspan/captures/./a.pcap" is already )"
                  R"(written by session "first")"});
}

TEST(ValidateExporterSettings, SamplingRateAtLeast1) {
  Session s = captureSession("a.pcap");
  s.sampling_rate = 0;
  EXPECT_EQ(check(s), Texts{"sampling_rate: 0 is below 1"});
}

TEST(ValidateExporterSettings, OnlyWithTheExporterOrCapture) {
  Session s = localSession();
  s.sampling_rate = 10;
  s.filter = "tcp port 80";
  s.rate_limit = {.packets_per_s = 1000};
  const std::string why = " needs type erspan with backend exporter, or type capture; ";
  EXPECT_EQ(check(s), (Texts{"sampling_rate: 10" + why + "this session's type is local",
                             R"(filter: "tcp port 80")" + why + "this session's type is local",
                             "rate_limit: packets_per_s 1000, bits_per_s 0 needs type erspan "
                             "with backend exporter; this session's type is local"}));
  Session native = erspanSession();
  native.filter = "udp";
  EXPECT_EQ(check(native), Texts{R"(filter: "udp")" + why + "this session's backend is native"});
  std::get<ErspanDestination>(native.destination).backend = ErspanBackend::kExporter;
  EXPECT_EQ(check(native), Texts{});
}

TEST(ValidateExporterSettings, CaptureSamplesAndFiltersButHasNoRateLimit) {
  Session s = captureSession("a.pcapng");
  s.sampling_rate = 10;
  s.filter = "tcp port 80";
  EXPECT_EQ(check(s), Texts{});
  s.rate_limit = {.bits_per_s = 8000};
  EXPECT_EQ(check(s), Texts{"rate_limit: packets_per_s 0, bits_per_s 8000 needs type erspan with "
                            "backend exporter; this session's type is capture"});
}

}  // namespace
}  // namespace ovse::manager
