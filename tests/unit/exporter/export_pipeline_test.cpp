// Unit tests of the exporter pipeline with a fake sink: order of the stages, counters, per-session
// sequence numbers, direction (Type III D, Type II index bit 19), timestamps and truncation.
#include "erspan/exporter/export_pipeline.h"

#include <gtest/gtest.h>

#include <vector>

#include "erspan/decap.h"

namespace ovse::erspan::exporter {
namespace {

// Keeps every committed packet.
class FakeSink final : public io::PacketSink {
 public:
  explicit FakeSink(bool ethernet = false, std::size_t slot = 2048)
      : ethernet_(ethernet), slot_(slot) {}
  std::span<std::uint8_t> slot() noexcept override { return slot_; }
  void commit(std::size_t bytes, std::uint64_t ts) noexcept override {
    packets.emplace_back(slot_.begin(), slot_.begin() + static_cast<std::ptrdiff_t>(bytes));
    timestamps.push_back(ts);
  }
  void flush() noexcept override { ++flushes; }
  const io::SinkStats& stats() const noexcept override { return stats_; }
  const std::string& name() const noexcept override { return name_; }
  bool outerEthernet() const noexcept override { return ethernet_; }
  std::size_t maxPacketBytes() const noexcept override { return slot_.size(); }

  std::vector<std::vector<std::uint8_t>> packets;
  std::vector<std::uint64_t> timestamps;
  int flushes = 0;

 private:
  bool ethernet_;
  std::vector<std::uint8_t> slot_;
  io::SinkStats stats_;
  std::string name_ = "fake";
};

std::vector<std::uint8_t> frame(std::size_t bytes, std::uint8_t fill = 0xab) {
  std::vector<std::uint8_t> f(bytes, fill);
  f[12] = 0x08;
  f[13] = 0x00;
  return f;
}

struct Harness {
  FakeSink* sink = nullptr;
  std::unique_ptr<ExportPipeline> pipeline;
};

Harness make(PipelineConfig config, std::uint32_t mtu = 0, bool ethernet = false) {
  auto sink = std::make_unique<FakeSink>(ethernet);
  Harness h{sink.get(), nullptr};
  std::vector<SinkTarget> sinks;
  SinkTarget t{std::move(sink), *io::parseIpAddress("192.0.2.1"), *io::parseIpAddress("192.0.2.2"),
               mtu};
  sinks.push_back(std::move(t));
  auto p = ExportPipeline::create(config, std::move(sinks));
  EXPECT_TRUE(p.has_value()) << p.error();
  h.pipeline = std::move(*p);
  return h;
}

DecapView decode(const std::vector<std::uint8_t>& packet) {
  auto v = decapsulateIp(packet);
  EXPECT_TRUE(v.has_value());
  return *v;
}

TEST(ExportPipeline, TypeIIIDirectionSequenceAndNanosecondTimestamp) {
  PipelineConfig c;
  c.encap.type = ErspanType::kTypeIII;
  c.encap.session_id = 77;
  c.encap.hw_id = 5;
  c.encap.gra = static_cast<std::uint8_t>(Granularity::k100Ns);
  c.encap.platform_subheader = true;
  Harness h = make(c);
  const auto in = h.pipeline->addInput("a", Direction::kIngress, nullptr);
  const auto out = h.pipeline->addInput("b", Direction::kEgress, nullptr);
  const auto f = frame(100);
  const std::uint64_t ts = 1'700'000'000'123'456'789ull;
  h.pipeline->process(in, f, 100, ts, 0);
  h.pipeline->process(out, f, 100, ts, 0);
  ASSERT_EQ(h.sink->packets.size(), 2u);
  const DecapView a = decode(h.sink->packets[0]);
  const DecapView b = decode(h.sink->packets[1]);
  EXPECT_EQ(a.session_id, 77);
  EXPECT_EQ(a.hw_id, 5);
  EXPECT_EQ(a.direction, 0);
  EXPECT_EQ(b.direction, 1);
  EXPECT_EQ(a.gre_sequence, 0u);
  EXPECT_EQ(b.gre_sequence, 1u);
  const std::uint64_t ticks = ts / 100;
  EXPECT_EQ(a.timestamp, static_cast<std::uint32_t>(ticks));
  EXPECT_EQ(upperTimestamp(a), static_cast<std::uint32_t>(ticks >> 32));
  EXPECT_EQ(std::vector<std::uint8_t>(a.frame.begin(), a.frame.end()), f);
  EXPECT_EQ(h.sink->timestamps[0], ts);
}

TEST(ExportPipeline, TypeIIEgressSetsIndexBit19) {
  PipelineConfig c;
  c.encap.type = ErspanType::kTypeII;
  c.encap.index = 42;
  Harness h = make(c);
  h.pipeline->process(h.pipeline->addInput("i", Direction::kIngress, nullptr), frame(64), 64, 0, 0);
  h.pipeline->process(h.pipeline->addInput("e", Direction::kEgress, nullptr), frame(64), 64, 0, 0);
  EXPECT_EQ(decode(h.sink->packets[0]).index, 42u);
  EXPECT_EQ(decode(h.sink->packets[1]).index, 42u | kTypeIIEgressIndexBit);
}

TEST(ExportPipeline, PtpTimestampIsSecondsAndNanoseconds) {
  const std::uint64_t ts = 5'000'000'123ull;
  EXPECT_EQ(erspanTimestamp(ts, Granularity::kIeee1588), (5ull << 32) | 123u);
  EXPECT_EQ(erspanTimestamp(ts, Granularity::k100Us), 50'000u);
}

TEST(ExportPipeline, MtuCutsFrameAndSetsT) {
  PipelineConfig c;
  c.encap.type = ErspanType::kTypeII;
  Harness h = make(c, 200);
  const auto id = h.pipeline->addInput("i", Direction::kIngress, nullptr);
  h.pipeline->process(id, frame(1000), 1000, 0, 0);
  ASSERT_EQ(h.sink->packets.size(), 1u);
  EXPECT_EQ(h.sink->packets[0].size(), 200u);
  const DecapView v = decode(h.sink->packets[0]);
  EXPECT_TRUE(v.truncated);
  EXPECT_EQ(v.frame.size(), 200u - 36u);
  EXPECT_EQ(h.pipeline->inputStats(id).truncated_count, 1u);
}

TEST(ExportPipeline, SnapLenAndCaptureCutSetT) {
  PipelineConfig c;
  c.encap.type = ErspanType::kTypeIII;
  c.encap.snap_len_bytes = 64;
  Harness h = make(c);
  const auto id = h.pipeline->addInput("i", Direction::kIngress, nullptr);
  h.pipeline->process(id, frame(60), 60, 0, 0);    // fits, complete
  h.pipeline->process(id, frame(60), 1500, 0, 0);  // cut before it reached us
  h.pipeline->process(id, frame(100), 100, 0, 0);  // cut by snaplen
  EXPECT_FALSE(decode(h.sink->packets[0]).truncated);
  EXPECT_TRUE(decode(h.sink->packets[1]).truncated);
  EXPECT_EQ(decode(h.sink->packets[2]).frame.size(), 64u);
  EXPECT_EQ(h.pipeline->inputStats(id).truncated_count, 2u);
}

TEST(ExportPipeline, FilterThenSampleThenRateLimitInOrder) {
  PipelineConfig c;
  c.encap.type = ErspanType::kTypeII;
  c.sample_n = 2;
  c.rate = {.packets_per_s = 1, .burst_ns = 1'000'000'000};
  Harness h = make(c);
  auto filter = io::BpfFilter::compile("len >= 100");
  ASSERT_TRUE(filter.has_value());
  const auto id = h.pipeline->addInput("i", Direction::kIngress, std::move(*filter));
  for (int i = 0; i < 10; ++i) h.pipeline->process(id, frame(i % 2 ? 120 : 60), 0, 0, 0);
  const InputStats& s = h.pipeline->inputStats(id);
  EXPECT_EQ(s.received_count, 10u);
  EXPECT_EQ(s.filtered_out_count, 5u);
  EXPECT_EQ(s.sampled_out_count, 2u);
  EXPECT_EQ(s.rate_dropped_count, 2u);
  EXPECT_EQ(s.exported_count, 1u);
  EXPECT_EQ(h.sink->packets.size(), 1u);
  // Sequence numbers count exported packets only.
  EXPECT_EQ(h.pipeline->nextSequence(), 1u);
}

TEST(ExportPipeline, FileSinkGetsOuterEthernet) {
  PipelineConfig c;
  c.encap.type = ErspanType::kTypeI;
  c.encap.gre_seq_present = false;
  Harness h = make(c, 0, true);
  h.pipeline->process(h.pipeline->addInput("i", Direction::kIngress, nullptr), frame(64), 64, 0, 0);
  auto v = decapsulateFrame(h.sink->packets[0]);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->type, ErspanType::kTypeI);
  EXPECT_EQ(v->frame.size(), 64u);
}

TEST(ExportPipeline, RejectsBadSessionIdNamingValue) {
  PipelineConfig c;
  c.encap.session_id = 2000;
  std::vector<SinkTarget> sinks;
  sinks.push_back({std::make_unique<FakeSink>(), *io::parseIpAddress("192.0.2.1"),
                   *io::parseIpAddress("192.0.2.2"), 0});
  auto p = ExportPipeline::create(c, std::move(sinks));
  ASSERT_FALSE(p.has_value());
  EXPECT_NE(p.error().find("2000"), std::string::npos) << p.error();
}

}  // namespace
}  // namespace ovse::erspan::exporter
