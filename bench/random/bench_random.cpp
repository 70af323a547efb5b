// Single-thread throughput of pardo's bulk random kernels at every SIMD level this CPU runs:
//   philox_blocks/<level>          Philox4x32-10 words into a 256 KiB (L2-resident) buffer
//   count_in_quarter_disc/<level>  the fused pi kernel; one sample is one point, two a block
// The counters Gwords and Gsamples are rates in 10^9 per second of CPU time, i.e. words and
// samples per ns on one core. Each result is checked once against the scalar level; a
// mismatch fails the benchmark (SkipWithError).
//
// Run: build/bin/bench_random (add --benchmark_repetitions=5 for medians).

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include <pardo/random/bulk.hpp>

namespace {

using pardo::random::Key;
using pardo::random::SimdLevel;

constexpr Key kKey{0x9E3779B9u, 0x7F4A7C15u};
constexpr std::uint64_t kStream = 0xC0FFEE;
constexpr std::size_t kBulkBlocks = 16'384;
constexpr std::uint64_t kPiBlocks = std::uint64_t{1} << 18;

void philox_blocks(benchmark::State& state, SimdLevel level) {
  if (!pardo::random::supported(level)) {
    state.SkipWithError("not supported by this CPU");
    return;
  }
  std::vector<std::uint32_t> words(4 * kBulkBlocks);
  std::vector<std::uint32_t> expected(words.size());
  pardo::random::philox_blocks(SimdLevel::scalar, kKey, kStream, 0, expected);
  for (auto _ : state) {
    pardo::random::philox_blocks(level, kKey, kStream, 0, words);
    benchmark::DoNotOptimize(words.data());
    benchmark::ClobberMemory();
  }
  if (words != expected) state.SkipWithError("words differ from the scalar level's");
  state.counters["Gwords"] = benchmark::Counter(
      static_cast<double>(words.size()) * static_cast<double>(state.iterations()) * 1e-9,
      benchmark::Counter::kIsRate);
}

void count_in_quarter_disc(benchmark::State& state, SimdLevel level) {
  if (!pardo::random::supported(level)) {
    state.SkipWithError("not supported by this CPU");
    return;
  }
  const std::uint64_t expected =
      pardo::random::count_in_quarter_disc(SimdLevel::scalar, kKey, kStream, 0, kPiBlocks);
  std::uint64_t inside = 0;
  for (auto _ : state) {
    inside = pardo::random::count_in_quarter_disc(level, kKey, kStream, 0, kPiBlocks);
    benchmark::DoNotOptimize(&inside);
  }
  if (inside != expected) state.SkipWithError("count differs from the scalar level's");
  state.counters["Gsamples"] = benchmark::Counter(
      2.0 * static_cast<double>(kPiBlocks) * static_cast<double>(state.iterations()) * 1e-9,
      benchmark::Counter::kIsRate);
}

}  // namespace

int main(int argc, char** argv) {
  for (SimdLevel level : {SimdLevel::scalar, SimdLevel::avx2, SimdLevel::avx512}) {
    const std::string name(pardo::random::to_string(level));
    benchmark::RegisterBenchmark(("philox_blocks/" + name).c_str(), philox_blocks, level);
    benchmark::RegisterBenchmark(("count_in_quarter_disc/" + name).c_str(), count_in_quarter_disc,
                                 level);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
