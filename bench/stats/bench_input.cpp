// Reading input: a 200,000-row, three-column CSV (text in memory, so the disk is out of it)
// and the same table as a .npy, through pardo::stats::read_csv and read_npy.
//   build/bin/bench_input --benchmark_repetitions=5 --benchmark_report_aggregates_only
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstring>
#include <pardo/stats/csv.hpp>
#include <sstream>
#include <string>

namespace {

constexpr int rows = 200'000;

std::string csv_text() {
  std::string text = "a,b,c\n";
  for (int i = 0; i < rows; ++i) {
    text += std::to_string(i) + ",0." + std::to_string(i % 997) + ",-1.25e-3\n";
  }
  return text;
}

// A version 1.0 .npy of rows x 3 float64 in C order.
std::string npy_bytes() {
  std::string header =
      "{'descr': '<f8', 'fortran_order': False, 'shape': (" + std::to_string(rows) + ", 3), }";
  header.resize(118, ' ');  // 10 bytes of preamble + 118 = 128, a multiple of 64
  header += '\n';
  std::string bytes = "\x93NUMPY\x01";
  bytes += '\0';
  const auto length = static_cast<std::uint16_t>(header.size());
  bytes += static_cast<char>(length & 0xff);
  bytes += static_cast<char>(length >> 8);
  bytes += header;
  for (int i = 0; i < rows; ++i) {
    for (const double value : {static_cast<double>(i), 0.5, -1.25e-3}) {
      char raw[sizeof value];
      std::memcpy(raw, &value, sizeof value);
      bytes.append(raw, sizeof raw);
    }
  }
  return bytes;
}

void read_csv_200k(benchmark::State& state) {
  const std::string text = csv_text();
  for (auto _ : state) {
    std::istringstream in(text);
    benchmark::DoNotOptimize(pardo::stats::read_csv(in, "bench"));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(text.size()));
}

void read_npy_200k(benchmark::State& state) {
  const std::string bytes = npy_bytes();
  for (auto _ : state) {
    std::istringstream in(bytes);
    benchmark::DoNotOptimize(pardo::stats::read_npy(in, "bench"));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(bytes.size()));
}

}  // namespace

BENCHMARK(read_csv_200k)->Unit(benchmark::kMillisecond);
BENCHMARK(read_npy_200k)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
