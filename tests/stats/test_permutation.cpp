// Permutation tests: exact p-values against scipy and brute force, randomized ones within
// Monte Carlo error, the same bits on every backend, the size of the test under the null.

#include <gmock/gmock.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <pardo/random/distributions.hpp>
#include <pardo/stats/descriptive.hpp>
#include <pardo/stats/permutation.hpp>
#include <span>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "stats_support.hpp"

namespace {

using pardo::stats::Alternative;
using pardo::stats::Design;
using pardo::stats::PermutationOptions;
using pardo::stats::PermutationResult;
using pardo::test::bits;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

const std::vector<double> ind_x{2.1, 3.4, 1.9, 5.6, 4.2};
const std::vector<double> ind_y{6.3, 5.1, 7.7, 4.8, 6.0, 5.5};
const std::vector<double> pair_x{1.2, 3.1, 2.2, 4.0, 2.9, 3.3, 1.8, 2.5};
const std::vector<double> pair_y{1.0, 2.5, 2.6, 3.1, 2.0, 3.0, 1.1, 2.4};
const std::vector<double> corr_x{1, 2, 3, 4, 5, 6};
const std::vector<double> corr_y{2, 1, 4, 3, 6, 5.5};

std::vector<double> normal_sample(std::uint64_t seed, std::size_t n, double shift) {
  pardo::random::Stream s(seed, 0);
  std::vector<double> v(n);
  for (double& x : v) x = pardo::random::normal(s, shift, 1.0);
  return v;
}

// A statistic the library cannot recognise, so the generic path runs.
double mean_difference_generic(std::span<const double> x, std::span<const double> y) {
  return pardo::stats::mean(x) - pardo::stats::mean(y);
}
PARDO_REMOTE_FUNCTION(mean_difference_generic);

// NaN whenever the first value of x's group is 1: some arrangements only.
double nan_when_one_leads(std::span<const double> x, std::span<const double> y) {
  return x[0] == 1 ? std::nan("") : pardo::stats::mean(x) - pardo::stats::mean(y);
}
PARDO_REMOTE_FUNCTION(nan_when_one_leads);

using StatisticFn = double (*)(std::span<const double>, std::span<const double>);
using RemoteStatistic =
    pardo::RemoteFunction<double(std::span<const double>, std::span<const double>)>;

// The message of the std::invalid_argument a test throws on each backend; "" if none.
std::vector<std::pair<std::string, std::string>> errors_on_every_backend(
    std::span<const double> x, std::span<const double> y, StatisticFn statistic,
    const PermutationOptions& options) {
  return pardo::test::on_every_backend([&](auto& executor) -> std::string {
    try {
      pardo::stats::permutation_test(executor, x, y, RemoteStatistic(statistic), options);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  });
}

PermutationResult run(std::span<const double> x, std::span<const double> y, auto statistic,
                      PermutationOptions options) {
  pardo::SerialExecutor serial;
  return pardo::stats::permutation_test(serial, x, y, statistic, options);
}

// Exact p-values printed by scipy 1.10 (n_resamples=np.inf, vectorized statistics).
TEST(PermutationTest, ExactPValuesMatchScipy) {
  struct Case {
    Design design;
    const std::vector<double>& x;
    const std::vector<double>& y;
    double (*statistic)(std::span<const double>, std::span<const double>);
    double observed;
    std::uint64_t arrangements;
    double two_sided, less, greater;
  };
  const Case cases[] = {
      {Design::independent, ind_x, ind_y, pardo::stats::mean_difference, -2.4599999999999995, 462,
       0.017316017316017316, 0.008658008658008658, 0.9935064935064936},
      {Design::paired, pair_x, pair_y, pardo::stats::mean_difference, 0.4125000000000001, 256,
       0.0546875, 0.98046875, 0.02734375},
      {Design::correlation, corr_x, corr_y, pardo::stats::pearson_r, 0.8590465379982941, 720,
       0.03888888888888889, 0.9861111111111112, 0.019444444444444445},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(to_string(c.design)));
    for (const auto& [alternative, expected] :
         {std::pair{Alternative::two_sided, c.two_sided}, std::pair{Alternative::less, c.less},
          std::pair{Alternative::greater, c.greater}}) {
      const auto r = run(c.x, c.y, c.statistic, {.design = c.design, .alternative = alternative});
      EXPECT_TRUE(r.exact);
      EXPECT_TRUE(r.run.complete);
      EXPECT_EQ(r.permutations, c.arrangements);
      EXPECT_DOUBLE_EQ(r.statistic, c.observed);
      EXPECT_EQ(r.p_value, expected) << to_string(alternative);
      EXPECT_EQ(r.std_error, 0.0);
    }
  }
}

// Every split of the pool counted by brute force over bit masks.
TEST(PermutationTest, ExactSplitsEnumerateEverySplitOnce) {
  const std::vector<double> x{0.3, 1.7, 2.2};
  const std::vector<double> y{1.1, 0.2, 3.9, 2.8};
  const auto r = run(
      x, y, pardo::stats::mean_difference,
      {.alternative = Alternative::greater, .block_permutations = 4, .keep_distribution = true});
  std::vector<double> pool(x);
  pool.insert(pool.end(), y.begin(), y.end());
  std::vector<double> expected;
  for (unsigned mask = 0; mask < 128; ++mask) {
    if (__builtin_popcount(mask) != 3) continue;
    std::vector<double> a, b;
    for (unsigned i = 0; i < 7; ++i) (mask >> i & 1u ? a : b).push_back(pool[i]);
    expected.push_back(pardo::stats::mean_difference(a, b));
  }
  ASSERT_EQ(r.null_distribution.size(), 35u);
  std::vector<double> got = r.null_distribution;
  std::sort(got.begin(), got.end());
  std::sort(expected.begin(), expected.end());
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_DOUBLE_EQ(got[i], expected[i]);
  EXPECT_EQ(r.run.blocks_total, 9u);
  EXPECT_EQ(r.greater_or_equal, static_cast<std::uint64_t>(std::count_if(
                                    expected.begin(), expected.end(),
                                    [&](double v) { return v >= r.statistic - 1e-14; })));
}

TEST(PermutationTest, ExactOrderingsAndSignPatternsCoverEveryArrangement) {
  const std::vector<double> x{1, 2, 3, 4};
  const std::vector<double> y{10, 20, 30, 40};
  // Both statistics tell every arrangement apart.
  const auto orderings =
      run(x, y, [](auto, auto b) { return b[0] + 1e2 * b[1] + 1e4 * b[2]; },
          {.design = Design::correlation, .block_permutations = 5, .keep_distribution = true});
  EXPECT_EQ(orderings.permutations, 24u);
  std::vector<double> seen = orderings.null_distribution;
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end()) << "a repeated ordering";

  const auto patterns =
      run(x, y, [](auto a, auto) { return a[0] + 2 * a[1] + 4 * a[2] + 8 * a[3]; },
          {.design = Design::paired, .block_permutations = 3, .keep_distribution = true});
  EXPECT_EQ(patterns.permutations, 16u);
  seen = patterns.null_distribution;
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end()) << "a repeated pattern";
}

TEST(PermutationTest, RandomizedPValueIsWithinMonteCarloErrorOfTheExactOne) {
  // 8 + 8 values: 12870 splits, 40320 orderings; 12 pairs: 4096 sign patterns.
  for (const Design design : {Design::independent, Design::paired, Design::correlation}) {
    const std::size_t n = design == Design::paired ? 12 : 8;
    const auto x = normal_sample(1, n, 0.8);
    const auto y = normal_sample(2, n, 0.0);
    const auto statistic =
        design == Design::correlation ? pardo::stats::pearson_r : pardo::stats::mean_difference;
    const auto exact = run(x, y, statistic, {.design = design, .permutations = 50'000});
    ASSERT_TRUE(exact.exact);
    const auto sampled = run(x, y, statistic, {.design = design, .permutations = 4'000});
    ASSERT_FALSE(sampled.exact);
    EXPECT_EQ(sampled.permutations, 4'000u);
    const double se = std::sqrt(exact.p_value * (1 - exact.p_value) / 4'000.0);
    EXPECT_NEAR(sampled.p_value, exact.p_value, 4 * se + 1.0 / 4'001) << to_string(design);
    EXPECT_NEAR(sampled.std_error, se, 0.2 * se + 1e-4);
  }
}

TEST(PermutationTest, TheObservedValueCountsOnceInARandomizedPValue) {
  const std::vector<double> x{10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21};
  const std::vector<double> y{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  const auto greater = run(x, y, pardo::stats::mean_difference,
                           {.alternative = Alternative::greater, .permutations = 999});
  EXPECT_EQ(greater.greater_or_equal, 0u);
  EXPECT_EQ(greater.p_value, 1.0 / 1000);
  const auto two_sided = run(x, y, pardo::stats::mean_difference, {.permutations = 999});
  EXPECT_EQ(two_sided.p_value, 2.0 / 1000);
  const auto less = run(x, y, pardo::stats::mean_difference,
                        {.alternative = Alternative::less, .permutations = 999});
  EXPECT_EQ(less.p_value, 1.0);
}

TEST(PermutationTest, MeanDifferenceFastPathAgreesWithTheGenericPath) {
  for (const auto& [nx, ny] : {std::pair{40, 60}, std::pair{75, 25}, std::pair{30, 30}}) {
    auto x = normal_sample(3, static_cast<std::size_t>(nx), 1e3 + 0.2);
    const auto y = normal_sample(4, static_cast<std::size_t>(ny), 1e3);
    const PermutationOptions options{
        .permutations = 3000, .block_permutations = 700, .keep_distribution = true};
    const auto fast = run(x, y, pardo::stats::mean_difference, options);
    const auto generic = run(x, y, mean_difference_generic, options);
    EXPECT_EQ(bits(fast.statistic), bits(generic.statistic));
    EXPECT_EQ(fast.less_or_equal, generic.less_or_equal);
    EXPECT_EQ(fast.greater_or_equal, generic.greater_or_equal);
    EXPECT_EQ(bits(fast.p_value), bits(generic.p_value));
    ASSERT_EQ(fast.null_distribution.size(), generic.null_distribution.size());
    for (std::size_t i = 0; i < fast.null_distribution.size(); ++i) {
      ASSERT_NEAR(fast.null_distribution[i], generic.null_distribution[i], 1e-10) << i;
    }
  }
}

TEST(PermutationTest, BitsDoNotDependOnTheBackendOrWorkerCount) {
  const auto x = normal_sample(5, 40, 0.3);
  const auto y = normal_sample(6, 40, 0.0);
  const std::vector<double> small_x(x.begin(), x.begin() + 6);
  const std::vector<double> small_y(y.begin(), y.begin() + 5);
  struct Case {
    const char* name;
    std::span<const double> x, y;
    double (*statistic)(std::span<const double>, std::span<const double>);
    PermutationOptions options;
  };
  const Case cases[] = {
      {"independent fast", x, y, pardo::stats::mean_difference, {}},
      {"independent generic", x, y, pardo::stats::t_statistic, {}},
      {"paired", x, y, pardo::stats::mean_difference, {.design = Design::paired}},
      {"correlation", x, y, pardo::stats::pearson_r, {.design = Design::correlation}},
      {"exact", small_x, small_y, mean_difference_generic, {.alternative = Alternative::less}},
  };
  for (const Case& c : cases) {
    PermutationOptions options = c.options;
    options.permutations = 2000;
    options.block_permutations = 300;
    options.keep_distribution = true;
    const auto results = pardo::test::on_every_backend([&](auto& executor) {
      return pardo::stats::permutation_test(
          executor, c.x, c.y,
          pardo::RemoteFunction<double(std::span<const double>, std::span<const double>)>(
              c.statistic),
          options);
    });
    const PermutationResult& first = results.front().second;
    EXPECT_TRUE(first.run.complete);
    EXPECT_GT(first.p_value, 0.0);
    for (const auto& [backend, r] : results) {
      EXPECT_EQ(bits(r.p_value), bits(first.p_value)) << c.name << " on " << backend;
      EXPECT_EQ(r.permutations, first.permutations) << c.name << " on " << backend;
      ASSERT_EQ(r.null_distribution.size(), first.null_distribution.size());
      for (std::size_t i = 0; i < r.null_distribution.size(); ++i) {
        ASSERT_EQ(bits(r.null_distribution[i]), bits(first.null_distribution[i]))
            << c.name << " on " << backend << " at " << i;
      }
    }
  }
}

TEST(PermutationTest, GroupsSharedWithWorkerProcessesGiveTheSameBits) {
  // Over BlockData's threshold x and y reach worker processes through one shared segment.
  const std::size_t n = pardo::BlockData::share_threshold_bytes / 8;
  const auto x = normal_sample(31, n, 0.02);
  const auto y = normal_sample(32, n + 3, 0.0);
  for (const Design design : {Design::independent, Design::correlation}) {
    const std::span<const double> ys = design == Design::correlation
                                           ? std::span<const double>(y).first(n)
                                           : std::span<const double>(y);
    const auto statistic =
        design == Design::correlation ? pardo::stats::pearson_r : pardo::stats::mean_difference;
    const PermutationOptions options{
        .design = design, .permutations = 300, .block_permutations = 40, .keep_distribution = true};
    const auto results = pardo::test::on_every_backend([&](auto& executor) {
      return pardo::stats::permutation_test(
          executor, x, ys,
          pardo::RemoteFunction<double(std::span<const double>, std::span<const double>)>(
              statistic),
          options);
    });
    const PermutationResult& first = results.front().second;
    ASSERT_EQ(first.null_distribution.size(), 300u);
    for (const auto& [backend, r] : results) {
      EXPECT_EQ(bits(r.p_value), bits(first.p_value)) << backend;
      EXPECT_EQ(r.null_distribution, first.null_distribution) << backend;
    }
  }
}

TEST(PermutationTest, AnyCallableIsAStatisticInProcess) {
  pardo::ThreadPool pool(2);
  const double offset = 0.5;
  const auto r = pardo::stats::permutation_test(
      pool, std::span<const double>(ind_x), std::span<const double>(ind_y),
      [offset](std::span<const double> a, std::span<const double> b) {
        return pardo::stats::median(a) - pardo::stats::median(b) + offset;
      },
      {.alternative = Alternative::less});
  EXPECT_TRUE(r.exact);
  EXPECT_DOUBLE_EQ(r.statistic, 3.4 - 5.75 + 0.5);
  EXPECT_GT(r.p_value, 0.0);
  EXPECT_LT(r.p_value, 0.1);
}

TEST(PermutationTest, AStoppedRunIsPartial) {
  const auto x = normal_sample(7, 30, 0.0);
  const auto y = normal_sample(8, 30, 0.0);
  std::stop_source stop;
  stop.request_stop();
  pardo::SerialExecutor serial;
  const auto r = pardo::stats::permutation_test(serial, x, y, pardo::stats::mean_difference,
                                                {.permutations = 5000}, {.stop = stop.get_token()});
  EXPECT_FALSE(r.run.complete);
  EXPECT_EQ(r.run.blocks_done, 0u);
  EXPECT_EQ(r.run.blocks_total, 5u);
  EXPECT_TRUE(std::isnan(r.p_value));
}

TEST(PermutationTest, AStopTakesEffectAtTheNextPermutationOfASlowStatistic) {
  const auto x = normal_sample(7, 30, 0.0);
  const auto y = normal_sample(8, 30, 0.0);
  // Each permutation takes 2 ms: a stop looked at every 1024 of them would wait 2 s.
  const auto slow_difference = [](std::span<const double> a, std::span<const double> b) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return pardo::stats::mean_difference(a, b);
  };
  for (const std::size_t workers : {std::size_t{1}, std::size_t{2}, std::size_t{8}}) {
    pardo::ThreadPool pool(workers);
    const auto [r, seconds] = pardo::test::stopped_after_100ms([&](std::stop_token stop) {
      return pardo::stats::permutation_test(
          pool, x, y, slow_difference, {.permutations = 100'000, .block_permutations = 100'000},
          {.stop = stop});
    });
    EXPECT_LT(seconds, pardo::test::stop_latency_bound) << workers;
    EXPECT_FALSE(r.run.complete) << workers;
    EXPECT_LT(r.permutations, 100'000u) << workers;
  }
}

TEST(PermutationTest, ReadyMadeStatisticsMatchScipy) {
  EXPECT_DOUBLE_EQ(pardo::stats::t_statistic(ind_x, ind_y), -3.1646143145617893);
  EXPECT_DOUBLE_EQ(pardo::stats::pearson_r(corr_x, corr_y), 0.8590465379982941);
  EXPECT_DOUBLE_EQ(pardo::stats::mean_difference(ind_x, ind_y), -2.4599999999999995);
}

TEST(PermutationTest, BadInputIsRejectedByName) {
  const std::vector<double> ok{1, 2, 3};
  const std::vector<double> one{1};
  const std::vector<double> with_nan{1, std::nan(""), 3};
  const std::vector<double> four{1, 2, 3, 4};
  const auto stat = pardo::stats::mean_difference;
  EXPECT_THAT([&] { run(one, ok, stat, {}); },
              ThrowsMessage<std::invalid_argument>(HasSubstr("permutation_test: x has 1 value")));
  EXPECT_THAT([&] { run(ok, {}, stat, {}); },
              ThrowsMessage<std::invalid_argument>(HasSubstr("y has 0 values")));
  EXPECT_THAT([&] { run(ok, with_nan, stat, {}); },
              ThrowsMessage<std::invalid_argument>(HasSubstr("y[1] is nan")));
  EXPECT_THAT([&] { run(ok, ok, stat, {.permutations = 0}); },
              ThrowsMessage<std::invalid_argument>(HasSubstr("permutations is 0")));
  EXPECT_THAT([&] { run(ok, ok, stat, {.block_permutations = 0}); },
              ThrowsMessage<std::invalid_argument>(HasSubstr("block_permutations is 0")));
  for (const Design design : {Design::paired, Design::correlation}) {
    EXPECT_THAT([&] { run(ok, four, stat, {.design = design}); },
                ThrowsMessage<std::invalid_argument>(
                    HasSubstr("x has 3 values but y has 4; they must match")));
  }
  EXPECT_NO_THROW(run(ok, four, stat, {}));
}

// Issue 15: a statistic that is NaN or infinite on the data used to give "p-value 0 (exact)".
TEST(PermutationTest, ANonFiniteObservedStatisticIsAnErrorNamingIt) {
  const std::vector<double> constant{3, 3, 3, 3};
  const std::vector<double> ramp{1, 2, 3, 4};
  struct Case {
    Design design;
    const std::vector<double>& x;
    const std::vector<double>& y;
    StatisticFn statistic;
    const char* message;
  };
  const Case cases[] = {
      {Design::independent, constant, constant, pardo::stats::t_statistic,
       "permutation_test: statistic t_statistic is nan on the observed data (both groups are "
       "constant?)"},
      {Design::paired, constant, constant, pardo::stats::t_statistic,
       "statistic t_statistic is nan on the observed data"},
      {Design::correlation, constant, ramp, pardo::stats::pearson_r,
       "statistic pearson_r is nan on the observed data (is x or y constant?)"},
  };
  for (const Case& c : cases) {
    for (const auto& [backend, message] :
         errors_on_every_backend(c.x, c.y, c.statistic, {.design = c.design})) {
      EXPECT_THAT(message, HasSubstr(c.message)) << to_string(c.design) << " on " << backend;
    }
  }
  // The difference of two means near 1e308 is beyond double precision: +inf.
  const std::vector<double> huge{1e308, 1.5e308, 1.7e308};
  const std::vector<double> minus_huge{-1e308, -1.5e308, -1.7e308};
  EXPECT_THAT([&] { run(huge, minus_huge, pardo::stats::mean_difference, {}); },
              ThrowsMessage<std::invalid_argument>(
                  HasSubstr("statistic mean_difference is inf on the observed data")));
  // An unregistered callable is "the statistic".
  EXPECT_THAT(
      [&] {
        run(ramp, ramp, [](std::span<const double>, std::span<const double>) { return -1 / 0.0; },
            {});
      },
      ThrowsMessage<std::invalid_argument>(
          HasSubstr("the statistic is -inf on the observed data")));
}

TEST(PermutationTest, NanOnSomeArrangementsIsAnErrorCountingThem) {
  // Pool {2, 1, 3, 4, 5, 6}: x's group starts with the 1 in the C(4, 2) = 6 of the C(6, 3) =
  // 20 splits that take position 1 but not position 0.
  const std::vector<double> x{2, 1, 3};
  const std::vector<double> y{4, 5, 6};
  for (const auto& [backend, message] : errors_on_every_backend(x, y, nan_when_one_leads, {})) {
    EXPECT_THAT(message, HasSubstr("permutation_test: statistic nan_when_one_leads is nan on 6 "
                                   "of 20 arrangements"))
        << backend;
  }
  // Randomized: some of the 500 permutations, the same count everywhere.
  const auto randomized =
      errors_on_every_backend(x, y, nan_when_one_leads, {.permutations = 10, .seed = 3});
  for (const auto& [backend, message] : randomized) {
    EXPECT_THAT(message, HasSubstr(" of 10 permutations")) << backend;
    EXPECT_EQ(message, randomized.front().second) << backend;
  }
}

TEST(PermutationTest, InfiniteValuesOnArrangementsAreTheMostExtreme) {
  // Splits into {1, 1, 1, 1} and {2, 2, 2, 2} give t = -inf and +inf: ordered values, as
  // in scipy, each counted in one tail.
  const std::vector<double> x{1, 2, 1, 2};
  const auto r = run(x, x, pardo::stats::t_statistic, {.keep_distribution = true});
  EXPECT_TRUE(r.exact);
  EXPECT_EQ(r.permutations, 70u);
  EXPECT_EQ(std::count(r.null_distribution.begin(), r.null_distribution.end(), -INFINITY), 1);
  EXPECT_EQ(std::count(r.null_distribution.begin(), r.null_distribution.end(), INFINITY), 1);
  EXPECT_DOUBLE_EQ(r.p_value, 1.0);
  const auto greater = run(std::vector<double>{2, 2, 2, 2}, std::vector<double>{1, 1, 1, 1},
                           pardo::stats::mean_difference, {.alternative = Alternative::greater});
  EXPECT_DOUBLE_EQ(greater.p_value, 1.0 / 70);
}

// Data near 1e308: t is scale-free and computed without overflow, so a test of x 2^1000
// gives the same statistic and p-value as one of x, on every backend.
TEST(PermutationTest, DataNearTheLimitsOfDoublePrecisionGiveTheScaledResult) {
  const auto x = normal_sample(11, 12, 0.8);
  const auto y = normal_sample(12, 15, 0.0);
  const auto scale = [](const std::vector<double>& v, int exponent) {
    std::vector<double> out(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) out[i] = std::ldexp(v[i], exponent);
    return out;
  };
  const auto big_x = scale(x, 1020);
  const auto big_y = scale(y, 1020);
  EXPECT_EQ(bits(pardo::stats::t_statistic(big_x, big_y)), bits(pardo::stats::t_statistic(x, y)));
  const PermutationOptions options{.permutations = 999, .block_permutations = 100};
  const auto small = run(x, y, pardo::stats::t_statistic, options);
  const auto results = pardo::test::on_every_backend([&](auto& executor) {
    return pardo::stats::permutation_test(executor, big_x, big_y,
                                          RemoteStatistic(pardo::stats::t_statistic), options);
  });
  for (const auto& [backend, r] : results) {
    EXPECT_EQ(bits(r.statistic), bits(small.statistic)) << backend;
    EXPECT_EQ(bits(r.p_value), bits(small.p_value)) << backend;
  }
  // mean_difference's fast path would overflow centring these: the generic path takes over,
  // and the p-value is the one of the scaled-down data.
  const auto wide_x = scale(x, 1021);
  const auto wide_y = scale(y, 1021);
  const auto wide = run(wide_x, wide_y, pardo::stats::mean_difference, options);
  const auto narrow = run(x, y, pardo::stats::mean_difference, options);
  EXPECT_TRUE(std::isfinite(wide.statistic));
  EXPECT_EQ(bits(wide.statistic), bits(std::ldexp(narrow.statistic, 1021)));
  EXPECT_EQ(wide.p_value, narrow.p_value);
}

// The size of the test: under the null, P(p <= 0.05) is 0.05 (exactly, for a one-sided
// randomized test with 199 permutations and continuous data). 2000 replications on one
// serial executor, as a power simulation calls it.
TEST(PermutationTest, CoverageSizeUnderTheNullIsTheNominalLevel) {
  constexpr int replications = 2000;
  pardo::SerialExecutor serial;
  pardo::random::Stream data(99, 0);
  for (const Alternative alternative : {Alternative::greater, Alternative::two_sided}) {
    int rejections = 0;
    for (int rep = 0; rep < replications; ++rep) {
      std::vector<double> x(10);
      std::vector<double> y(12);
      for (double& v : x) v = pardo::random::normal(data);
      for (double& v : y) v = pardo::random::normal(data);
      const auto r = pardo::stats::permutation_test(serial, x, y, pardo::stats::mean_difference,
                                                    {.alternative = alternative,
                                                     .permutations = 199,
                                                     .seed = static_cast<std::uint64_t>(rep)});
      rejections += r.p_value <= 0.05 ? 1 : 0;
    }
    const double rate = rejections / static_cast<double>(replications);
    const double se = std::sqrt(0.05 * 0.95 / replications);
    EXPECT_NEAR(rate, 0.05, 4 * se) << to_string(alternative);
  }
}

}  // namespace
