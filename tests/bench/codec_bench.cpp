// Throughput of the ERSPAN codec on one core: encapsulation (with frame copy and header-only in
// place), decapsulation, for Type II, Type III and GRE-TEB over 64- and 1500-byte frames, with a
// plain memcpy of the frame as the anchor (counter x_memcpy = time per op / time per memcpy).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstring>
#include <map>
#include <vector>

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

void BM_Decap(benchmark::State& state, ErspanType type) {
  const auto size = static_cast<std::size_t>(state.range(0));
  const EncapTemplate t = makeTemplate(type);
  const auto f = frame(size);
  std::vector<std::uint8_t> packet(t.headerBytes() + size);
  if (!encapsulate(t, f, {}, packet)) std::abort();
  const auto start = Clock::now();
  for (auto _ : state) {
    benchmark::DoNotOptimize(packet.data());
    auto v = decapsulateIp(packet);
    benchmark::DoNotOptimize(v);
  }
  report(state, start, size);
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

}  // namespace

BENCHMARK_MAIN();
