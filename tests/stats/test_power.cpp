// Power by simulation: against the analytic power of the t-test, within Monte Carlo error,
// and bit-identical on every backend.

#include <gmock/gmock.h>

#include <chrono>
#include <cmath>
#include <pardo/stats/power.hpp>
#include <pardo/stats/t_test.hpp>
#include <span>
#include <stdexcept>
#include <stop_token>
#include <thread>

#include "stats_support.hpp"

namespace {

using pardo::stats::Alternative;
using pardo::stats::PowerOptions;
using pardo::stats::PowerTest;
using pardo::stats::t_test_power;

// Welch's p-value, as a user would write a test of their own.
double welch_p(std::span<const double> x, std::span<const double> y) {
  return pardo::stats::t_test(y, x, {.equal_var = false}).p_value;
}
PARDO_REMOTE_FUNCTION(welch_p);

TEST(Power, SimulationAgreesWithTheAnalyticTTestPower) {
  pardo::ThreadPool pool(2);
  struct Case {
    double effect;
    std::size_t n1, n2;
    double alpha;
    Alternative alternative;
  };
  for (const Case c :
       {Case{0.5, 30, 30, 0.05, Alternative::two_sided},
        Case{0.3, 40, 60, 0.01, Alternative::greater}, Case{-0.4, 25, 50, 0.05, Alternative::less},
        Case{0.0, 20, 20, 0.05, Alternative::two_sided}}) {
    const auto r = pardo::stats::power(pool, {.effect = c.effect,
                                              .n1 = c.n1,
                                              .n2 = c.n2,
                                              .alpha = c.alpha,
                                              .alternative = c.alternative,
                                              .replications = 4000,
                                              .seed = 11});
    const double truth = t_test_power(c.effect, c.n1, c.n2, c.alpha, c.alternative);
    EXPECT_LT(std::abs(r.power - truth), 4 * std::sqrt(truth * (1 - truth) / 4000))
        << c.effect << " " << r.power << " vs " << truth;
    EXPECT_TRUE(r.run.complete);
    EXPECT_EQ(r.replications, 4000u);
    EXPECT_EQ(r.power, static_cast<double>(r.rejections) / 4000);
    EXPECT_NEAR(r.std_error, std::sqrt(r.power * (1 - r.power) / 4000), 1e-15);
    EXPECT_TRUE(r.interval.contains(r.power));
    EXPECT_EQ(r.interval.level, 0.95);
  }
}

// The permutation test of the mean difference is valid at any n (its size is at most alpha)
// and, with normal data, as powerful as the t-test up to Monte Carlo error.
TEST(Power, ThePermutationTestHasTheTTestsPowerAndItsSize) {
  pardo::ThreadPool pool(2);
  PowerOptions options{.effect = 0.8,
                       .n1 = 20,
                       .replications = 2000,
                       .seed = 4,
                       .test = PowerTest::permutation,
                       .permutations = 999};
  const auto r = pardo::stats::power(pool, options);
  const double truth = t_test_power(0.8, 20, 20);
  EXPECT_LT(std::abs(r.power - truth), 4 * std::sqrt(truth * (1 - truth) / 2000)) << r.power;
  options.effect = 0;
  const auto null = pardo::stats::power(pool, options);
  EXPECT_LT(null.power, 0.05 + 4 * std::sqrt(0.05 * 0.95 / 2000)) << null.power;
}

TEST(Power, WilsonIntervalStaysInsideZeroOne) {
  pardo::SerialExecutor serial;
  // A huge effect: every replication rejects, and the interval is Wilson's [n/(n+z^2), 1].
  const auto r = pardo::stats::power(serial, {.effect = 20, .n1 = 5, .replications = 100});
  EXPECT_EQ(r.rejections, 100u);
  EXPECT_EQ(r.interval.high, 1.0);
  EXPECT_NEAR(r.interval.low, 100 / (100 + 1.959963984540054 * 1.959963984540054), 1e-12);
}

TEST(Power, SameBitsOnEveryBackendAndBlockSize) {
  const PowerOptions options{
      .effect = 0.4, .n1 = 20, .n2 = 25, .replications = 1000, .seed = 5, .block_replications = 64};
  for (const PowerTest test : {PowerTest::student, PowerTest::welch, PowerTest::permutation}) {
    PowerOptions o = options;
    o.test = test;
    o.permutations = 99;
    const auto results = pardo::test::on_every_backend(
        [&](auto& executor) { return pardo::stats::power(executor, o); });
    for (const auto& [name, r] : results) {
      EXPECT_EQ(r.rejections, results.front().second.rejections) << name;
      EXPECT_EQ(pardo::test::bits(r.power), pardo::test::bits(results.front().second.power));
    }
    pardo::SerialExecutor serial;
    o.block_replications = 1000;
    EXPECT_EQ(pardo::stats::power(serial, o).rejections, results.front().second.rejections);
  }
}

TEST(Power, AUsersTestRunsOnEveryBackend) {
  const PowerOptions options{.effect = 0.4, .n1 = 20, .n2 = 25, .replications = 600, .seed = 5};
  const pardo::stats::PowerTestFunction test(welch_p);
  const auto results = pardo::test::on_every_backend(
      [&](auto& executor) { return pardo::stats::power(executor, test, options); });
  PowerOptions welch = options;
  welch.test = PowerTest::welch;
  pardo::SerialExecutor serial;
  const auto builtin = pardo::stats::power(serial, welch);
  for (const auto& [name, r] : results) EXPECT_EQ(r.rejections, builtin.rejections) << name;
  // Any callable on threads.
  pardo::ThreadPool pool(2);
  const auto lambda = pardo::stats::power(
      pool, [](std::span<const double> x, std::span<const double> y) { return welch_p(x, y); },
      options);
  EXPECT_EQ(lambda.rejections, builtin.rejections);
}

TEST(Power, AStopRequestGivesAPartialResult) {
  pardo::ThreadPool pool(2);
  std::stop_source stop;
  stop.request_stop();
  const auto r = pardo::stats::power(pool, {.replications = 1000}, {.stop = stop.get_token()});
  EXPECT_FALSE(r.run.complete);
  EXPECT_EQ(r.replications, 0u);
  EXPECT_TRUE(std::isnan(r.power));
}

TEST(Power, AStopInsideHugePermutationTestsTakesEffectWithinHalfASecond) {
  for (const std::size_t workers : {std::size_t{1}, std::size_t{2}, std::size_t{8}}) {
    pardo::ThreadPool pool(workers);
    const auto [r, seconds] = pardo::test::stopped_after_100ms([&](std::stop_token stop) {
      return pardo::stats::power(pool,
                                 {.replications = 20,
                                  .test = PowerTest::permutation,
                                  .permutations = 1'000'000'000'000,
                                  .block_replications = 1},
                                 {.stop = stop});
    });
    EXPECT_LT(seconds, pardo::test::stop_latency_bound) << workers;
    EXPECT_FALSE(r.run.complete) << workers;
    EXPECT_EQ(r.replications, 0u) << workers;
    EXPECT_TRUE(std::isnan(r.power)) << workers;
  }
}

TEST(Power, AStopWhileALargeReplicationDrawsItsSamplesTakesEffectThere) {
  for (const std::size_t workers : {std::size_t{1}, std::size_t{2}, std::size_t{8}}) {
    pardo::ThreadPool pool(workers);
    // Each replication draws 4e7 values (a third of a second at full speed): the stop at
    // 100 ms lands inside the draws, which see it, so no replication completes.
    const auto [r, seconds] = pardo::test::stopped_after_100ms([&](std::stop_token stop) {
      return pardo::stats::power(
          pool, {.n1 = 20'000'000, .replications = 2, .block_replications = 1}, {.stop = stop});
    });
    EXPECT_LT(seconds, pardo::test::stop_latency_bound) << workers;
    EXPECT_FALSE(r.run.complete) << workers;
    EXPECT_EQ(r.replications, 0u) << workers;
  }
}

TEST(Power, HugeEffectsAndTinyAlphasHaveAnAnalyticPower) {
  EXPECT_EQ(t_test_power(1e5, 30, 30), 1.0);
  EXPECT_EQ(t_test_power(-1e5, 30, 30, 0.05, Alternative::greater), 0.0);
  const double tiny = t_test_power(0.5, 64, 64, 1e-16);
  EXPECT_GT(tiny, 0.0);
  EXPECT_LT(tiny, 1e-6);
  EXPECT_NEAR(t_test_power(0.5, 64, 64, 0.05), 0.8015, 1e-4);
  pardo::ThreadPool pool(2);
  const auto r = pardo::stats::power(pool, {.effect = 1e5, .alpha = 1e-16, .replications = 100});
  EXPECT_EQ(r.power, 1.0);
}

TEST(Power, SamplesThatCannotFitInMemoryAreRefusedNamingTheSize) {
  using ::testing::HasSubstr;
  using ::testing::ThrowsMessage;
  EXPECT_THAT([] { pardo::stats::validate(PowerOptions{.n1 = 1'000'000'000'000'000}); },
              ThrowsMessage<std::invalid_argument>(
                  HasSubstr("power: n1 = 1000000000000000 and n2 = 1000000000000000 needs 16 PB "
                            "of memory for a replication's samples")));
  EXPECT_THAT(
      [] {
        pardo::stats::validate(pardo::stats::SampleSizeOptions{.max_n = 1'000'000'000'000'000});
      },
      ThrowsMessage<std::invalid_argument>(HasSubstr("max_n = 1000000000000000 needs 16 PB")));
}

TEST(Power, RejectsBadOptionsByName) {
  using ::testing::HasSubstr;
  using ::testing::ThrowsMessage;
  pardo::SerialExecutor s;
  EXPECT_THAT([&] { (void)pardo::stats::power(s, {.effect = std::nan("")}); },
              ThrowsMessage<std::invalid_argument>(HasSubstr("power: effect nan is not finite")));
  EXPECT_THAT([&] { (void)pardo::stats::power(s, {.n1 = 1}); },
              ThrowsMessage<std::invalid_argument>(HasSubstr("power: n1 = 1 is too small")));
  EXPECT_THAT([&] { (void)pardo::stats::power(s, {.alpha = 0}); },
              ThrowsMessage<std::invalid_argument>(HasSubstr("alpha 0 is outside (0, 1)")));
  EXPECT_THAT([&] { (void)pardo::stats::power(s, {.replications = 0}); },
              ThrowsMessage<std::invalid_argument>(HasSubstr("replications is 0")));
  EXPECT_THAT([&] { (void)pardo::stats::find_sample_size(s, {}, {.target_power = 1.0}); },
              ThrowsMessage<std::invalid_argument>(HasSubstr("target power 1 is outside (0, 1)")));
}

// The simulated power at each n is within 4 standard errors of the truth (with common random
// numbers, jointly over the few n the search visits), so the n found lies between the
// analytic answers for targets 0.8 -+ 4 se.
void expect_analytic_sample_size(std::uint64_t replications) {
  pardo::ThreadPool pool(2);
  const auto r = pardo::stats::find_sample_size(
      pool, {.effect = 0.5, .replications = replications, .seed = 3}, {.target_power = 0.8});
  ASSERT_TRUE(r.found);
  const double margin = 4 * std::sqrt(0.8 * 0.2 / static_cast<double>(replications));
  std::size_t low = 2;
  while (t_test_power(0.5, low, low) < 0.8 - margin) ++low;
  std::size_t high = low;
  while (t_test_power(0.5, high, high) < 0.8 + margin) ++high;
  EXPECT_GE(r.n1, low);
  EXPECT_LE(r.n1, high);
  EXPECT_LE(low, 64u);  // the analytic answer, statsmodels' solve_power: 63.77 -> 64
  EXPECT_GE(high, 64u);
  EXPECT_EQ(r.n2, r.n1);
  EXPECT_GE(r.at_n.power, 0.8);
  EXPECT_TRUE(r.run.complete);
  // Bracketed by doubling (2, 4, ..., 128), then bisected: n - 1 falls short.
  bool below = false;
  for (const auto& e : r.evaluations) below = below || (e.n1 == r.n1 - 1 && e.power < 0.8);
  EXPECT_TRUE(below);
  EXPECT_EQ(r.evaluations.front().n1, 2u);
}

TEST(FindSampleSize, LandsWhereTheAnalyticPowerCrossesTheTarget) {
  expect_analytic_sample_size(3000);  // n within about 64 -+ 5
}

TEST(CoverageSampleSize, LandsWithinTwoOfTheAnalyticAnswer) {
  expect_analytic_sample_size(20'000);  // n within about 64 -+ 2
}

TEST(FindSampleSize, IsReproducibleAcrossBackendsAndHonoursTheRatio) {
  const PowerOptions options{.effect = 0.8, .replications = 500, .seed = 9};
  const auto results = pardo::test::on_every_backend([&](auto& executor) {
    return pardo::stats::find_sample_size(executor, options, {.target_power = 0.9, .ratio = 2});
  });
  for (const auto& [name, r] : results) {
    EXPECT_EQ(r.n1, results.front().second.n1) << name;
    EXPECT_EQ(r.evaluations.size(), results.front().second.evaluations.size()) << name;
    EXPECT_EQ(r.at_n.rejections, results.front().second.at_n.rejections) << name;
    EXPECT_EQ(r.n2, static_cast<std::size_t>(std::ceil(2.0 * static_cast<double>(r.n1))));
  }
}

TEST(FindSampleSize, ReportsNotFoundWhenMaxNFallsShort) {
  pardo::SerialExecutor s;
  const auto r = pardo::stats::find_sample_size(s, {.effect = 0.1, .replications = 200},
                                                {.target_power = 0.9, .max_n = 20});
  EXPECT_FALSE(r.found);
  EXPECT_EQ(r.n1, 0u);
  EXPECT_EQ(r.evaluations.back().n1, 20u);
}

}  // namespace
