// The bootstrap: intervals as scipy defines them, rows of a table kept together, the same
// bits on every backend, and 95% intervals that cover the truth 95% of the time.

#include <gmock/gmock.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <pardo/random/distributions.hpp>
#include <pardo/stats/bootstrap.hpp>
#include <pardo/stats/descriptive.hpp>
#include <ranges>
#include <span>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "stats_support.hpp"

namespace {

namespace stats = pardo::stats;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

std::vector<double> normal_sample(std::size_t n, std::uint64_t seed, double mean = 0.0) {
  pardo::random::Stream s(seed, 0);
  std::vector<double> x(n);
  for (double& v : x) v = pardo::random::normal(s, mean, 1.0);
  return x;
}

std::vector<double> exponential_sample(std::size_t n, std::uint64_t seed) {
  pardo::random::Stream s(seed, 0);
  std::vector<double> x(n);
  for (double& v : x) v = pardo::random::exponential(s);
  return x;
}

TEST(Bootstrap, MethodNamesRoundTrip) {
  for (const auto m : {stats::BootstrapMethod::percentile, stats::BootstrapMethod::basic,
                       stats::BootstrapMethod::bca}) {
    EXPECT_EQ(stats::parse_bootstrap_method(stats::to_string(m)), m);
  }
  EXPECT_EQ(stats::parse_bootstrap_method("BCa"), std::nullopt);
}

// The definition, one word of stream (seed, block) at a time: below 65536 rows, an index
// uniform on [0, rows^2) by Lemire's method, split into its two base-rows digits.
std::vector<std::uint32_t> indices_by_definition(std::uint64_t seed, std::uint64_t block,
                                                 std::uint64_t rows, std::size_t count) {
  pardo::random::Stream s(seed, block);
  std::vector<std::uint32_t> out;
  if (rows > 65'535) {
    while (out.size() < count) {
      out.push_back(static_cast<std::uint32_t>(pardo::random::uniform_int(s, 0, rows - 1)));
    }
    return out;
  }
  const std::uint64_t range = rows * rows;
  const std::uint64_t threshold = (std::uint64_t{1} << 32) % range;
  while (out.size() < count) {
    const std::uint64_t m = std::uint64_t{s.next_u32()} * range;
    if ((m & 0xFFFFFFFFu) < threshold) continue;
    out.push_back(static_cast<std::uint32_t>((m >> 32) / rows));
    out.push_back(static_cast<std::uint32_t>((m >> 32) % rows));
  }
  out.resize(count);
  return out;
}

TEST(Bootstrap, IndicesFollowTheirDefinitionAcrossCalls) {
  // 46341 rows reject about half the words; 65535 is the last with two indices per word.
  for (const std::uint32_t rows : {2u, 7u, 10'000u, 46'341u, 65'535u, 65'536u, 3'000'000'000u}) {
    stats::detail::ResampleIndices indices(5, 3, rows);
    std::vector<std::uint32_t> got(10'000);
    // Odd lengths leave a pair's second index for the next call.
    indices.next(std::span(got).first(4'999));
    indices.next(std::span(got).subspan(4'999, 1));
    indices.next(std::span(got).subspan(5'000, 0));
    indices.next(std::span(got).subspan(5'000, 3));
    indices.next(std::span(got).subspan(5'003));
    EXPECT_EQ(got, indices_by_definition(5, 3, rows, got.size())) << rows << " rows";
  }
}

TEST(Bootstrap, IndicesAreUniform) {
  // 10^6 indices on 10 cells: each count within 4 standard errors of 10^5.
  stats::detail::ResampleIndices indices(11, 0, 10);
  std::vector<std::uint32_t> got(1'000'000);
  indices.next(got);
  std::vector<double> counts(10);
  for (const std::uint32_t i : got) counts.at(i) += 1;
  for (const double c : counts) EXPECT_NEAR(c, 1e5, 4 * std::sqrt(1e6 * 0.1 * 0.9));
}

TEST(Bootstrap, PercentileIntervalIsTheDistributionsQuantiles) {
  const auto x = exponential_sample(40, 1);
  pardo::SerialExecutor serial;
  const auto r = stats::bootstrap(
      serial, x, stats::mean,
      {.resamples = 999, .method = stats::BootstrapMethod::percentile, .keep_distribution = true});
  ASSERT_EQ(r.distribution.size(), 999u);
  EXPECT_EQ(r.resamples, 999u);
  EXPECT_TRUE(r.run.complete);
  EXPECT_EQ(r.estimate, stats::mean(x));
  std::vector<double> sorted = r.distribution;
  std::sort(sorted.begin(), sorted.end());
  // 998 * 0.025 = 24.95: between order statistics 24 and 25.
  EXPECT_DOUBLE_EQ(r.interval.low, sorted[24] + 0.95 * (sorted[25] - sorted[24]));
  EXPECT_DOUBLE_EQ(r.interval.high, sorted[973] + 0.05 * (sorted[974] - sorted[973]));
  EXPECT_EQ(r.interval.level, 0.95);
  EXPECT_DOUBLE_EQ(r.std_error, stats::std_dev(r.distribution));
  EXPECT_DOUBLE_EQ(r.bias, stats::mean(r.distribution) - r.estimate);
  EXPECT_EQ(r.bias_correction, 0.0);
  EXPECT_EQ(r.acceleration, 0.0);
}

TEST(Bootstrap, BasicIntervalReflectsThePercentileIntervalAboutTheEstimate) {
  const auto x = exponential_sample(40, 2);
  pardo::SerialExecutor serial;
  const auto p = stats::bootstrap(serial, x, stats::median,
                                  {.resamples = 500, .method = stats::BootstrapMethod::percentile});
  const auto b = stats::bootstrap(serial, x, stats::median,
                                  {.resamples = 500, .method = stats::BootstrapMethod::basic});
  EXPECT_EQ(b.interval.low, 2 * p.estimate - p.interval.high);
  EXPECT_EQ(b.interval.high, 2 * p.estimate - p.interval.low);
  EXPECT_TRUE(b.distribution.empty());
}

TEST(Bootstrap, StandardErrorOfTheMeanMatchesTheoryWithinMonteCarloError) {
  const auto x = normal_sample(200, 3);
  pardo::ThreadPool pool(2);
  const std::uint64_t resamples = 9999;
  const auto r = stats::bootstrap(
      pool, x, stats::mean, {.resamples = resamples, .method = stats::BootstrapMethod::percentile});
  // The bootstrap's truth: the plug-in sd / sqrt(n); an sd from B draws has relative
  // standard error 1 / sqrt(2 (B - 1)).
  const double n = static_cast<double>(x.size());
  const double truth = stats::std_dev(x) * std::sqrt((n - 1) / n) / std::sqrt(n);
  const double relative_se = 1 / std::sqrt(2.0 * static_cast<double>(resamples - 1));
  EXPECT_NEAR(r.std_error / truth, 1.0, 4 * relative_se);
  EXPECT_NEAR(r.bias, 0.0, 4 * truth / std::sqrt(static_cast<double>(resamples)));
}

TEST(Bootstrap, BcaAccelerationIsTheJackknifeSkewness) {
  const auto x = exponential_sample(30, 4);
  pardo::ThreadPool pool(2);
  const auto r = stats::bootstrap(pool, x, stats::std_dev, {.resamples = 2000});
  // Efron and Tibshirani (14.15), computed here the slow way.
  std::vector<double> jack;
  for (std::size_t i = 0; i < x.size(); ++i) {
    std::vector<double> rest(x);
    rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(i));
    jack.push_back(stats::std_dev(rest));
  }
  const double dot = stats::mean(jack);
  double num = 0;
  double den = 0;
  for (const double t : jack) {
    num += std::pow(dot - t, 3);
    den += std::pow(dot - t, 2);
  }
  EXPECT_NEAR(r.acceleration, num / (6 * std::pow(den, 1.5)), 1e-12);
  EXPECT_TRUE(std::isfinite(r.bias_correction));
  EXPECT_LT(r.interval.low, r.estimate);
  EXPECT_GT(r.interval.high, r.estimate);
}

TEST(Bootstrap, TableRowsAreResampledTogether) {
  const auto x = normal_sample(20, 5);
  std::vector<double> y(x.size());
  std::transform(x.begin(), x.end(), y.begin(), [](double v) { return 3 - 2 * v; });
  const std::vector<double> storage = stats::stack_columns({x, y});
  const stats::Columns table(storage, 2);
  EXPECT_EQ(table.rows(), 20u);
  pardo::ThreadPool pool(2);
  const auto r = stats::bootstrap(
      pool, table, stats::pearson,
      {.resamples = 300, .method = stats::BootstrapMethod::percentile, .keep_distribution = true});
  EXPECT_NEAR(r.estimate, -1.0, 1e-12);
  for (const double t : r.distribution) ASSERT_NEAR(t, -1.0, 1e-12);
}

TEST(Bootstrap, TableJackknifeLeavesOutWholeRows) {
  const auto x = normal_sample(40, 6);
  auto y = exponential_sample(40, 7);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] += x[i];
  const std::vector<double> storage = stats::stack_columns({x, y});
  pardo::ThreadPool pool(2);
  const auto r = stats::bootstrap(pool, stats::Columns(storage, 2), stats::pearson,
                                  {.resamples = 2000, .block_resamples = 16});
  std::vector<double> jack;
  for (std::size_t i = 0; i < x.size(); ++i) {
    std::vector<double> rx(x);
    std::vector<double> ry(y);
    rx.erase(rx.begin() + static_cast<std::ptrdiff_t>(i));
    ry.erase(ry.begin() + static_cast<std::ptrdiff_t>(i));
    const std::vector<double> rest = stats::stack_columns({rx, ry});
    jack.push_back(stats::pearson(stats::Columns(rest, 2)));
  }
  const double dot = stats::mean(jack);
  double num = 0;
  double den = 0;
  for (const double t : jack) {
    num += std::pow(dot - t, 3);
    den += std::pow(dot - t, 2);
  }
  EXPECT_NEAR(r.acceleration, num / (6 * std::pow(den, 1.5)), 1e-12);
  EXPECT_TRUE(r.interval.contains(r.estimate));
}

TEST(Bootstrap, SameBitsOnEveryBackend) {
  const auto x = exponential_sample(300, 8);
  const auto results = pardo::test::on_every_backend([&](auto& executor) {
    return stats::bootstrap(
        executor, x, stats::median,
        {.resamples = 1000, .seed = 11, .block_resamples = 64, .keep_distribution = true});
  });
  const auto& ref = results.front().second;
  EXPECT_TRUE(ref.run.complete);
  EXPECT_EQ(ref.run.blocks_total, 16u + 5u);
  for (const auto& [name, r] : results) {
    EXPECT_EQ(pardo::test::bits(r.interval.low), pardo::test::bits(ref.interval.low)) << name;
    EXPECT_EQ(pardo::test::bits(r.interval.high), pardo::test::bits(ref.interval.high)) << name;
    EXPECT_EQ(pardo::test::bits(r.std_error), pardo::test::bits(ref.std_error)) << name;
    EXPECT_EQ(pardo::test::bits(r.acceleration), pardo::test::bits(ref.acceleration)) << name;
    EXPECT_EQ(r.distribution, ref.distribution) << name;
  }
}

TEST(Bootstrap, ADataSetSharedWithWorkerProcessesGivesTheSameBits) {
  // Over BlockData's threshold the table reaches worker processes through one shared
  // segment: 1-D with the fused mean, and two columns with a table statistic.
  const auto x = exponential_sample(3 * pardo::BlockData::share_threshold_bytes / 8, 21);
  const auto y = normal_sample(x.size(), 22);
  const std::vector<double> storage = stats::stack_columns({x, y});
  const stats::Columns table(storage, 2);
  const stats::BootstrapOptions options{.resamples = 120,
                                        .method = stats::BootstrapMethod::percentile,
                                        .seed = 5,
                                        .block_resamples = 16,
                                        .keep_distribution = true};
  const auto results = pardo::test::on_every_backend([&](auto& executor) {
    return std::pair(stats::bootstrap(executor, x, stats::mean, options),
                     stats::bootstrap(executor, table, stats::pearson, options));
  });
  const auto& [mean_ref, pearson_ref] = results.front().second;
  ASSERT_EQ(mean_ref.distribution.size(), 120u);
  for (const auto& [name, r] : results) {
    EXPECT_EQ(r.first.distribution, mean_ref.distribution) << name;
    EXPECT_EQ(r.second.distribution, pearson_ref.distribution) << name;
  }
}

// stats::mean runs a fused kernel; a lambda around it is opaque and runs the generic path.
double mean_via_generic_path(std::span<const double> x) { return stats::mean(x); }

TEST(Bootstrap, MeanFastPathHasTheGenericPathsBits) {
  EXPECT_TRUE(stats::detail::is_mean(stats::mean));
  EXPECT_TRUE(stats::detail::is_mean(stats::SampleStatistic(stats::mean)));
  EXPECT_FALSE(stats::detail::is_mean(stats::median));
  EXPECT_FALSE(stats::detail::is_mean(mean_via_generic_path));
  // 1003 rows: every resample ends in a partial group of mean's eight running sums.
  const auto x = exponential_sample(1003, 13);
  const stats::BootstrapOptions options{.resamples = 300,
                                        .method = stats::BootstrapMethod::percentile,
                                        .block_resamples = 64,
                                        .keep_distribution = true};
  const auto results = pardo::test::on_every_backend(
      [&](auto& executor) { return stats::bootstrap(executor, x, stats::mean, options); });
  pardo::SerialExecutor serial;
  const auto generic = stats::bootstrap(serial, x, mean_via_generic_path, options);
  ASSERT_EQ(generic.distribution.size(), 300u);
  for (const auto& [name, r] : results) {
    ASSERT_EQ(r.distribution.size(), generic.distribution.size()) << name;
    for (std::size_t i = 0; i < r.distribution.size(); ++i) {
      ASSERT_EQ(pardo::test::bits(r.distribution[i]), pardo::test::bits(generic.distribution[i]))
          << name << ", resample " << i;
    }
    EXPECT_EQ(pardo::test::bits(r.interval.low), pardo::test::bits(generic.interval.low)) << name;
    EXPECT_EQ(pardo::test::bits(r.interval.high), pardo::test::bits(generic.interval.high)) << name;
  }
}

TEST(Bootstrap, MeanFastPathJackknifeMatchesTheGenericPathToRounding) {
  // The fast path's leave-one-out means are (sum - x_i) / (n - 1): a few ulps from the
  // generic path's sums of n - 1 values, which moves the acceleration by about n ulps.
  const auto x = exponential_sample(501, 14);
  const stats::BootstrapOptions options{.resamples = 400, .keep_distribution = true};
  const auto results = pardo::test::on_every_backend(
      [&](auto& executor) { return stats::bootstrap(executor, x, stats::mean, options); });
  pardo::SerialExecutor serial;
  const auto generic = stats::bootstrap(serial, x, mean_via_generic_path, options);
  const auto& fast = results.front().second;
  EXPECT_EQ(fast.distribution, generic.distribution);
  EXPECT_NEAR(fast.acceleration, generic.acceleration, 1e-10 * std::abs(generic.acceleration));
  EXPECT_EQ(fast.bias_correction, generic.bias_correction);
  EXPECT_NEAR(fast.interval.low, generic.interval.low, 1e-10 * generic.std_error);
  EXPECT_NEAR(fast.interval.high, generic.interval.high, 1e-10 * generic.std_error);
  for (const auto& [name, r] : results) {
    EXPECT_EQ(pardo::test::bits(r.acceleration), pardo::test::bits(fast.acceleration)) << name;
    EXPECT_EQ(pardo::test::bits(r.interval.low), pardo::test::bits(fast.interval.low)) << name;
    EXPECT_EQ(pardo::test::bits(r.interval.high), pardo::test::bits(fast.interval.high)) << name;
  }
}

TEST(Bootstrap, TableSameBitsOnEveryBackend) {
  const auto x = normal_sample(150, 9);
  const auto y = exponential_sample(150, 10);
  const std::vector<double> storage = stats::stack_columns({x, y});
  const stats::Columns table(storage, 2);
  const auto results = pardo::test::on_every_backend([&](auto& executor) {
    return stats::bootstrap(executor, table, stats::pearson,
                            {.resamples = 700, .seed = 3, .block_resamples = 50});
  });
  const auto& ref = results.front().second;
  for (const auto& [name, r] : results) {
    EXPECT_EQ(pardo::test::bits(r.interval.low), pardo::test::bits(ref.interval.low)) << name;
    EXPECT_EQ(pardo::test::bits(r.interval.high), pardo::test::bits(ref.interval.high)) << name;
  }
}

// The mean of the middle 80% of the values.
double trimmed_mean(std::span<const double> x) {
  std::vector<double> sorted(x.begin(), x.end());
  std::sort(sorted.begin(), sorted.end());
  const std::size_t cut = sorted.size() / 10;
  return stats::mean(std::span<const double>(sorted).subspan(cut, sorted.size() - 2 * cut));
}

TEST(Bootstrap, AutomaticJackknifeIsFullUpTo2000RowsAndGroupedAbove) {
  EXPECT_EQ(stats::jackknife_values(500, {}), 500u);
  EXPECT_EQ(stats::jackknife_values(2000, {}), 2000u);
  EXPECT_EQ(stats::jackknife_values(200'000, {}), stats::auto_jackknife_groups);
  EXPECT_EQ(stats::jackknife_values(200'000, {.jackknife_groups = 100}), 100u);
  EXPECT_EQ(stats::jackknife_values(300, {.jackknife_groups = 1000}), 300u);
  const stats::BootstrapOptions options{.resamples = 1000, .block_resamples = 100};
  EXPECT_EQ(stats::bootstrap_blocks(200'000, options), 10u + 20u);
}

TEST(Bootstrap, GroupedJackknifeAccelerationIsCloseToTheFullOne) {
  // With G random groups of d rows, each group's deviation is a sum of d leave-one-out
  // deviations, whose cubes and squares add up to the full jackknife's in expectation; what
  // the grouping adds is noise of standard deviation sqrt(15) / (6 G) in the acceleration
  // (the sixth moment of a normal sum: docs/design.md). Allowed: 5 of those. The interval's
  // levels move by about z_alpha^2 = 3.84 times the acceleration's change, its ends by that
  // times the standard error: allowed 6 times the acceleration's tolerance in std errors.
  // The median is not smooth: leaving out d rows moves it by d signs times the local gaps
  // between order statistics, which vary, so the noise is larger (allowed 3 times as much);
  // its full jackknife is the degenerate one (two distinct values, a near 0 for even n).
  using Statistic = double (*)(std::span<const double>);
  const std::vector<std::pair<std::string, Statistic>> statistics{
      {"mean", stats::mean}, {"median", stats::median}, {"trimmed mean", trimmed_mean}};
  pardo::ThreadPool pool(2);
  for (const std::size_t n : {std::size_t{200}, std::size_t{1000}, std::size_t{2000}}) {
    const auto x = exponential_sample(n, 30 + n);
    const std::uint64_t groups = n / 4;
    for (const auto& [name, statistic] : statistics) {
      const double tolerance =
          (name == "median" ? 3 : 1) * 5 * std::sqrt(15.0) / (6 * static_cast<double>(groups));
      const auto full =
          stats::bootstrap(pool, x, statistic, {.resamples = 2000, .jackknife_groups = n});
      const auto grouped =
          stats::bootstrap(pool, x, statistic, {.resamples = 2000, .jackknife_groups = groups});
      const std::string what = name + ", n = " + std::to_string(n);
      EXPECT_EQ(grouped.run.blocks_total, 16 + (groups + 127) / 128) << what;
      EXPECT_NE(grouped.acceleration, full.acceleration) << what;
      EXPECT_NEAR(grouped.acceleration, full.acceleration, tolerance) << what;
      EXPECT_EQ(grouped.bias_correction, full.bias_correction) << what;
      EXPECT_NEAR(grouped.interval.low, full.interval.low, 6 * tolerance * full.std_error) << what;
      EXPECT_NEAR(grouped.interval.high, full.interval.high, 6 * tolerance * full.std_error)
          << what;
    }
  }
}

TEST(Bootstrap, GroupedJackknifeHasTheSameBitsOnEveryBackend) {
  // 3000 rows: 2000 groups by default, in blocks of 64 groups.
  const auto x = exponential_sample(3000, 31);
  const stats::BootstrapOptions options{.resamples = 300, .seed = 5, .block_resamples = 64};
  for (const auto statistic : {stats::median, stats::mean}) {
    const auto results = pardo::test::on_every_backend(
        [&](auto& executor) { return stats::bootstrap(executor, x, statistic, options); });
    const auto& ref = results.front().second;
    EXPECT_TRUE(ref.run.complete);
    EXPECT_EQ(ref.run.blocks_total, 5u + 32u);
    EXPECT_TRUE(std::isfinite(ref.acceleration));
    for (const auto& [name, r] : results) {
      EXPECT_EQ(pardo::test::bits(r.acceleration), pardo::test::bits(ref.acceleration)) << name;
      EXPECT_EQ(pardo::test::bits(r.interval.low), pardo::test::bits(ref.interval.low)) << name;
      EXPECT_EQ(pardo::test::bits(r.interval.high), pardo::test::bits(ref.interval.high)) << name;
    }
  }
}

TEST(Bootstrap, MeanFastPathGroupedJackknifeMatchesTheGenericPathToRounding) {
  const auto x = exponential_sample(5000, 32);
  const stats::BootstrapOptions options{.resamples = 200, .jackknife_groups = 300};
  pardo::SerialExecutor serial;
  const auto fast = stats::bootstrap(serial, x, stats::mean, options);
  const auto generic = stats::bootstrap(serial, x, mean_via_generic_path, options);
  EXPECT_NEAR(fast.acceleration, generic.acceleration, 1e-10 * std::abs(generic.acceleration));
  EXPECT_NEAR(fast.interval.low, generic.interval.low, 1e-10 * generic.std_error);
  EXPECT_NEAR(fast.interval.high, generic.interval.high, 1e-10 * generic.std_error);
}

TEST(Bootstrap, AStopDuringTheJackknifeSaysWhyThereIsNoBcaInterval) {
  const auto x = exponential_sample(300, 33);
  std::stop_source stop;
  std::atomic<std::size_t> calls{0};
  // The estimate and 200 resamples, then the stop comes with the 10th leave-one-out value.
  const auto stopping_median = [&](std::span<const double> v) {
    if (calls.fetch_add(1) == 1 + 200 + 10) stop.request_stop();
    return stats::median(v);
  };
  pardo::SerialExecutor serial;
  const auto r =
      stats::bootstrap(serial, x, stopping_median, {.resamples = 200, .block_resamples = 100},
                       {.stop = stop.get_token()});
  EXPECT_FALSE(r.run.complete);
  EXPECT_EQ(r.resamples, 200u);
  EXPECT_TRUE(std::isfinite(r.std_error));
  EXPECT_TRUE(std::isnan(r.interval.low));
  EXPECT_TRUE(std::isnan(r.interval.high));
  EXPECT_TRUE(std::isnan(r.acceleration));
  EXPECT_THAT(r.note, HasSubstr("BCa interval not computed: the jackknife was interrupted (0 of "
                                "300 jackknife values computed)"));

  const auto done = stats::bootstrap(serial, x, stats::median, {.resamples = 200});
  EXPECT_EQ(done.note, "");
  const auto percentile = stats::bootstrap(
      serial, x, stats::median,
      {.resamples = 200, .method = stats::BootstrapMethod::percentile, .block_resamples = 100},
      {.stop = stop.get_token()});
  EXPECT_EQ(percentile.note, "");
}

TEST(Bootstrap, ProgressCountsEveryBlockAndAStopLeavesAPartialResult) {
  const auto x = normal_sample(50, 12);
  const stats::BootstrapOptions options{.resamples = 1000, .block_resamples = 100};
  EXPECT_EQ(stats::bootstrap_blocks(x.size(), options), 10u + 1u);
  pardo::Progress progress;
  pardo::ThreadPool pool(2);
  auto r = stats::bootstrap(pool, x, stats::mean, options, {.progress = &progress});
  // The unit is the statistic's evaluations: 1000 resamples and 50 leave-one-out values.
  const pardo::Progress::Snapshot s = progress.snapshot();
  EXPECT_EQ(s.unit, "statistics");
  EXPECT_EQ(s.total, 1050u);
  EXPECT_EQ(s.done, 1050u);
  EXPECT_EQ(r.run.blocks_done, 11u);

  std::stop_source stop;
  stop.request_stop();
  r = stats::bootstrap(pool, x, stats::mean, options, {.stop = stop.get_token()});
  EXPECT_FALSE(r.run.complete);
  EXPECT_EQ(r.resamples, 0u);
  EXPECT_EQ(r.estimate, stats::mean(x));
  EXPECT_TRUE(std::isnan(r.interval.low));
}

TEST(Bootstrap, AStopInsideABlockOfSlowResamplesTakesEffectAtTheNextResample) {
  const auto x = normal_sample(50, 13);
  // One block of 10^5 resamples, each a millisecond: unstopped, it would run for minutes.
  const auto slow_mean = [](std::span<const double> v) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return stats::mean(v);
  };
  for (const std::size_t workers : {std::size_t{1}, std::size_t{2}, std::size_t{8}}) {
    pardo::ThreadPool pool(workers);
    const auto [r, seconds] = pardo::test::stopped_after_100ms([&](std::stop_token stop) {
      return stats::bootstrap(pool, x, slow_mean,
                              {.resamples = 100'000, .block_resamples = 100'000}, {.stop = stop});
    });
    EXPECT_LT(seconds, pardo::test::stop_latency_bound) << workers;
    EXPECT_FALSE(r.run.complete) << workers;
    EXPECT_EQ(r.resamples, 0u) << workers;
  }
}

TEST(Bootstrap, ADegenerateDistributionGivesNoBcaInterval) {
  const std::vector<double> x(10, 2.5);
  pardo::SerialExecutor serial;
  const auto r = stats::bootstrap(serial, x, stats::mean, {.resamples = 100});
  EXPECT_EQ(r.estimate, 2.5);
  EXPECT_TRUE(std::isnan(r.interval.low));
  EXPECT_TRUE(std::isnan(r.interval.high));
  EXPECT_EQ(r.std_error, 0.0);
}

std::vector<double> scaled(const std::vector<double>& x, int exponent) {
  std::vector<double> out(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) out[i] = std::ldexp(x[i], exponent);
  return out;
}

// Issue 15: the built-in statistics are free of overflow near 1e308 (a mean of such values
// used to be inf), and for ordinary data their bits are unchanged: a statistic of x 2^k is
// the statistic of x, scaled, to the bit.
TEST(Bootstrap, BuiltInStatisticsDoNotOverflowNearTheLimits) {
  constexpr double max = std::numeric_limits<double>::max();
  EXPECT_EQ(stats::mean(std::vector<double>{max, max, max}), max);
  EXPECT_EQ(stats::mean(std::vector<double>{1e308, 1e308, -1e308}), 1e308 / 3);
  EXPECT_DOUBLE_EQ(stats::median(std::vector<double>{-1e308, 1.5e308}), 0.25e308);
  EXPECT_EQ(stats::median(std::vector<double>{max, max}), max);
  EXPECT_DOUBLE_EQ(stats::std_dev(std::vector<double>{-1e308, 1e308}), std::sqrt(2.0) * 1e308);
  EXPECT_DOUBLE_EQ(stats::std_dev(std::vector<double>{1e-200, 3e-200}), std::sqrt(2.0) * 1e-200);
  EXPECT_EQ(stats::variance(std::vector<double>{-1e308, 1e308}),
            std::numeric_limits<double>::infinity())
      << "2e616 is beyond double precision";
  const auto x = normal_sample(101, 21, 2.0);
  const auto y = exponential_sample(101, 22);
  for (const int exponent : {1000, 1010, -1000}) {
    SCOPED_TRACE(exponent);
    const auto big_x = scaled(x, exponent);
    const auto big_y = scaled(y, exponent);
    EXPECT_EQ(pardo::test::bits(stats::mean(big_x)),
              pardo::test::bits(std::ldexp(stats::mean(x), exponent)));
    EXPECT_EQ(pardo::test::bits(stats::median(big_x)),
              pardo::test::bits(std::ldexp(stats::median(x), exponent)));
    EXPECT_EQ(pardo::test::bits(stats::std_dev(big_x)),
              pardo::test::bits(std::ldexp(stats::std_dev(x), exponent)));
    EXPECT_EQ(pardo::test::bits(stats::pearson_r(big_x, y)),
              pardo::test::bits(stats::pearson_r(x, y)));
    EXPECT_EQ(pardo::test::bits(stats::pearson_r(big_x, big_y)),
              pardo::test::bits(stats::pearson_r(x, y)));
  }
}

// A bootstrap of the mean of data near 1e308 is the bootstrap of the data scaled down,
// scaled back up, to the bit, on every backend, through the fused kernel and the generic
// path alike.
TEST(Bootstrap, DataNearTheLimitsGiveTheScaledResult) {
  const auto x = exponential_sample(203, 23);
  const auto big = scaled(x, 1020);
  ASSERT_FALSE(std::isfinite(std::accumulate(big.begin(), big.end(), 0.0)));
  const stats::BootstrapOptions options{.resamples = 500,
                                        .method = stats::BootstrapMethod::percentile,
                                        .seed = 5,
                                        .block_resamples = 64,
                                        .keep_distribution = true};
  pardo::SerialExecutor serial;
  const auto small = stats::bootstrap(serial, x, stats::mean, options);
  const auto results = pardo::test::on_every_backend(
      [&](auto& executor) { return stats::bootstrap(executor, big, stats::mean, options); });
  const auto generic = stats::bootstrap(serial, big, mean_via_generic_path, options);
  const auto up = [](double v) { return pardo::test::bits(std::ldexp(v, 1020)); };
  for (const auto& [name, r] : results) {
    EXPECT_EQ(pardo::test::bits(r.estimate), up(small.estimate)) << name;
    EXPECT_EQ(pardo::test::bits(r.std_error), up(small.std_error)) << name;
    EXPECT_EQ(pardo::test::bits(r.bias), up(small.bias)) << name;
    EXPECT_EQ(pardo::test::bits(r.interval.low), up(small.interval.low)) << name;
    EXPECT_EQ(pardo::test::bits(r.interval.high), up(small.interval.high)) << name;
    ASSERT_EQ(r.distribution.size(), small.distribution.size());
    for (std::size_t i = 0; i < r.distribution.size(); ++i) {
      ASSERT_EQ(pardo::test::bits(r.distribution[i]), up(small.distribution[i])) << name << i;
      ASSERT_EQ(pardo::test::bits(r.distribution[i]), pardo::test::bits(generic.distribution[i]));
    }
  }
  // BCa: the jackknife and its acceleration are computed scaled too.
  const auto bca_small = stats::bootstrap(serial, x, stats::mean, {.resamples = 500, .seed = 5});
  const auto bca_big = stats::bootstrap(serial, big, stats::mean, {.resamples = 500, .seed = 5});
  EXPECT_DOUBLE_EQ(bca_big.acceleration, bca_small.acceleration);
  ASSERT_TRUE(std::isfinite(bca_big.interval.low) && std::isfinite(bca_big.interval.high));
  EXPECT_NEAR(bca_big.interval.low, std::ldexp(bca_small.interval.low, 1020),
              1e-12 * std::ldexp(bca_small.interval.low, 1020));
  EXPECT_NEAR(bca_big.interval.high, std::ldexp(bca_small.interval.high, 1020),
              1e-12 * std::ldexp(bca_small.interval.high, 1020));
}

// Three ways to NaN for the registered statistic below, by how many 1s a sample holds.
double nan_on_three_ones(std::span<const double> x) {
  return std::count(x.begin(), x.end(), 1.0) >= 3 ? std::nan("") : stats::mean(x);
}
PARDO_REMOTE_FUNCTION(nan_on_three_ones);

std::string bootstrap_error(auto&& call) {
  try {
    call();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

// A statistic that is NaN or infinite on the data, or on resamples, is an error naming it:
// never an estimate of inf.
TEST(Bootstrap, ANonFiniteStatisticIsAnErrorNamingIt) {
  pardo::SerialExecutor serial;
  const std::vector<double> huge{-1e308, 1e308, 1.2e308, -0.5e308};
  EXPECT_EQ(bootstrap_error([&] { stats::bootstrap(serial, huge, stats::variance); }),
            "bootstrap: statistic variance is inf on the data (the values overflow double "
            "precision?)");
  EXPECT_THAT(bootstrap_error([&] {
                stats::bootstrap(serial, huge,
                                 [](std::span<const double> v) { return v[0] / 0.0; });
              }),
              HasSubstr("bootstrap: the statistic is -inf on the data"));
  const std::vector<double> constant{2, 2, 2};
  const std::vector<double> ramp{1, 2, 3};
  const auto storage = stats::stack_columns({constant, ramp});
  EXPECT_THAT(bootstrap_error(
                  [&] { stats::bootstrap(serial, stats::Columns(storage, 2), stats::pearson); }),
              HasSubstr("statistic pearson is nan on the data (is x or y constant?)"));
  // Finite on the data (two 1s), NaN on the resamples with three or more.
  const std::vector<double> ones{1, 1, 2, 3, 4, 5};
  const auto errors = pardo::test::on_every_backend([&](auto& executor) {
    return bootstrap_error([&] {
      stats::bootstrap(executor, ones, stats::SampleStatistic(nan_on_three_ones),
                       {.resamples = 200, .block_resamples = 32});
    });
  });
  for (const auto& [name, message] : errors) {
    EXPECT_THAT(message, HasSubstr("bootstrap: statistic nan_on_three_ones is nan on ")) << name;
    EXPECT_THAT(message, HasSubstr(" of 200 resamples")) << name;
    EXPECT_EQ(message, errors.front().second) << name;
  }
}

TEST(Bootstrap, BadInputIsRejectedByName) {
  pardo::SerialExecutor serial;
  const std::vector<double> good{1, 2, 3};
  const auto run = [&](std::vector<double> data, stats::BootstrapOptions options) {
    return [&serial, data, options] { stats::bootstrap(serial, data, stats::mean, options); };
  };
  EXPECT_THAT(run({}, {}), ThrowsMessage<std::invalid_argument>(
                               HasSubstr("bootstrap: data has 0 values; at least 2")));
  EXPECT_THAT(run({1, std::numeric_limits<double>::quiet_NaN()}, {}),
              ThrowsMessage<std::invalid_argument>(HasSubstr("bootstrap: data[1] is nan")));
  EXPECT_THAT(run(good, {.resamples = 0}),
              ThrowsMessage<std::invalid_argument>(HasSubstr("bootstrap: resamples is 0")));
  EXPECT_THAT(run(good, {.level = 1.5}),
              ThrowsMessage<std::invalid_argument>(HasSubstr("bootstrap: level 1.5 is outside")));
  EXPECT_THAT(run(good, {.level = 0}),
              ThrowsMessage<std::invalid_argument>(HasSubstr("level 0 is outside (0, 1)")));
  EXPECT_THAT(run(good, {.block_resamples = 0}),
              ThrowsMessage<std::invalid_argument>(HasSubstr("block_resamples is 0")));
  EXPECT_THAT(run(good, {.jackknife_groups = 1}),
              ThrowsMessage<std::invalid_argument>(HasSubstr(
                  "bootstrap: jackknife_groups is 1; it must be 0 (automatic) or at least 2")));
  EXPECT_THAT(
      [] {
        stats::Columns(std::vector<double>{1, 2, 3}, 2);
      },
      ThrowsMessage<std::invalid_argument>(HasSubstr("3 values do not split into 2")));
  EXPECT_THAT(
      [&] {
        (void)stats::stack_columns({good, std::vector<double>{1}});
      },
      ThrowsMessage<std::invalid_argument>(HasSubstr("column 1 has 1 values")));
}

// 2000 data sets of n = 100 normal values, a 999-resample interval for each mean. The
// percentile interval is about mean -/+ 1.96 sd sqrt((n-1)/n) / sqrt(n), whose exact
// coverage is P(|t_99| < 1.95) = 0.947; the binomial standard error of 2000 trials is 0.5%.
double coverage(stats::BootstrapMethod method) {
  constexpr std::size_t replications = 2000;
  pardo::ThreadPool pool(2);
  const auto covered = pool.map(
      [method](std::uint64_t rep) {
        const auto x = normal_sample(100, 1000 + rep, 10.0);
        pardo::SerialExecutor serial;
        const auto r = stats::bootstrap(serial, x, stats::mean,
                                        {.resamples = 999, .method = method, .seed = rep});
        return r.interval.contains(10.0) ? 1 : 0;
      },
      std::views::iota(std::uint64_t{0}, std::uint64_t{replications}));
  double hits = 0;
  for (const int c : covered) hits += c;
  return hits / replications;
}

TEST(Bootstrap, CoveragePercentileIntervalOfTheMean) {
  EXPECT_NEAR(coverage(stats::BootstrapMethod::percentile), 0.95, 0.02);
}

TEST(Bootstrap, CoverageBcaIntervalOfTheMean) {
  EXPECT_NEAR(coverage(stats::BootstrapMethod::bca), 0.95, 0.02);
}

}  // namespace
