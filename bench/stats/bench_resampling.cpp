// What one resampled point of a bootstrap of the mean costs on one core, step by step, for a
// sample of 10^4 points (bench/stats/bootstrap.py's size):
//   philox_words          Philox4x32-10 words into ResampleIndices' 4096-word buffer
//   index_pairs           those words into indices, two per word (lemire_pairs)
//   gathered_sum/<rows>   the sum of a resample's values at random indices: rows = 5000 fits
//                         L1 (40 KB), rows = 10000 (80 KB) does not
//   resample_mean         all three together, as pardo bootstrap runs them
// The counter Gpoints is resampled points per ns of CPU time (an index costs half a word);
// its inverse is the time per point. 20x scipy.stats.bootstrap at its fastest batch
// (docs/benchmarks.md) would need resample_mean above 4 Gpoints, a quarter of a nanosecond
// per point.
//
// Run: build/bin/bench_resampling --benchmark_repetitions=5 --benchmark_report_aggregates_only

#include <benchmark/benchmark.h>

#include <cstdint>
#include <pardo/random/bulk.hpp>
#include <pardo/random/stream.hpp>
#include <pardo/stats/bootstrap.hpp>
#include <random>
#include <vector>

#include "stats/resampling_kernels.hpp"

namespace {

namespace detail = pardo::stats::detail;

constexpr std::uint32_t kRows = 10'000;
constexpr std::size_t kWords = 4096;

void set_points(benchmark::State& state, double points_per_iteration) {
  state.counters["Gpoints"] =
      benchmark::Counter(points_per_iteration * static_cast<double>(state.iterations()) * 1e-9,
                         benchmark::Counter::kIsRate);
}

void philox_words(benchmark::State& state) {
  const pardo::random::Key key = pardo::random::derive_key(1);
  std::vector<std::uint32_t> words(kWords);
  std::uint64_t block = 0;
  for (auto _ : state) {
    pardo::random::philox_blocks(key, 0, block, words);
    block += kWords / 4;
    benchmark::DoNotOptimize(words.data());
    benchmark::ClobberMemory();
  }
  set_points(state, 2.0 * kWords);  // two indices per word
}

void index_pairs(benchmark::State& state) {
  std::vector<std::uint32_t> words(kWords);
  pardo::random::philox_blocks(pardo::random::derive_key(1), 0, 0, words);
  std::vector<std::uint32_t> index(2 * kWords);
  const std::uint32_t threshold = detail::lemire_threshold(std::uint64_t{kRows} * kRows);
  std::size_t made = 0;
  for (auto _ : state) {
    made += detail::lemire_pairs(words.data(), words.size(), kRows, threshold, index.data(),
                                 index.size())
                .made;
    benchmark::DoNotOptimize(index.data());
    benchmark::ClobberMemory();
  }
  set_points(state, static_cast<double>(made) / static_cast<double>(state.iterations()));
}

void gathered_sum(benchmark::State& state) {
  const auto rows = static_cast<std::uint32_t>(state.range(0));
  std::mt19937 engine(1);
  std::vector<double> x(rows);
  for (double& v : x) v = std::uniform_real_distribution<double>(0, 1)(engine);
  // 64 resamples' indices, used in turn, so the indices stream as in a run.
  std::vector<std::uint32_t> index(std::size_t{64} * kRows);
  for (auto& i : index) i = std::uniform_int_distribution<std::uint32_t>(0, rows - 1)(engine);
  std::size_t r = 0;
  for (auto _ : state) {
    double sum = detail::gathered_sum(x.data(), index.data() + r * kRows, kRows);
    benchmark::DoNotOptimize(sum);
    r = (r + 1) % 64;
  }
  set_points(state, kRows);
}

void resample_mean(benchmark::State& state) {
  std::mt19937 engine(1);
  std::vector<double> x(kRows);
  for (double& v : x) v = std::uniform_real_distribution<double>(0, 1)(engine);
  detail::ResampleIndices indices(1, 0, kRows);
  std::vector<std::uint32_t> index(kRows);
  for (auto _ : state) {
    indices.next(index);
    double sum = detail::gathered_sum(x.data(), index.data(), kRows);
    benchmark::DoNotOptimize(sum);
  }
  set_points(state, kRows);
}

}  // namespace

BENCHMARK(philox_words);
BENCHMARK(index_pairs);
BENCHMARK(gathered_sum)->Arg(5'000)->Arg(10'000);
BENCHMARK(resample_mean);

BENCHMARK_MAIN();
