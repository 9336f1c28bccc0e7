// Interop of the ERSPAN codec with implementations we did not write: packets built by scapy are
// decoded by ours and compared field by field; packets encoded by ours are read back by tshark
// (Wireshark's dissector) and by scapy, and must show the same values.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "erspan/bytes.h"
#include "erspan/decap.h"
#include "erspan/encap.h"
#include "harness/process.h"
#include "unit/erspan/hex.h"

namespace ovse::erspan {
namespace {

using Packet = std::vector<std::uint8_t>;

// Debian's scapy lives in the system interpreter, not necessarily the first python3 on PATH.
constexpr const char* kPython = "/usr/bin/python3";

bool haveScapy() {
  if (!ovse::test::haveProgram(kPython)) return false;
  return ovse::test::run({kPython, "-c", "from scapy.all import *; load_contrib('erspan')"})
             .exit_code == 0;
}

// Classic little-endian pcap (magic a1b2c3d4, µs), LinkType 1 (Ethernet).
void writePcap(const std::filesystem::path& path, const std::vector<Packet>& packets) {
  Packet file(24);
  storeLe32(file.data(), 0xA1B2C3D4);
  storeLe16(file.data() + 4, 2);
  storeLe16(file.data() + 6, 4);
  storeLe32(file.data() + 16, 262144);
  storeLe32(file.data() + 20, 1);
  for (std::size_t i = 0; i < packets.size(); ++i) {
    std::uint8_t record[16] = {};
    storeLe32(record, static_cast<std::uint32_t>(1700000000 + i));
    storeLe32(record + 8, static_cast<std::uint32_t>(packets[i].size()));
    storeLe32(record + 12, static_cast<std::uint32_t>(packets[i].size()));
    file.insert(file.end(), record, record + 16);
    file.insert(file.end(), packets[i].begin(), packets[i].end());
  }
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(file.data()), static_cast<std::streamsize>(file.size()));
}

// Reads the records of a little-endian classic pcap file (what scapy's wrpcap writes).
std::vector<Packet> readPcap(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  const Packet file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<Packet> packets;
  if (file.size() < 24 || loadLe32(file.data()) != 0xA1B2C3D4) return packets;
  for (std::size_t at = 24; at + 16 <= file.size();) {
    const std::size_t caplen = loadLe32(file.data() + at + 8);
    at += 16;
    if (at + caplen > file.size()) break;
    packets.emplace_back(file.begin() + static_cast<long>(at),
                         file.begin() + static_cast<long>(at + caplen));
    at += caplen;
  }
  return packets;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// scapy builds one packet per kind, writes them to argv[1] and prints each inner frame in hex.
constexpr const char* kScapyBuild = R"py(
import sys
from scapy.all import *
load_contrib('erspan')
inner = Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02')/IP(src='192.0.2.1', dst='192.0.2.2')/ICMP()/Raw(b'x' * 40)
tagged = Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02')/Dot1Q(vlan=100, prio=5)/IP()/ICMP()
pkts = [
  Ether()/IP(src='10.0.0.1', dst='10.0.0.2')/GRE(seqnum_present=1, sequence_number=7)/
    ERSPAN_II(ver=1, vlan=100, cos=5, en=3, t=1, session_id=123, index=0xabcde)/tagged,
  Ether()/IP(src='10.0.0.1', dst='10.0.0.2')/GRE(proto=0x22eb, seqnum_present=1, sequence_number=8)/
    ERSPAN_III(vlan=200, cos=3, bso=2, t=1, session_id=567, timestamp=0x10abcd01, sgt_other=0x1234,
               p=1, ft=0, hw=7, d=1, gra=1)/inner,
  Ether()/IPv6(src='fc00::1', dst='fc00::2')/GRE(proto=0x22eb, seqnum_present=1, sequence_number=9)/
    ERSPAN_III(session_id=1023, timestamp=0x3b9aca00, hw=63, d=0, gra=2)/
    ERSPAN_PlatformSpecific(platf_id=3, info1=0x1234, info2=0x5f5e1000)/inner,
  Ether()/IP(src='10.0.0.1', dst='10.0.0.2')/GRE(proto=0x88be)/inner,
  Ether()/IPv6(src='fc00::1', dst='fc00::2')/GRE(proto=0x6558, key_present=1, key=0x1234)/inner,
  Ether()/IP(src='10.0.0.1', dst='10.0.0.2')/GRE(proto=0x22eb)/ERSPAN_III(session_id=5, hw=1)/inner,
]
wrpcap(sys.argv[1], pkts)
print(bytes(tagged).hex())
for _ in range(5):
    print(bytes(inner).hex())
)py";

TEST(ErspanInterop, DecodesScapyBuiltPackets) {
  if (!haveScapy()) GTEST_SKIP() << "scapy 2.5 not available in " << kPython;
  ovse::test::TempDir dir;
  const auto pcap = dir.path() / "scapy.pcap";
  const auto script = dir.path() / "build.py";
  std::ofstream(script) << kScapyBuild;
  const auto r = ovse::test::run({kPython, script.string(), pcap.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto inner_hex = lines(r.out);
  const auto packets = readPcap(pcap);
  ASSERT_EQ(packets.size(), 6u);
  ASSERT_EQ(inner_hex.size(), 6u);
  std::vector<DecapView> views;
  for (std::size_t i = 0; i < packets.size(); ++i) {
    auto v = decapsulateFrame(packets[i]);
    ASSERT_TRUE(v.has_value()) << i << ": " << errorName(v.error());
    EXPECT_EQ(test::toHex(v->frame), inner_hex[i]) << i;
    views.push_back(*v);
  }
  const DecapView& ii = views[0];
  EXPECT_EQ(ii.type, ErspanType::kTypeII);
  EXPECT_EQ(ii.gre_sequence, 7u);
  EXPECT_EQ(std::tie(ii.vlan, ii.cos, ii.en, ii.truncated, ii.session_id, ii.index),
            std::tuple(100, 5, 3, true, 123, 0xabcdeu));
  EXPECT_EQ(test::toHex(std::span(ii.src_ip).first(4)), "0a000001");
  const DecapView& iii = views[1];
  EXPECT_EQ(iii.type, ErspanType::kTypeIII);
  EXPECT_EQ(iii.gre_sequence, 8u);
  EXPECT_EQ(std::tie(iii.vlan, iii.cos, iii.bso, iii.truncated, iii.session_id, iii.timestamp),
            std::tuple(200, 3, 2, true, 567, 0x10abcd01u));
  EXPECT_EQ(std::tie(iii.sgt, iii.p, iii.ft, iii.hw_id, iii.direction, iii.gra),
            std::tuple(0x1234, true, 0, 7, 1, 1));
  EXPECT_FALSE(iii.has_platform_subheader);
  const DecapView& sub = views[2];
  EXPECT_EQ(sub.ip_version, IpVersion::kV6);
  EXPECT_EQ(test::toHex(sub.dst_ip), "fc000000000000000000000000000002");
  EXPECT_EQ(std::tie(sub.session_id, sub.timestamp, sub.hw_id, sub.direction, sub.gra),
            std::tuple(1023, 0x3b9aca00u, 63, 0, 2));
  EXPECT_TRUE(sub.has_platform_subheader);
  EXPECT_EQ(sub.platform_id, 3);
  EXPECT_EQ(platformPortIndex(sub), 0x1234u);
  EXPECT_EQ(upperTimestamp(sub), 0x5f5e1000u);
  EXPECT_EQ(views[3].type, ErspanType::kTypeI);
  EXPECT_FALSE(views[3].gre_sequence.has_value());
  EXPECT_EQ(views[4].type, ErspanType::kGreTeb);
  EXPECT_EQ(views[4].gre_key, 0x1234u);
  EXPECT_EQ(views[5].type, ErspanType::kTypeIII);  // 0x22EB without the GRE S bit
  EXPECT_FALSE(views[5].gre_sequence.has_value());
  EXPECT_EQ(views[5].session_id, 5);
  EXPECT_EQ(views[5].hw_id, 1);
}

Packet innerFrame(std::size_t size, bool tagged) {
  Packet f(size);
  for (std::size_t i = 0; i < size; ++i) f[i] = static_cast<std::uint8_t>(i);
  f[0] = 0x02;  // unicast destination
  f[6] = 0x02;
  storeBe16(f.data() + 12, tagged ? kEtherTypeVlan : 0x88B5);  // 0x88B5: local experimental
  if (tagged) {
    storeBe16(f.data() + 14, (5 << 13) | 100);
    storeBe16(f.data() + 16, 0x88B5);
  }
  return f;
}

Packet encodeOrFail(const EncapConfig& c, const Packet& frame, const PacketMeta& meta) {
  auto t = makeEncapTemplate(c);
  EXPECT_TRUE(t.has_value());
  if (!t) return {};
  Packet out(t->headerBytes() + frame.size());
  auto n = encapsulate(*t, frame, meta, out);
  EXPECT_TRUE(n.has_value());
  out.resize(n.value_or(0));
  return out;
}

EncapConfig baseConfig(ErspanType type, IpVersion ip) {
  EncapConfig c;
  c.type = type;
  c.ip_version = ip;
  c.outer_ethernet = true;
  c.dst_mac = {0x02, 0, 0, 0, 0, 0x0b};
  c.src_mac = {0x02, 0, 0, 0, 0, 0x0a};
  if (ip == IpVersion::kV4) {
    c.src_ip = {192, 0, 2, 1};
    c.dst_ip = {192, 0, 2, 2};
  } else {
    c.src_ip = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    c.dst_ip = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
  }
  c.gre_seq_present = type != ErspanType::kTypeI;
  return c;
}

// The packets our encoder writes for the tshark and scapy checks, one per kind.
std::vector<Packet> ourPackets() {
  std::vector<Packet> out;
  EncapConfig ii = baseConfig(ErspanType::kTypeII, IpVersion::kV4);
  ii.session_id = 123;
  ii.index = 0xabcde;
  ii.snap_len_bytes = 64;
  out.push_back(encodeOrFail(ii, innerFrame(100, true), {.sequence = 7}));
  EncapConfig iii = baseConfig(ErspanType::kTypeIII, IpVersion::kV6);
  iii.session_id = 567;
  iii.hw_id = 7;
  iii.direction = 1;
  iii.gra = 2;
  iii.sgt = 0x1234;
  iii.platform_subheader = true;
  iii.platform_info1 = 0x1234;
  iii.path_mtu_bytes = 1500;
  out.push_back(
      encodeOrFail(iii, innerFrame(1600, false), {.sequence = 8, .timestamp = 0x5f5e10003b9aca00}));
  EncapConfig short_iii = baseConfig(ErspanType::kTypeIII, IpVersion::kV4);
  short_iii.session_id = 1023;
  short_iii.hw_id = 63;
  short_iii.gra = 1;
  short_iii.p = false;
  out.push_back(encodeOrFail(short_iii, innerFrame(40, false), {.sequence = 9, .timestamp = 42}));
  out.push_back(
      encodeOrFail(baseConfig(ErspanType::kTypeI, IpVersion::kV4), innerFrame(64, false), {}));
  EncapConfig teb = baseConfig(ErspanType::kGreTeb, IpVersion::kV4);
  teb.gre_key_present = true;
  teb.gre_key = 0x1234;
  out.push_back(encodeOrFail(teb, innerFrame(64, false), {.sequence = 10}));
  return out;
}

TEST(ErspanInterop, TsharkReadsOurPackets) {
  if (!ovse::test::haveProgram("tshark")) GTEST_SKIP() << "tshark not installed";
  ovse::test::TempDir dir;
  const auto pcap = dir.path() / "ours.pcap";
  writePcap(pcap, ourPackets());
  const auto r = ovse::test::run({"tshark",
                                  "-r",
                                  pcap.string(),
                                  "-o",
                                  "ip.check_checksum:TRUE",
                                  "-T",
                                  "fields",
                                  "-E",
                                  "separator=|",
                                  "-e",
                                  "erspan.version",
                                  "-e",
                                  "erspan.vlan",
                                  "-e",
                                  "erspan.cos",
                                  "-e",
                                  "erspan.encap",
                                  "-e",
                                  "erspan.bso",
                                  "-e",
                                  "erspan.truncated",
                                  "-e",
                                  "erspan.spanid",
                                  "-e",
                                  "erspan.index",
                                  "-e",
                                  "erspan.timestamp",
                                  "-e",
                                  "erspan.sgt",
                                  "-e",
                                  "erspan.p",
                                  "-e",
                                  "erspan.ft",
                                  "-e",
                                  "erspan.hw",
                                  "-e",
                                  "erspan.direction",
                                  "-e",
                                  "erspan.gra",
                                  "-e",
                                  "erspan.o",
                                  "-e",
                                  "erspan.platid",
                                  "-e",
                                  "erspan.pid3.port_index",
                                  "-e",
                                  "erspan.pid3.timestamp",
                                  "-e",
                                  "gre.sequence_number",
                                  "-e",
                                  "gre.key",
                                  "-e",
                                  "gre.proto",
                                  "-e",
                                  "ip.checksum.status",
                                  "-e",
                                  "_ws.malformed"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> expected = {
      // ver|vlan|cos|en|bso|T|sid|index|ts|sgt|p|ft|hw|d|gra|o|platid|port|upper|seq|key|proto|
      // ip.checksum.status (1 = good; IPv6 has none)|_ws.malformed (empty = well formed)
      "1|100|5|3||1|123|703710||||||||||||7||0x88be|1|",
      "2|0|0||2|1|567||1000000000|4660|1|0|7|1|2|1|3|4660|1600000000|8||0x22eb||",
      "2|0|0||1|0|1023||42|0|0|0|63|0|1|0||||9||0x22eb|1|",
      "|||||||||||||||||||||0x88be|1|",
      "|||||||||||||||||||10|0x00001234|0x6558|1|",
  };
  EXPECT_EQ(lines(r.out), expected) << r.out;
}

// scapy dissects our pcap and prints the fields it sees, one packet per line.
constexpr const char* kScapyRead = R"py(
import sys
from scapy.all import *
load_contrib('erspan')
for p in rdpcap(sys.argv[1]):
    g = p[GRE]
    out = ['proto=%#x' % g.proto, 'seq=%s' % (g.sequence_number if g.seqnum_present else '-'),
           'key=%s' % (hex(g.key) if g.key_present else '-')]
    if ERSPAN_II in p and g.proto == 0x88be and g.seqnum_present:
        e = p[ERSPAN_II]
        out += ['ver=%d' % e.ver, 'vlan=%d' % e.vlan, 'cos=%d' % e.cos, 'en=%d' % e.en,
                't=%d' % e.t, 'sid=%d' % e.session_id, 'index=%d' % e.index]
    if ERSPAN_III in p:
        e = p[ERSPAN_III]
        out += ['ver=%d' % e.ver, 'bso=%d' % e.bso, 't=%d' % e.t, 'sid=%d' % e.session_id,
                'ts=%#x' % e.timestamp, 'sgt=%d' % e.sgt_other, 'p=%d' % e.p, 'hw=%d' % e.hw,
                'd=%d' % e.d, 'gra=%d' % e.gra, 'o=%d' % e.o]
    if ERSPAN_PlatformSpecific in p:
        s = p[ERSPAN_PlatformSpecific]
        out += ['platf=%d' % s.platf_id, 'info1=%#x' % s.info1, 'info2=%#x' % s.info2]
    if IP in p:
        out += ['iplen=%d' % p[IP].len, 'df=%d' % int(p[IP].flags.DF)]
    print(' '.join(out))
)py";

TEST(ErspanInterop, ScapyReadsOurPackets) {
  if (!haveScapy()) GTEST_SKIP() << "scapy 2.5 not available in " << kPython;
  ovse::test::TempDir dir;
  const auto pcap = dir.path() / "ours.pcap";
  writePcap(pcap, ourPackets());
  const auto script = dir.path() / "read.py";
  std::ofstream(script) << kScapyRead;
  const auto r = ovse::test::run({kPython, script.string(), pcap.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> expected = {
      "proto=0x88be seq=7 key=- ver=1 vlan=100 cos=5 en=3 t=1 sid=123 index=703710 iplen=100 df=1",
      "proto=0x22eb seq=8 key=- ver=2 bso=2 t=1 sid=567 ts=0x3b9aca00 sgt=4660 p=1 hw=7 d=1 gra=2 "
      "o=1 platf=3 info1=0x1234 info2=0x5f5e1000",
      "proto=0x22eb seq=9 key=- ver=2 bso=1 t=0 sid=1023 ts=0x2a sgt=0 p=0 hw=63 d=0 gra=1 o=0 "
      "iplen=80 df=1",
      "proto=0x88be seq=- key=- iplen=88 df=1",
      "proto=0x6558 seq=10 key=0x1234 iplen=96 df=1",
  };
  EXPECT_EQ(lines(r.out), expected) << r.out;
}

}  // namespace
}  // namespace ovse::erspan
