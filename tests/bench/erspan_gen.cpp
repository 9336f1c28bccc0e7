// erspan_gen: writes a classic nanosecond pcap of ERSPAN (II or III) / IPv4 packets built with our
// encoder, for the collector benchmark and tests. Optional sequence gaps and several sessions.
//
// usage: erspan_gen OUT.pcap COUNT [--type 2|3] [--sessions N] [--drop-every M] [--frame B]
//                   [--interval-us U]   (packet times U µs apart, default 1)
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "erspan/encap.h"
#include "erspan/pcap.h"

namespace {

using namespace ovse::erspan;

struct Options {
  std::string out;
  unsigned long count = 0;
  int type = 2;
  unsigned sessions = 1;
  unsigned long drop_every = 0;  ///< skip every Mth sequence number (0 = none)
  std::size_t frame_bytes = 128;
  std::uint64_t interval_ns = 1000;
};

bool parse(int argc, char** argv, Options& o) {
  if (argc < 3) return false;
  o.out = argv[1];
  o.count = std::strtoul(argv[2], nullptr, 10);
  for (int i = 3; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const unsigned long v = std::strtoul(argv[i + 1], nullptr, 10);
    if (flag == "--type")
      o.type = static_cast<int>(v);
    else if (flag == "--sessions")
      o.sessions = static_cast<unsigned>(v);
    else if (flag == "--drop-every")
      o.drop_every = v;
    else if (flag == "--frame")
      o.frame_bytes = v;
    else if (flag == "--interval-us")
      o.interval_ns = std::uint64_t{v} * 1000;
    else
      return false;
  }
  return o.count > 0 && o.sessions > 0 && o.frame_bytes >= 60 && (o.type == 2 || o.type == 3);
}

std::vector<EncapTemplate> makeTemplates(const Options& o) {
  std::vector<EncapTemplate> out;
  for (unsigned s = 0; s < o.sessions; ++s) {
    EncapConfig c;
    c.type = o.type == 3 ? ErspanType::kTypeIII : ErspanType::kTypeII;
    c.src_ip = {192, 0, 2, static_cast<std::uint8_t>(1 + s / 1000)};
    c.dst_ip = {192, 0, 2, 200};
    c.outer_ethernet = true;
    c.dst_mac = {2, 0, 0, 0, 0, 2};
    c.src_mac = {2, 0, 0, 0, 0, 1};
    c.session_id = static_cast<std::uint16_t>(100 + s % 1000);
    c.hw_id = 7;
    auto t = makeEncapTemplate(c);
    if (!t) std::exit(2);
    out.push_back(*t);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse(argc, argv, o)) {
    std::fprintf(stderr,
                 "usage: erspan_gen OUT.pcap COUNT [--type 2|3] [--sessions N] [--interval-us U] "
                 "[--drop-every M] [--frame BYTES>=60]\n");
    return 2;
  }
  std::FILE* f = std::fopen(o.out.c_str(), "wb");
  if (f == nullptr) return 1;
  static char iobuf[1 << 20];
  std::setvbuf(f, iobuf, _IOFBF, sizeof iobuf);
  const auto templates = makeTemplates(o);
  const PcapFileFormat format;
  std::vector<std::uint8_t> buf(65536);
  std::fwrite(buf.data(), 1, *encodePcapFileHeader(format, buf), f);
  std::vector<std::uint8_t> frame(o.frame_bytes, 0xab);
  frame[12] = 0x08;  // inner EtherType IPv4 (payload is filler)
  frame[13] = 0x00;
  std::vector<std::uint64_t> seq(o.sessions, 0);
  std::vector<std::uint8_t> packet(65536);
  const std::uint64_t t0 = 1700000000ull * 1000000000ull;
  for (unsigned long i = 0; i < o.count; ++i) {
    const unsigned s = static_cast<unsigned>(i % o.sessions);
    if (o.drop_every != 0 && (seq[s] + 1) % o.drop_every == 0) ++seq[s];  // the gap
    std::memcpy(frame.data() + 14, &i, sizeof i);  // makes every inner frame unique
    const std::uint64_t ts = t0 + i * o.interval_ns;
    const PacketMeta meta{static_cast<std::uint32_t>(seq[s]++), ts / 100000, 0};
    const auto n = encapsulate(templates[s], frame, meta, packet);
    if (!n) return 3;
    const PcapPacket p{ts, std::span<const std::uint8_t>(packet.data(), *n),
                       static_cast<std::uint32_t>(*n)};
    std::fwrite(buf.data(), 1, *encodePcapRecord(format, p, buf), f);
  }
  return std::fclose(f) == 0 ? 0 : 1;
}
