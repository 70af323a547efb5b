// pardo's flow structures beside oneTBB's, registered into bench_core (bench_flow.hpp):
//   pipeline_3stage/<runtime>  100 000 text-like lines through three stages: a serial source
//                              makes a line of 12 words, a parallel stage lower-cases it and
//                              hashes its words, a serial in-order stage folds the hashes
//                              into an order-dependent checksum; 4 tokens per thread.
//                              pardo_imap: the same as a streamed map, the lines read
//                              from an unsized view by imap (64 per chunk, 4 chunks per
//                              thread in flight) and folded by the loop that consumes them
//   channel_2x2/<runtime>      1 000 000 ints from 2 producer threads to 2 consumer threads
//                              through a queue of 1024 (pardo::Channel, or
//                              tbb::concurrent_bounded_queue closed by one -1 per consumer)
// Results are checked against a serial run; a wrong one fails the benchmark.

#include "bench_flow.hpp"

#include <benchmark/benchmark.h>
#include <tbb/concurrent_queue.h>
#include <tbb/parallel_pipeline.h>

#include <array>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ranges>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <pardo/flow.hpp>

namespace {

constexpr std::uint64_t kLines = 100'000;
constexpr std::size_t kChannelItems = 1'000'000;
constexpr std::size_t kChannelCapacity = 1024;

pardo::ThreadPool* g_flow_pool = nullptr;
std::size_t g_flow_threads = 1;

// Line i: 12 words of a fixed vocabulary, chosen by i, some capitalised.
std::string make_line(std::uint64_t i) {
  static constexpr std::array<std::string_view, 16> words{
      "Alpha", "beta",  "Gamma",  "delta", "epsilon", "Zeta", "eta",     "Theta",
      "iota",  "Kappa", "lambda", "Mu",    "nu",      "Xi",   "omicron", "Pi"};
  std::string line;
  std::uint64_t state = i * 0x9E3779B97F4A7C15ULL + 1;
  for (int w = 0; w < 12; ++w) {
    state ^= state >> 29;
    state *= 0xBF58476D1CE4E5B9ULL;
    if (w > 0) line += ' ';
    line += words[state >> 60];
  }
  return line;
}

// The parallel stage: lower-case the line, and the sum of its words' FNV-1a hashes.
std::uint64_t hash_words(std::string line) {
  for (char& c : line) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::uint64_t sum = 0;
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : line) {
    if (c == ' ') {
      sum += h;
      h = 0xcbf29ce484222325ULL;
    } else {
      h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
    }
  }
  return sum + h;
}

// The serial in-order stage: a checksum that changes if two lines swap.
void fold(std::uint64_t& checksum, std::uint64_t hash) { checksum = checksum * 31 + hash; }

std::uint64_t expected_checksum() {
  static const std::uint64_t value = [] {
    std::uint64_t checksum = 0;
    for (std::uint64_t i = 0; i < kLines; ++i) fold(checksum, hash_words(make_line(i)));
    return checksum;
  }();
  return value;
}

void report_lines(benchmark::State& state, std::uint64_t checksum, std::size_t items) {
  if (checksum != expected_checksum()) state.SkipWithError("wrong checksum");
  state.counters["per_item"] =
      benchmark::Counter(static_cast<double>(items), benchmark::Counter::kIsIterationInvariantRate |
                                                         benchmark::Counter::kInvert);
}

void pipeline_pardo(benchmark::State& state) {
  std::uint64_t checksum = 0;
  for (auto _ : state) {
    checksum = 0;
    std::uint64_t next = 0;
    pardo::run_pipeline(*g_flow_pool, 4 * g_flow_threads,
                        pardo::source([&]() -> std::optional<std::string> {
                          if (next == kLines) return std::nullopt;
                          return make_line(next++);
                        }),
                        pardo::stage(pardo::StageMode::parallel,
                                     [](std::string line) { return hash_words(std::move(line)); }),
                        pardo::stage(pardo::StageMode::serial_in_order,
                                     [&](std::uint64_t hash) { fold(checksum, hash); }));
  }
  report_lines(state, checksum, kLines);
}

void pipeline_imap(benchmark::State& state) {
  std::uint64_t checksum = 0;
  for (auto _ : state) {
    checksum = 0;
    // take() of an unbounded iota has no size: imap reads it as a stream, on this thread.
    auto lines = std::views::iota(std::uint64_t{0}) | std::views::take(kLines) |
                 std::views::transform(make_line);
    for (const std::uint64_t hash :
         g_flow_pool->imap([](const std::string& line) { return hash_words(line); }, lines,
                           {.chunksize = 64, .max_in_flight = 4 * g_flow_threads})) {
      fold(checksum, hash);
    }
  }
  report_lines(state, checksum, kLines);
}

void pipeline_tbb(benchmark::State& state) {
  std::uint64_t checksum = 0;
  for (auto _ : state) {
    checksum = 0;
    std::uint64_t next = 0;
    tbb::parallel_pipeline(4 * g_flow_threads,
                           tbb::make_filter<void, std::string>(tbb::filter_mode::serial_in_order,
                                                               [&](tbb::flow_control& control) {
                                                                 if (next == kLines) {
                                                                   control.stop();
                                                                   return std::string();
                                                                 }
                                                                 return make_line(next++);
                                                               }) &
                               tbb::make_filter<std::string, std::uint64_t>(
                                   tbb::filter_mode::parallel,
                                   [](std::string line) { return hash_words(std::move(line)); }) &
                               tbb::make_filter<std::uint64_t, void>(
                                   tbb::filter_mode::serial_in_order,
                                   [&](std::uint64_t hash) { fold(checksum, hash); }));
  }
  report_lines(state, checksum, kLines);
}

// Producers send 0 .. n/2 - 1 and n/2 .. n - 1; the consumers' sums must add up.
constexpr std::uint64_t kChannelSum =
    std::uint64_t{kChannelItems} * (std::uint64_t{kChannelItems} - 1) / 2;

void channel_pardo(benchmark::State& state) {
  std::uint64_t total = 0;
  for (auto _ : state) {
    pardo::Channel<int> channel(kChannelCapacity);
    std::array<std::uint64_t, 2> sums{};
    {
      std::array<std::jthread, 2> consumers;
      for (std::size_t c = 0; c < 2; ++c) {
        consumers[c] = std::jthread([&, c] {
          for (const int x : channel) sums[c] += static_cast<std::uint64_t>(x);
        });
      }
      {
        std::array<std::jthread, 2> producers;
        for (std::size_t p = 0; p < 2; ++p) {
          producers[p] = std::jthread([&, p] {
            for (std::size_t i = p * kChannelItems / 2; i < (p + 1) * kChannelItems / 2; ++i) {
              channel.push(static_cast<int>(i));
            }
          });
        }
      }
      channel.close();
    }
    total = sums[0] + sums[1];
  }
  if (total != kChannelSum) state.SkipWithError("wrong sum");
  state.counters["per_item"] = benchmark::Counter(
      static_cast<double>(kChannelItems),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void channel_tbb(benchmark::State& state) {
  std::uint64_t total = 0;
  for (auto _ : state) {
    tbb::concurrent_bounded_queue<int> queue;
    queue.set_capacity(kChannelCapacity);
    std::array<std::uint64_t, 2> sums{};
    {
      std::array<std::jthread, 2> consumers;
      for (std::size_t c = 0; c < 2; ++c) {
        consumers[c] = std::jthread([&, c] {
          for (int x = 0;;) {
            queue.pop(x);
            if (x < 0) break;
            sums[c] += static_cast<std::uint64_t>(x);
          }
        });
      }
      {
        std::array<std::jthread, 2> producers;
        for (std::size_t p = 0; p < 2; ++p) {
          producers[p] = std::jthread([&, p] {
            for (std::size_t i = p * kChannelItems / 2; i < (p + 1) * kChannelItems / 2; ++i) {
              queue.push(static_cast<int>(i));
            }
          });
        }
      }
      queue.push(-1);
      queue.push(-1);
    }
    total = sums[0] + sums[1];
  }
  if (total != kChannelSum) state.SkipWithError("wrong sum");
  state.counters["per_item"] = benchmark::Counter(
      static_cast<double>(kChannelItems),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

}  // namespace

void register_flow_benchmarks(pardo::ThreadPool& pool, std::size_t threads,
                              void (*add)(const std::string&, void (*)(benchmark::State&))) {
  g_flow_pool = &pool;
  g_flow_threads = threads;
  add("pipeline_3stage/pardo", pipeline_pardo);
  add("pipeline_3stage/pardo_imap", pipeline_imap);
  add("pipeline_3stage/tbb", pipeline_tbb);
  add("channel_2x2/pardo", channel_pardo);
  add("channel_2x2/tbb", channel_tbb);
}
