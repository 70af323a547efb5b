// Monte Carlo pi: the same bits on every executor, honest error bars, stops and bad input.
#include <atomic>
#include <chrono>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <thread>

#include <pardo/mc/pi.hpp>

#include "support.hpp"

namespace pardo::test {
namespace {

using mc::PiMethod;
using mc::PiOptions;

// Small enough for the sanitizer builds; blocks small enough that there are many of them.
PiOptions small(PiMethod method) {
  PiOptions options;
  options.method = method;
  options.seed = 2024;
  options.block_samples = 1 << 14;
  options.samples = method == PiMethod::naive ? 300'001 : 3'000'001;  // odd: a short last block
  return options;
}

class PiOnEveryExecutor : public OnEveryExecutor {};

TEST_P(PiOnEveryExecutor, BitIdenticalToTheSerialRun) {
  for (PiMethod method : {PiMethod::naive, PiMethod::batched, PiMethod::simd}) {
    SerialExecutor serial;
    const mc::PiResult reference = mc::estimate_pi(serial, small(method));
    with_executor([&](auto& ex) {
      const mc::PiResult r = mc::estimate_pi(ex, small(method));
      EXPECT_EQ(r.hits, reference.hits) << mc::to_string(method);
      EXPECT_EQ(r.samples, small(method).samples);
      EXPECT_EQ(r.estimate, reference.estimate);
      EXPECT_TRUE(r.run.complete);
      EXPECT_EQ(r.run.blocks_done, r.run.blocks_total);
    });
  }
}

PARDO_ON_EVERY_EXECUTOR(PiOnEveryExecutor);

TEST(Pi, EstimateIsWithinItsErrorBars) {
  ThreadPool pool(2);
  for (PiMethod method : {PiMethod::naive, PiMethod::batched, PiMethod::simd}) {
    const mc::PiResult r = mc::estimate_pi(pool, small(method));
    EXPECT_LT(r.abs_error, 5 * r.std_error) << mc::to_string(method);
    EXPECT_NEAR(r.std_error,
                4 * std::sqrt(std::numbers::pi / 4 * (1 - std::numbers::pi / 4) /
                              static_cast<double>(r.samples)),
                1e-3 * r.std_error + 1e-9);
    EXPECT_NEAR(r.interval.high - r.interval.low, 2 * 1.959963984540054 * r.std_error, 1e-12);
    EXPECT_EQ(r.interval.level, 0.95);
    EXPECT_GT(r.samples_per_second, 0);
  }
}

TEST(Pi, SeedsGiveIndependentEstimates) {
  ThreadPool pool(2);
  PiOptions a = small(PiMethod::simd);
  PiOptions b = a;
  b.seed = a.seed + 1;
  EXPECT_NE(mc::estimate_pi(pool, a).hits, mc::estimate_pi(pool, b).hits);
  EXPECT_EQ(mc::estimate_pi(pool, a).hits, mc::estimate_pi(pool, a).hits);
}

// A 95% interval should cover pi in about 95% of independent runs.
TEST(Pi, IntervalCoverage) {
  ThreadPool pool(2);
  constexpr int runs = 1000;
  const auto covered = pool.map(
      [](int seed) {
        SerialExecutor serial;
        PiOptions options{
            .samples = 20'000, .seed = static_cast<std::uint64_t>(seed), .method = PiMethod::simd};
        const mc::PiResult r = mc::estimate_pi(serial, options);
        return r.interval.contains(std::numbers::pi) ? 1 : 0;
      },
      std::views::iota(0, runs));
  int count = 0;
  for (int c : covered) count += c;
  EXPECT_GT(count, 925);
  EXPECT_LT(count, 975);
}

TEST(Pi, ProgressCountsEverySampleInOnePhase) {
  for (const std::size_t workers : std::initializer_list<std::size_t>{1, 2, 8}) {
    ThreadPool pool(workers);
    Progress progress;
    PiOptions options = small(PiMethod::simd);
    options.samples = 10 * options.block_samples + 12345;  // a short last block
    const mc::PiResult r = mc::estimate_pi(pool, options, {.progress = &progress});
    const Progress::Snapshot s = progress.snapshot();
    EXPECT_EQ(s.phase, "sampling");
    EXPECT_EQ(s.unit, "samples");
    EXPECT_EQ(s.total, options.samples);
    EXPECT_EQ(s.done, options.samples) << workers;
    EXPECT_EQ(s.phase_number, 1u);
    EXPECT_EQ(r.run.blocks_total, mc::pi_blocks(options));
  }
}

TEST(Pi, StopBeforeStartGivesAnEmptyPartialResult) {
  ThreadPool pool(2);
  std::stop_source stop;
  stop.request_stop();
  const mc::PiResult r = mc::estimate_pi(pool, small(PiMethod::simd), {.stop = stop.get_token()});
  EXPECT_FALSE(r.run.complete);
  EXPECT_EQ(r.samples, 0u);
  EXPECT_EQ(r.run.blocks_done, 0u);
  EXPECT_TRUE(std::isnan(r.estimate));
}

TEST(Pi, StopMidwayKeepsTheFinishedBlocks) {
  ThreadPool pool(1);
  std::stop_source stop;
  Progress progress;
  PiOptions options = small(PiMethod::batched);
  options.samples = 50'000'000;
  std::thread stopper([&] {
    eventually([&] { return progress.snapshot().done > 0; });
    stop.request_stop();
  });
  const mc::PiResult r =
      mc::estimate_pi(pool, options, {.stop = stop.get_token(), .progress = &progress});
  stopper.join();
  EXPECT_EQ(progress.snapshot().done, r.samples);
  EXPECT_FALSE(r.run.complete);
  EXPECT_GT(r.samples, 0u);
  EXPECT_LT(r.samples, options.samples);
  EXPECT_EQ(r.samples, r.run.blocks_done * options.block_samples);
  EXPECT_LT(r.abs_error, 6 * r.std_error);
}

TEST(Pi, BadOptionsNameTheValue) {
  SerialExecutor serial;
  PiOptions zero_samples = small(PiMethod::simd);
  zero_samples.samples = 0;
  try {
    mc::estimate_pi(serial, zero_samples);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "estimate_pi: samples must be positive, got 0");
  }
  PiOptions bad_method = small(PiMethod::simd);
  bad_method.method = static_cast<PiMethod>(9);
  EXPECT_THROW(mc::estimate_pi(serial, bad_method), std::invalid_argument);
}

TEST(Pi, TheAutomaticBlockSizeIs4MiUntilARunWouldHaveMoreThan4MiBlocks) {
  constexpr std::uint64_t mi4 = std::uint64_t{1} << 22;
  EXPECT_EQ(mc::pi_block_samples({.samples = 1000}), mi4);
  EXPECT_EQ(mc::pi_block_samples({.samples = mi4 * mi4}), mi4);
  EXPECT_EQ(mc::pi_block_samples({.samples = mi4 * mi4 + 1}), mi4 + 1);
  EXPECT_EQ(mc::pi_blocks({.samples = 1'000'000'000'000'000}), mi4);
  EXPECT_EQ(mc::pi_blocks({.samples = ~std::uint64_t{0}}), mi4);
  EXPECT_EQ(mc::pi_block_samples({.samples = 1000, .block_samples = 7}), 7u);
  // The automatic size is the old fixed one: the same bits as before for such runs.
  SerialExecutor serial;
  const PiOptions automatic{.samples = 10'000'001, .seed = 3};
  PiOptions fixed = automatic;
  fixed.block_samples = mi4;
  EXPECT_EQ(mc::estimate_pi(serial, automatic).hits, mc::estimate_pi(serial, fixed).hits);
  EXPECT_EQ(mc::estimate_pi(serial, automatic).run.blocks_total, 3u);
}

TEST_P(PiOnEveryExecutor, AStopEndsABlockOfATrillionSamplesWithinMilliseconds) {
  for (PiMethod method : {PiMethod::naive, PiMethod::batched, PiMethod::simd}) {
    with_executor([&](auto& ex) {
      std::stop_source stop;
      const PiOptions options{
          .samples = 1'000'000'000'000, .method = method, .block_samples = 1'000'000'000'000};
      std::thread stopper([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        stop.request_stop();
      });
      // Unstopped, this block would run for minutes: the ctest timeout fails a missed stop.
      const mc::PiResult r = mc::estimate_pi(ex, options, {.stop = stop.get_token()});
      stopper.join();
      EXPECT_FALSE(r.run.complete) << mc::to_string(method);
      EXPECT_EQ(r.run.blocks_done, 0u);
      EXPECT_EQ(r.samples, 0u);
    });
  }
}

TEST(Pi, MethodNamesRoundTrip) {
  for (PiMethod method : {PiMethod::naive, PiMethod::batched, PiMethod::simd}) {
    EXPECT_EQ(mc::parse_pi_method(mc::to_string(method)), method);
  }
  EXPECT_FALSE(mc::parse_pi_method("fast").has_value());
}

}  // namespace
}  // namespace pardo::test
