// Monte Carlo integration: known integrals within their Monte Carlo error, stratification
// and the adaptive mode doing what they promise, the same bits on every backend.

#include <gmock/gmock.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <pardo/mc/integrate.hpp>
#include <span>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "stats_support.hpp"

namespace {

using pardo::mc::Box;
using pardo::mc::IntegrateOptions;
using pardo::mc::IntegrateResult;
using pardo::mc::IntegrationMethod;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;
namespace integrands = pardo::mc::integrands;

// The unit ball evaluated in batches: the same values as integrands::unit_ball.
void ball_batch(std::span<const double> points, std::span<double> values) {
  const std::size_t dim = points.size() / values.size();
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i] = integrands::unit_ball(points.subspan(i * dim, dim));
  }
}
PARDO_REMOTE_FUNCTION(ball_batch);

// A discontinuous integrand: 1 below the plane sum x = 1.3.
double below_plane(std::span<const double> x) {
  double s = 0;
  for (const double xi : x) s += xi;
  return s <= 1.3 ? 1.0 : 0.0;
}

// P(U_1 + ... + U_d <= t) for independent uniforms: the Irwin-Hall distribution function.
double irwin_hall_cdf(double t, int d) {
  double sum = 0;
  double binomial = 1;
  for (int k = 0; k <= static_cast<int>(std::floor(t)); ++k) {
    sum += (k % 2 == 0 ? 1 : -1) * binomial * std::pow(t - k, d);
    binomial = binomial * (d - k) / (k + 1);
  }
  return sum / std::tgamma(d + 1);
}

double not_finite_at_origin(std::span<const double> x) { return x[0] < 0.5 ? std::nan("") : 1.0; }
PARDO_REMOTE_FUNCTION(not_finite_at_origin);

void expect_near_truth(const IntegrateResult& r, double truth, const std::string& what) {
  EXPECT_LT(std::abs(r.estimate - truth), 4 * r.std_error) << what;
  EXPECT_GT(r.std_error, 0) << what;
  EXPECT_EQ(r.interval.low, r.estimate - 1.959963984540054 * r.std_error) << what;
  EXPECT_EQ(r.interval.high, r.estimate + 1.959963984540054 * r.std_error) << what;
  EXPECT_EQ(r.interval.level, 0.95) << what;
}

TEST(Integrate, BallVolumesFromTwoToTenDimensions) {
  pardo::ThreadPool pool(2);
  int covered = 0;
  for (std::size_t d = 2; d <= 10; ++d) {
    const double truth = integrands::unit_ball_volume(d);
    const auto r = pardo::mc::integrate(pool, integrands::unit_ball, Box::cube(d, -1, 1),
                                        {.samples = 200'000, .seed = d});
    expect_near_truth(r, truth, "d = " + std::to_string(d));
    covered += r.interval.contains(truth) ? 1 : 0;
    EXPECT_EQ(r.samples, 200'000u);
    EXPECT_TRUE(r.run.complete);
    EXPECT_FALSE(r.tolerance_met);
  }
  // Nine 95% intervals: fewer than 7 covering has probability 0.008.
  EXPECT_GE(covered, 7);
}

TEST(Integrate, KnownExactValues) {
  EXPECT_DOUBLE_EQ(integrands::unit_ball_volume(2), M_PI);
  EXPECT_DOUBLE_EQ(integrands::unit_ball_volume(3), 4 * M_PI / 3);
  EXPECT_DOUBLE_EQ(integrands::cross_polytope_volume(3), 8.0 / 6);
  EXPECT_NEAR(integrands::gaussian_integral(Box::cube(2, -10, 10)), M_PI, 1e-14);
  EXPECT_NEAR(integrands::gaussian_integral(Box{{1, 1}, {30, 30}}),
              M_PI / 4 * std::erfc(1) * std::erfc(1), 1e-16);
  EXPECT_NEAR(integrands::cosine_integral(Box::cube(1, 0, 1)), std::sin(1.0), 1e-15);
  EXPECT_NEAR(integrands::cosine_integral(Box::cube(2, 0, 1)), 2 * std::cos(1) - std::cos(2) - 1,
              1e-15);
}

TEST(Integrate, GaussianIntegral) {
  pardo::ThreadPool pool(2);
  const Box box{{-2, -1, 0, -3}, {2, 1.5, 3, 0.5}};
  const double truth = integrands::gaussian_integral(box);
  for (const auto method : {IntegrationMethod::plain, IntegrationMethod::stratified}) {
    const auto r = pardo::mc::integrate(pool, integrands::gaussian, box,
                                        {.samples = 400'000, .seed = 3, .method = method});
    expect_near_truth(r, truth, std::string(pardo::mc::to_string(method)));
  }
}

TEST(Integrate, DiscontinuousIntegrands) {
  pardo::ThreadPool pool(2);
  const double plane = irwin_hall_cdf(1.3, 3);
  EXPECT_NEAR(irwin_hall_cdf(0.5, 1), 0.5, 1e-15);
  const double diamond = integrands::cross_polytope_volume(4);
  for (const auto method : {IntegrationMethod::plain, IntegrationMethod::stratified}) {
    const IntegrateOptions options{.samples = 300'000, .seed = 5, .method = method};
    const auto r = pardo::mc::integrate(pool, below_plane, Box::cube(3, 0, 1), options);
    expect_near_truth(r, plane, "plane " + std::string(pardo::mc::to_string(method)));
    const auto s =
        pardo::mc::integrate(pool, integrands::cross_polytope, Box::cube(4, -1, 1), options);
    expect_near_truth(s, diamond, "cross-polytope " + std::string(pardo::mc::to_string(method)));
  }
}

TEST(Integrate, StratifiedBeatsPlainOnASmoothIntegrand) {
  pardo::ThreadPool pool(2);
  const Box box = Box::cube(2, -1, 2);
  const double truth = integrands::cosine_integral(box);
  const auto plain = pardo::mc::integrate(pool, integrands::cosine, box, {.samples = 200'000});
  const auto strat = pardo::mc::integrate(
      pool, integrands::cosine, box,
      {.samples = 200'000, .method = IntegrationMethod::stratified, .strata = 1024});
  expect_near_truth(plain, truth, "plain");
  expect_near_truth(strat, truth, "stratified");
  EXPECT_EQ(plain.strata, 1u);
  EXPECT_EQ(strat.strata, 32u * 32u);
  EXPECT_EQ(strat.samples, 200'000u / 1024 * 1024);
  // On a 32 x 32 grid a smooth f varies by O(1/32) within a cell: far less spread.
  EXPECT_LT(strat.std_error, plain.std_error / 10);
}

TEST(Integrate, StratifiedGridShapes) {
  pardo::SerialExecutor serial;
  const auto one = [](std::span<const double>) { return 1.0; };
  const auto strata = [&](std::size_t d, std::uint64_t cells, std::uint64_t samples) {
    return pardo::mc::integrate(
               serial, one, Box::cube(d, 0, 1),
               {.samples = samples, .method = IntegrationMethod::stratified, .strata = cells})
        .strata;
  };
  EXPECT_EQ(strata(1, 1024, 100'000), 1024u);
  EXPECT_EQ(strata(3, 1024, 100'000), 1000u);   // 10 per axis
  EXPECT_EQ(strata(10, 1024, 100'000), 1024u);  // 2 per axis
  EXPECT_EQ(strata(12, 1024, 100'000), 1024u);  // the first 10 axes cut in 2
  EXPECT_EQ(strata(2, 1024, 100), 49u);         // at least two points per cell
  EXPECT_EQ(strata(2, 1, 100), 1u);
  // A constant integrates exactly, with no error.
  const auto r = pardo::mc::integrate(serial, one, Box::cube(3, 0, 2),
                                      {.method = IntegrationMethod::stratified});
  EXPECT_EQ(r.estimate, 8.0);
  EXPECT_EQ(r.std_error, 0.0);
}

TEST(Integrate, AdaptiveStopsOnceTheToleranceIsMet) {
  pardo::ThreadPool pool(2);
  const Box box = Box::cube(3, -1, 1);
  const double truth = integrands::gaussian_integral(box);
  const auto r = pardo::mc::integrate(pool, integrands::gaussian, box,
                                      {.samples = 100'000'000, .seed = 11, .rel_tol = 2e-3});
  EXPECT_TRUE(r.tolerance_met);
  EXPECT_TRUE(r.run.complete);
  EXPECT_LE(r.interval.high - r.estimate, 2e-3 * r.estimate);
  EXPECT_GT(r.rounds, 1u);
  EXPECT_LT(r.samples, 5'000'000u);
  EXPECT_LT(r.run.blocks_done, r.run.blocks_total);
  expect_near_truth(r, truth, "adaptive");

  const auto a = pardo::mc::integrate(pool, integrands::gaussian, box,
                                      {.samples = 100'000'000,
                                       .seed = 11,
                                       .method = IntegrationMethod::stratified,
                                       .rel_tol = 2e-3});
  EXPECT_TRUE(a.tolerance_met);
  EXPECT_LE(a.interval.high - a.estimate, 2e-3 * a.estimate);
  EXPECT_LT(a.samples, r.samples) << "stratification needs fewer points";

  const auto b = pardo::mc::integrate(pool, integrands::gaussian, box,
                                      {.samples = 100'000'000, .seed = 11, .abs_tol = 2e-3});
  EXPECT_TRUE(b.tolerance_met);
  EXPECT_LE(b.interval.high - b.estimate, 2e-3);
  EXPECT_GT(b.samples, r.samples) << "2e-3 absolute is tighter than 2e-3 relative to 3.3";
  expect_near_truth(b, truth, "adaptive absolute");
  expect_near_truth(a, truth, "adaptive stratified");
}

TEST(Integrate, AdaptiveReportsAnExhaustedBudget) {
  pardo::ThreadPool pool(2);
  const Box box = Box::cube(2, -1, 1);
  const auto r = pardo::mc::integrate(pool, integrands::unit_ball, box,
                                      {.samples = 100'000, .seed = 4, .abs_tol = 1e-9});
  EXPECT_FALSE(r.tolerance_met);
  EXPECT_TRUE(r.run.complete);
  EXPECT_EQ(r.samples, 100'000u);
  EXPECT_EQ(r.run.blocks_done, r.run.blocks_total);
  // Having run every block, it is the fixed run of the whole budget, bit for bit.
  const auto fixed =
      pardo::mc::integrate(pool, integrands::unit_ball, box, {.samples = 100'000, .seed = 4});
  EXPECT_EQ(pardo::test::bits(r.estimate), pardo::test::bits(fixed.estimate));
  EXPECT_EQ(pardo::test::bits(r.std_error), pardo::test::bits(fixed.std_error));
  EXPECT_EQ(fixed.rounds, 1u);
}

// Issue 15: a ball in 20 dimensions fills 2.5e-8 of its cube, so a million points miss it;
// 0 +- 0 used to count as a met tolerance.
TEST(Integrate, TooFewNonZeroValuesNeverMeetATolerance) {
  const Box box = Box::cube(20, -1, 1);
  const IntegrateOptions options{.samples = 1'000'000, .seed = 3, .rel_tol = 0.01};
  const auto results = pardo::test::on_every_backend([&](auto& executor) {
    return pardo::mc::integrate(executor, pardo::mc::ScalarIntegrand(integrands::unit_ball), box,
                                options);
  });
  for (const auto& [name, r] : results) {
    EXPECT_FALSE(r.tolerance_met) << name;
    EXPECT_EQ(r.samples, 1'000'000u) << name << ": the whole budget";
    EXPECT_LT(r.nonzero_samples, pardo::mc::min_nonzero_samples) << name;
    EXPECT_THAT(r.warning, HasSubstr("points, fewer than 30: the estimate and its standard error "
                                     "carry no information"))
        << name;
    EXPECT_EQ(r.warning, results.front().second.warning) << name;
    EXPECT_EQ(pardo::test::bits(r.estimate), pardo::test::bits(results.front().second.estimate));
  }
  // A fixed run says so too; a run with enough hits has no warning.
  pardo::ThreadPool pool(2);
  const auto fixed = pardo::mc::integrate(pool, integrands::unit_ball, box, {.samples = 100'000});
  EXPECT_EQ(fixed.nonzero_samples, 0u);
  EXPECT_THAT(fixed.warning, HasSubstr("f is not zero at only 0 of 100000 points"));
  const auto ok = pardo::mc::integrate(pool, integrands::unit_ball, Box::cube(3, -1, 1),
                                       {.samples = 1'000'000, .rel_tol = 0.01});
  EXPECT_TRUE(ok.tolerance_met);
  EXPECT_EQ(ok.warning, "");
  EXPECT_GE(ok.nonzero_samples, pardo::mc::min_nonzero_samples);
  // A region the first round hits about 7 times, whose half-width would already be within a
  // loose tolerance: the run goes on until enough points hit.
  const Box wide = Box::cube(2, -120, 120);
  const auto rare = pardo::mc::integrate(pool, integrands::unit_ball, wide,
                                         {.samples = 100'000'000, .seed = 1, .rel_tol = 1.0});
  EXPECT_TRUE(rare.tolerance_met);
  EXPECT_GE(rare.nonzero_samples, pardo::mc::min_nonzero_samples);
  EXPECT_GT(rare.rounds, 1u);
  expect_near_truth(rare, std::numbers::pi, "rare");
}

TEST(Integrate, ScalarAndBatchIntegrandsGiveTheSameBits) {
  pardo::ThreadPool pool(2);
  const Box box = Box::cube(4, -1, 1);
  const IntegrateOptions options{.samples = 50'001, .block_samples = 1000};
  const auto scalar = pardo::mc::integrate(pool, integrands::unit_ball, box, options);
  const auto batch = pardo::mc::integrate(pool, ball_batch, box, options);
  const auto lambda = pardo::mc::integrate(
      pool, [](std::span<const double> x) { return integrands::unit_ball(x); }, box, options);
  EXPECT_EQ(pardo::test::bits(scalar.estimate), pardo::test::bits(batch.estimate));
  EXPECT_EQ(pardo::test::bits(scalar.std_error), pardo::test::bits(batch.std_error));
  EXPECT_EQ(pardo::test::bits(scalar.estimate), pardo::test::bits(lambda.estimate));
  EXPECT_EQ(scalar.samples, 50'001u);
  EXPECT_EQ(scalar.run.blocks_total, 51u);
}

struct Bits {
  std::vector<std::uint64_t> values;
  friend bool operator==(const Bits&, const Bits&) = default;
};

TEST(Integrate, SameBitsOnEveryBackend) {
  const Box box{{-1, -1, -1}, {1, 1, 1.5}};
  const auto results = pardo::test::on_every_backend([&](auto& executor) {
    Bits bits;
    const auto add = [&](const IntegrateResult& r) {
      bits.values.insert(bits.values.end(),
                         {pardo::test::bits(r.estimate), pardo::test::bits(r.std_error), r.samples,
                          r.run.blocks_done, r.rounds, r.tolerance_met ? 1u : 0u});
    };
    const pardo::mc::ScalarIntegrand ball(integrands::unit_ball);
    add(pardo::mc::integrate(executor, ball, box,
                             {.samples = 100'003, .seed = 9, .block_samples = 4096}));
    add(pardo::mc::integrate(executor, pardo::mc::BatchIntegrand(ball_batch), box,
                             {.samples = 100'003,
                              .seed = 9,
                              .method = IntegrationMethod::stratified,
                              .strata = 100,
                              .block_samples = 4096}));
    add(pardo::mc::integrate(executor, integrands::gaussian, box,
                             {.samples = 10'000'000, .block_samples = 2048, .rel_tol = 5e-3}));
    return bits;
  });
  ASSERT_EQ(results.size(), 6u);
  for (const auto& [name, bits] : results) {
    EXPECT_EQ(bits, results.front().second) << name << " differs from serial";
  }
  EXPECT_EQ(results.front().second.values[17], 1u) << "the adaptive run met its tolerance";
}

TEST(Integrate, AStopInsideABlockOfASlowIntegrandTakesEffectWithinAChunk) {
  // 10^6 points of 100 us each in one block: unstopped, minutes; the stop is looked at every
  // 512 points (about 50 ms here).
  const auto slow = [](std::span<const double> point) {
    std::this_thread::sleep_for(std::chrono::microseconds(100));
    return point[0];
  };
  for (const std::size_t workers : {std::size_t{1}, std::size_t{2}, std::size_t{8}}) {
    pardo::ThreadPool pool(workers);
    const auto [r, seconds] = pardo::test::stopped_after_100ms([&](std::stop_token stop) {
      return pardo::mc::integrate(pool, slow, Box::cube(2, 0, 1),
                                  {.samples = 1'000'000, .block_samples = 1'000'000},
                                  {.stop = stop});
    });
    EXPECT_LT(seconds, pardo::test::stop_latency_bound) << workers;
    EXPECT_FALSE(r.run.complete) << workers;
    EXPECT_EQ(r.run.blocks_done, 0u) << workers;
  }
}

TEST(Integrate, CountsBlocksAndStopsOnRequest) {
  pardo::ThreadPool pool(2);
  pardo::Progress progress;
  const auto r =
      pardo::mc::integrate(pool, integrands::unit_ball, Box::cube(2, -1, 1),
                           {.samples = 100'000, .block_samples = 10'000}, {.progress = &progress});
  EXPECT_EQ(progress.snapshot().done, 100'000u);
  EXPECT_EQ(progress.snapshot().total, 100'000u);
  EXPECT_EQ(progress.snapshot().unit, "samples");
  EXPECT_EQ(r.run.blocks_done, 10u);
  EXPECT_EQ(pardo::mc::integration_blocks(Box::cube(2, -1, 1),
                                          {.samples = 100'000, .block_samples = 10'000}),
            10u);

  std::stop_source stop;
  stop.request_stop();
  const auto s = pardo::mc::integrate(pool, integrands::unit_ball, Box::cube(2, -1, 1),
                                      {.samples = 100'000}, {.stop = stop.get_token()});
  EXPECT_FALSE(s.run.complete);
  EXPECT_EQ(s.samples, 0u);
  EXPECT_TRUE(std::isnan(s.estimate));
}

TEST(Integrate, RejectsBadInputNamingTheValue) {
  pardo::SerialExecutor serial;
  const auto fails = [&](const Box& box, const IntegrateOptions& options) {
    return [&serial, box, options] {
      pardo::mc::integrate(serial, integrands::unit_ball, box, options);
    };
  };
  const Box good = Box::cube(2, 0, 1);
  EXPECT_THAT(fails(Box{}, {}), ThrowsMessage<std::invalid_argument>(
                                    HasSubstr("integrate: box.lower has 0 values; at least 1")));
  EXPECT_THAT(fails(Box{{0, 0}, {1}}, {}), ThrowsMessage<std::invalid_argument>(HasSubstr(
                                               "box.lower has 2 values but box.upper has 1")));
  EXPECT_THAT(fails(Box{{0, NAN}, {1, 1}}, {}),
              ThrowsMessage<std::invalid_argument>(HasSubstr("box.lower[1] is nan")));
  EXPECT_THAT(fails(Box{{0, 0}, {1, INFINITY}}, {}),
              ThrowsMessage<std::invalid_argument>(HasSubstr("box.upper[1] is inf")));
  EXPECT_THAT(fails(Box{{0, 2}, {1, 2}}, {}),
              ThrowsMessage<std::invalid_argument>(
                  HasSubstr("box.lower[1] = 2 is not below box.upper[1] = 2")));
  EXPECT_THAT(fails(Box{{0, 3}, {1, 2}}, {}),
              ThrowsMessage<std::invalid_argument>(HasSubstr("box.lower[1] = 3 is not below")));
  EXPECT_THAT(fails(Box::cube(3, -1e300, 1e300), {}),
              ThrowsMessage<std::invalid_argument>(HasSubstr("the box's volume is inf")));
  EXPECT_THAT(fails(good, {.samples = 0}),
              ThrowsMessage<std::invalid_argument>(HasSubstr("integrate: samples is 0")));
  EXPECT_THAT(fails(good, {.samples = 1}),
              ThrowsMessage<std::invalid_argument>(HasSubstr("samples is 1; at least 2")));
  EXPECT_THAT(fails(good, {.block_samples = 0}),
              ThrowsMessage<std::invalid_argument>(HasSubstr("block_samples is 0")));
  EXPECT_THAT(fails(good, {.strata = 0}),
              ThrowsMessage<std::invalid_argument>(HasSubstr("strata is 0")));
  EXPECT_THAT(
      fails(good, {.abs_tol = 0.0}),
      ThrowsMessage<std::invalid_argument>(HasSubstr("abs_tol is 0; it must be finite and > 0")));
  EXPECT_THAT(fails(good, {.rel_tol = -1e-3}),
              ThrowsMessage<std::invalid_argument>(HasSubstr("rel_tol is -0.001")));
  EXPECT_THAT(fails(good, {.rel_tol = NAN}),
              ThrowsMessage<std::invalid_argument>(HasSubstr("rel_tol is nan")));
  EXPECT_THAT(fails(good, {.method = static_cast<IntegrationMethod>(7)}),
              ThrowsMessage<std::invalid_argument>(HasSubstr("unknown method 7")));
  EXPECT_THAT(
      [&] { pardo::mc::integrate(serial, pardo::mc::ScalarIntegrand(), good); },
      ThrowsMessage<std::invalid_argument>(HasSubstr("the integrand is an empty RemoteFunction")));
  EXPECT_THAT(
      [] {
        (void)integrands::gaussian_integral(Box{{1}, {0}});
      },
      ThrowsMessage<std::invalid_argument>(HasSubstr("box.lower[0] = 1 is not below")));
  EXPECT_EQ(pardo::mc::parse_integration_method("plain"), IntegrationMethod::plain);
  EXPECT_EQ(pardo::mc::parse_integration_method("stratified"), IntegrationMethod::stratified);
  EXPECT_EQ(pardo::mc::parse_integration_method("vegas"), std::nullopt);
}

TEST(Integrate, ANonFiniteValueNamesThePoint) {
  const Box box{{0, 10}, {1, 11}};
  pardo::ThreadPool threads(2);
  EXPECT_THAT(
      [&] { pardo::mc::integrate(threads, not_finite_at_origin, box); },
      ThrowsMessage<std::domain_error>(HasSubstr("integrate: the integrand is nan at x = (0.")));
  pardo::ProcessPool processes(2);
  EXPECT_THAT([&] { pardo::mc::integrate(processes, not_finite_at_origin, box); },
              ThrowsMessage<pardo::RemoteError>(HasSubstr("the integrand is nan at x = (0.")));
}

// 95% intervals from 2000 independent runs, each on a few thousand points.
double coverage(IntegrationMethod method, double (*f)(std::span<const double>), const Box& box,
                double truth) {
  pardo::SerialExecutor serial;
  int covered = 0;
  constexpr int replications = 2000;
  for (int i = 0; i < replications; ++i) {
    const auto r = pardo::mc::integrate(
        serial, f, box,
        {.samples = 2000, .seed = static_cast<std::uint64_t>(i), .method = method, .strata = 64});
    covered += r.interval.contains(truth) ? 1 : 0;
  }
  return covered / static_cast<double>(replications);
}

TEST(Integrate, CoverageOfPlainIntervals) {
  const double c = coverage(IntegrationMethod::plain, integrands::unit_ball, Box::cube(3, -1, 1),
                            integrands::unit_ball_volume(3));
  EXPECT_NEAR(c, 0.95, 0.02);
}

TEST(Integrate, CoverageOfStratifiedIntervals) {
  const Box box = Box::cube(2, -1, 1.5);
  const double c = coverage(IntegrationMethod::stratified, integrands::gaussian, box,
                            integrands::gaussian_integral(box));
  EXPECT_NEAR(c, 0.95, 0.02);
}

}  // namespace
