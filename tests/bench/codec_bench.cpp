// Throughput of the ERSPAN codec on one core: encapsulation (with frame copy and header-only in
// place), decapsulation, for Type II, Type III and GRE-TEB over 64- and 1500-byte frames, with a
// plain memcpy of the frame as the anchor (counter x_memcpy = time per op / time per memcpy).
// VXLAN and Geneve decapsulation run beside ERSPAN II's (counter x_erspan2 = time per VXLAN or
// Geneve decap / time per ERSPAN II decap of the same frame, measured in the same run).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstring>
#include <map>
#include <vector>

#include "erspan/bytes.h"
#include "erspan/decap.h"
#include "erspan/encap.h"

namespace {

using namespace ovse::erspan;
using Clock = std::chrono::steady_clock;

std::vector<std::uint8_t> frame(std::size_t size) {
  std::vector<std::uint8_t> f(size, 0x5a);
  f[12] = 0x08;
  f[13] = 0x00;
  return f;
}

EncapTemplate makeTemplate(ErspanType type) {
  EncapConfig c;
  c.type = type;
  c.src_ip = {192, 0, 2, 1};
  c.dst_ip = {192, 0, 2, 2};
  c.session_id = 100;
  c.hw_id = 3;
  auto t = makeEncapTemplate(c);
  if (!t) std::abort();
  return *t;
}

// Nanoseconds per memcpy of `size` bytes into a separate buffer, measured once per size.
double memcpyNs(std::size_t size) {
  static std::map<std::size_t, double> cache;
  if (auto it = cache.find(size); it != cache.end()) return it->second;
  const auto src = frame(size);
  std::vector<std::uint8_t> dst(size + 128);
  constexpr int kRounds = 20'000'000;
  const int rounds = static_cast<int>(kRounds / (1 + size / 64));
  const auto t0 = Clock::now();
  for (int i = 0; i < rounds; ++i) {
    benchmark::DoNotOptimize(src.data());
    std::memcpy(dst.data() + 88, src.data(), size);
    benchmark::ClobberMemory();
  }
  const double ns = std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / rounds;
  return cache[size] = ns;
}

// Adds the per-op rate and the ratio to memcpy, from a loop timed start..end.
void report(benchmark::State& state, Clock::time_point start, std::size_t size) {
  const double ns = std::chrono::duration<double, std::nano>(Clock::now() - start).count() /
                    static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations());
  state.counters["ns_per_op"] = ns;
  state.counters["x_memcpy"] = ns / memcpyNs(size);
}

void BM_Memcpy(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  const auto src = frame(size);
  std::vector<std::uint8_t> dst(size + 128);
  const auto start = Clock::now();
  for (auto _ : state) {
    benchmark::DoNotOptimize(src.data());
    std::memcpy(dst.data() + 88, src.data(), size);
    benchmark::ClobberMemory();
  }
  report(state, start, size);
}

void BM_Encap(benchmark::State& state, ErspanType type) {
  const auto size = static_cast<std::size_t>(state.range(0));
  const EncapTemplate t = makeTemplate(type);
  const auto f = frame(size);
  std::vector<std::uint8_t> out(t.headerBytes() + size);
  PacketMeta meta;
  const auto start = Clock::now();
  for (auto _ : state) {
    ++meta.sequence;
    ++meta.timestamp;
    auto n = encapsulate(t, f, meta, out);
    benchmark::DoNotOptimize(n);
    benchmark::ClobberMemory();
  }
  report(state, start, size);
}

void BM_EncapHeaderOnly(benchmark::State& state, ErspanType type) {
  const auto size = static_cast<std::size_t>(state.range(0));
  const EncapTemplate t = makeTemplate(type);
  std::vector<std::uint8_t> packet(t.headerBytes() + size, 0x5a);
  packet[t.headerBytes() + 12] = 0x08;
  PacketMeta meta;
  const auto start = Clock::now();
  for (auto _ : state) {
    ++meta.sequence;
    ++meta.timestamp;
    auto n = encapsulateInPlace(t, packet, size, meta);
    benchmark::DoNotOptimize(n);
    benchmark::ClobberMemory();
  }
  report(state, start, size);
}

// An outer IPv4 / UDP (to `port`) packet carrying `overlay_header` and `f`, built by hand from
// RFC 768/7348/8926 (the codec has no VXLAN encoder of its own to measure against here).
std::vector<std::uint8_t> udpPacket(std::uint16_t port, std::vector<std::uint8_t> overlay_header,
                                    const std::vector<std::uint8_t>& f) {
  const std::size_t udp_bytes = 8 + overlay_header.size() + f.size();
  std::vector<std::uint8_t> p(20 + udp_bytes, 0);
  const std::uint8_t ip[20] = {0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2};
  std::copy(std::begin(ip), std::end(ip), p.begin());
  storeBe16(p.data() + 2, static_cast<std::uint16_t>(p.size()));
  storeBe16(p.data() + 20, 51234);
  storeBe16(p.data() + 22, port);
  storeBe16(p.data() + 24, static_cast<std::uint16_t>(udp_bytes));
  std::copy(overlay_header.begin(), overlay_header.end(), p.begin() + 28);
  std::copy(f.begin(), f.end(), p.begin() + 28 + static_cast<long>(overlay_header.size()));
  return p;
}

// Decapsulates `packet` (carrying a `size`-byte frame) in a loop; the counters of `report` plus
// x_erspan2 when given.
void runDecap(benchmark::State& state, const std::vector<std::uint8_t>& packet, std::size_t size,
              double erspan2_ns) {
  const auto start = Clock::now();
  for (auto _ : state) {
    benchmark::DoNotOptimize(packet.data());
    auto v = decapsulateIp(packet);
    benchmark::DoNotOptimize(v);
  }
  report(state, start, size);
  if (erspan2_ns > 0) state.counters["x_erspan2"] = state.counters["ns_per_op"] / erspan2_ns;
}

std::vector<std::uint8_t> erspanPacket(ErspanType type, std::size_t size) {
  const EncapTemplate t = makeTemplate(type);
  std::vector<std::uint8_t> packet(t.headerBytes() + size);
  if (!encapsulate(t, frame(size), {}, packet)) std::abort();
  return packet;
}

// Nanoseconds per ERSPAN II decap of a `size`-byte frame, measured once per size (the anchor of
// the VXLAN and Geneve rows).
double erspan2DecapNs(std::size_t size) {
  static std::map<std::size_t, double> cache;
  if (auto it = cache.find(size); it != cache.end()) return it->second;
  const auto packet = erspanPacket(ErspanType::kTypeII, size);
  constexpr int kRounds = 20'000'000;
  const auto t0 = Clock::now();
  for (int i = 0; i < kRounds; ++i) {
    benchmark::DoNotOptimize(packet.data());
    auto v = decapsulateIp(packet);
    benchmark::DoNotOptimize(v);
  }
  return cache[size] =
             std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / kRounds;
}

void BM_DecapVxlan(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  runDecap(state, udpPacket(4789, {0x08, 0, 0, 0, 0x01, 0xe2, 0x40, 0}, frame(size)), size,
           erspan2DecapNs(size));
}

void BM_DecapGeneve(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  // One 8-byte option (Opt Len 2), skipped.
  runDecap(state,
           udpPacket(6081, {0x02, 0x00, 0x65, 0x58, 0, 0, 0x2a, 0, 0x01, 0x02, 0x80, 0x01, 1, 2, 3, 4},
                     frame(size)),
           size, erspan2DecapNs(size));
}

void BM_Decap(benchmark::State& state, ErspanType type) {
  const auto size = static_cast<std::size_t>(state.range(0));
  runDecap(state, erspanPacket(type, size), size, 0);
}

BENCHMARK(BM_Memcpy)->Arg(64)->Arg(1500);
BENCHMARK_CAPTURE(BM_Encap, TypeII, ErspanType::kTypeII)->Arg(64)->Arg(1500);
BENCHMARK_CAPTURE(BM_Encap, TypeIII, ErspanType::kTypeIII)->Arg(64)->Arg(1500);
BENCHMARK_CAPTURE(BM_Encap, GreTeb, ErspanType::kGreTeb)->Arg(64)->Arg(1500);
BENCHMARK_CAPTURE(BM_EncapHeaderOnly, TypeII, ErspanType::kTypeII)->Arg(64)->Arg(1500);
BENCHMARK_CAPTURE(BM_EncapHeaderOnly, TypeIII, ErspanType::kTypeIII)->Arg(64)->Arg(1500);
BENCHMARK_CAPTURE(BM_EncapHeaderOnly, GreTeb, ErspanType::kGreTeb)->Arg(64)->Arg(1500);
BENCHMARK_CAPTURE(BM_Decap, TypeII, ErspanType::kTypeII)->Arg(64)->Arg(1500);
BENCHMARK_CAPTURE(BM_Decap, TypeIII, ErspanType::kTypeIII)->Arg(64)->Arg(1500);
BENCHMARK_CAPTURE(BM_Decap, GreTeb, ErspanType::kGreTeb)->Arg(64)->Arg(1500);
BENCHMARK(BM_DecapVxlan)->Arg(64)->Arg(1500);
BENCHMARK(BM_DecapGeneve)->Arg(64)->Arg(1500);

}  // namespace

BENCHMARK_MAIN();
