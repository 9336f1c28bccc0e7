// Collector pipeline: frames built with our encoder go in, inner frames come out byte-identical;
// loss, bad input, allow list, session selection, inner filter and FT != 0 are counted.
#include "erspan/collector/collector.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

#include "erspan/encap.h"

namespace ovse::erspan::collector {
namespace {

using Bytes = std::vector<std::uint8_t>;

std::filesystem::path tempPath(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         ("ovse-collector-" + std::to_string(getpid()) + "-" + name);
}

Bytes innerFrame(std::uint32_t n, std::size_t bytes = 98) {
  Bytes f(bytes, static_cast<std::uint8_t>(n));
  const Bytes head = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00};
  std::copy(head.begin(), head.end(), f.begin());
  f[14] = 0x45;  // IPv4, total length = the rest
  f[16] = 0;
  f[17] = static_cast<std::uint8_t>(bytes - 14);
  f[20] = static_cast<std::uint8_t>(n >> 8);
  f[21] = static_cast<std::uint8_t>(n);
  return f;
}

EncapConfig config(ErspanType type, std::uint8_t src_last, std::uint16_t sid) {
  EncapConfig c;
  c.type = type;
  c.src_ip = {192, 0, 2, src_last};
  c.dst_ip = {192, 0, 2, 200};
  c.outer_ethernet = true;
  c.session_id = sid;
  c.gre_seq_present = type != ErspanType::kTypeI;
  return c;
}

Bytes encap(const EncapConfig& c, const Bytes& frame, std::uint32_t seq, std::uint32_t orig = 0) {
  auto t = makeEncapTemplate(c);
  EXPECT_TRUE(t);
  Bytes out(frame.size() + kMaxEncapHeaderBytes);
  auto n = encapsulate(*t, frame, PacketMeta{seq, 0, orig}, out);
  EXPECT_TRUE(n);
  out.resize(*n);
  return out;
}

/// Reads every frame of a capture file.
std::vector<Bytes> readBack(const std::filesystem::path& path) {
  std::vector<Bytes> frames;
  auto source = io::CaptureSource::openOffline({path.string(), ""});
  EXPECT_TRUE(source) << source.error().message;
  if (!source) return frames;
  while ((*source)
             ->readBatch(64,
                         [&](const io::CapturedFrame& f) {
                           frames.emplace_back(f.data.begin(), f.data.end());
                         })
             .status == io::DispatchStatus::kFrames) {
  }
  return frames;
}

struct Fixture {
  CollectorConfig cfg;
  std::unique_ptr<Collector> collector;
  std::uint64_t now = 1700000000ull * 1000000000ull;

  explicit Fixture(const std::string& file, CollectorConfig base = {}) : cfg(std::move(base)) {
    cfg.write_pattern = tempPath(file).string();
    cfg.format = file.ends_with(".pcap") ? OutputFormat::kPcap : OutputFormat::kPcapng;
    auto c = Collector::create(
        cfg, [](const std::string&) {}, now);
    EXPECT_TRUE(c) << c.error();
    collector = std::move(*c);
  }
  ~Fixture() { std::filesystem::remove(cfg.write_pattern); }
  void feed(const Bytes& packet) {
    now += 1000;
    collector->processFrame({now, packet, static_cast<std::uint32_t>(packet.size())});
  }
};

TEST(Collector, InnerFramesOfEveryTypeComeOutByteIdentical) {
  for (const char* file : {"all.pcapng", "all.pcap"}) {
    Fixture fx(file);
    std::vector<Bytes> sent;
    std::uint32_t n = 0;
    for (ErspanType type :
         {ErspanType::kTypeI, ErspanType::kTypeII, ErspanType::kTypeIII, ErspanType::kGreTeb}) {
      for (std::uint32_t i = 0; i < 5; ++i) {
        sent.push_back(innerFrame(n++));
        fx.feed(encap(config(type, 1, 7), sent.back(), i));
      }
    }
    fx.collector->finish(fx.now);
    EXPECT_EQ(readBack(fx.cfg.write_pattern), sent) << file;
    EXPECT_EQ(fx.collector->sessions().sessions().size(), 3u);  // I and II share (exporter, 7)
    EXPECT_EQ(fx.collector->outputs()->counters().written_count, 20u);
  }
}

TEST(Collector, CountsLossOfEveryTenthPacketExactly) {
  Fixture fx("loss.pcapng");
  std::uint32_t sent = 0;
  for (std::uint32_t seq = 0; seq < 1000; ++seq) {
    if (seq % 10 == 9) continue;
    fx.feed(encap(config(ErspanType::kTypeII, 1, 5), innerFrame(seq), seq));
    ++sent;
  }
  const auto& s = *fx.collector->sessions().sessions().at(0);
  EXPECT_EQ(s.seq.counters().lost_count, 99u);  // 9, 19, ... 989; 999 never followed
  EXPECT_EQ(s.packet_count, sent);
  EXPECT_EQ(s.seq.counters().reordered_count, 0u);
}

TEST(Collector, BadInputIsCountedByReasonAndNeverWritten) {
  Fixture fx("bad.pcapng");
  const Bytes good = encap(config(ErspanType::kTypeII, 1, 5), innerFrame(1), 0);
  std::uint32_t written = 0;
  for (std::size_t cut = 0; cut < good.size(); cut += 3) {
    fx.feed(Bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(cut)));
    Bytes garbage = good;
    garbage[34 + (cut % 8)] ^= 0xFF;  // GRE flags/protocol or ERSPAN version
    fx.feed(garbage);
    fx.feed(good);
    ++written;
  }
  const auto& c = fx.collector->counters();
  EXPECT_GT(c.notOursTotal(), 0u);
  EXPECT_GT(c.not_ours[static_cast<std::size_t>(DecapError::kTruncatedEthernet)], 0u);
  fx.collector->finish(fx.now);
  // Packets cut inside the headers are not ours; cut inside the mirrored frame, they are that
  // frame cut short (see CutAfterEncapsulationKeepsTheOriginalLength).
  const Bytes whole = innerFrame(1);
  for (const Bytes& f : readBack(fx.cfg.write_pattern)) {
    ASSERT_LE(f.size(), whole.size());
    EXPECT_TRUE(std::equal(f.begin(), f.end(), whole.begin()));
  }
  EXPECT_GE(fx.collector->outputs()->counters().written_count, written);
}

// OVS 3.1 applies Mirror.snaplen after tnl_push: outer lengths count the uncut packet.
TEST(Collector, CutAfterEncapsulationKeepsTheOriginalLength) {
  Fixture fx("cut.pcapng");
  const Bytes whole = innerFrame(1, 600);
  Bytes packet = encap(config(ErspanType::kTypeII, 1, 5), whole, 0);
  packet.resize(14 + 128);  // what OVS's trunc(128) leaves of the outer Ethernet frame
  fx.feed(packet);
  fx.collector->finish(fx.now);
  EXPECT_EQ(fx.collector->counters().notOursTotal(), 0u);
  std::vector<std::uint32_t> originals;
  auto source = io::CaptureSource::openOffline({fx.cfg.write_pattern, ""});
  ASSERT_TRUE(source);
  (*source)->readBatch(8, [&](const io::CapturedFrame& f) {
    EXPECT_TRUE(std::equal(f.data.begin(), f.data.end(), whole.begin()));
    originals.push_back(f.original_bytes);
  });
  EXPECT_EQ(originals, std::vector<std::uint32_t>{600});
}

TEST(Collector, AllowListSessionListAndInnerFilterSelect) {
  CollectorConfig base;
  base.allow = *parseCidrList("192.0.2.0/30");
  base.sessions = *parseSessionList("5,192.0.2.2:6");
  Fixture fx("select.pcapng", base);
  fx.feed(encap(config(ErspanType::kTypeII, 1, 5), innerFrame(1), 0));  // kept
  fx.feed(encap(config(ErspanType::kTypeII, 9, 5), innerFrame(2), 0));  // not allowed
  fx.feed(encap(config(ErspanType::kTypeII, 1, 6), innerFrame(3), 0));  // session not selected
  fx.feed(encap(config(ErspanType::kTypeII, 2, 6), innerFrame(4), 0));  // kept
  const auto& c = fx.collector->counters();
  EXPECT_EQ(c.rejected_exporter, 1u);
  EXPECT_EQ(c.session_filtered, 1u);
  EXPECT_EQ(fx.collector->outputs()->counters().written_count, 2u);
}

TEST(Collector, InnerFilterAndNonEthernetFrameTypeAreNotWritten) {
  CollectorConfig base;
  base.inner_filter = "ip6";
  Fixture fx("filter.pcapng", base);
  fx.feed(encap(config(ErspanType::kTypeII, 1, 5), innerFrame(1), 0));
  EncapConfig ft2 = config(ErspanType::kTypeIII, 1, 8);
  ft2.ft = 2;
  fx.feed(encap(ft2, innerFrame(2), 0));
  EXPECT_EQ(fx.collector->counters().inner_filtered, 1u);
  EXPECT_EQ(fx.collector->counters().not_ethernet, 1u);
  EXPECT_EQ(fx.collector->outputs()->counters().written_count, 0u);
}

TEST(Collector, TruncatedFrameKeepsOriginalLengthFromInnerIpHeader) {
  const Bytes full = innerFrame(1, 200);
  EXPECT_EQ(truncatedOriginalBytes(std::span(full).first(60)), 200u);
  EXPECT_EQ(truncatedOriginalBytes(std::span(full).first(20)), 20u);
}

TEST(Collector, UnsupportedLinkTypeIsCounted) {
  Fixture fx("link.pcapng");
  fx.collector->setLinkType(105);  // 802.11
  fx.feed(encap(config(ErspanType::kTypeII, 1, 5), innerFrame(1), 0));
  EXPECT_EQ(fx.collector->counters().unsupported_link_type, 1u);
}

}  // namespace
}  // namespace ovse::erspan::collector
