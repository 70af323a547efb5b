// run_chains: the same draws on every backend, the right moments on targets whose moments
// are known, and bad input rejected by name.

#include <gmock/gmock.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <pardo/mcmc.hpp>
#include <span>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "stats_support.hpp"

namespace {

using pardo::mcmc::MetropolisOptions;
using pardo::test::bits;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

double half_normal(std::span<const double> theta) {
  return theta[0] >= 0 ? -0.5 * theta[0] * theta[0] : -std::numeric_limits<double>::infinity();
}
PARDO_REMOTE_FUNCTION(half_normal);

std::vector<std::uint64_t> all_bits(const pardo::mcmc::ChainsResult& r) {
  std::vector<std::uint64_t> out;
  for (const auto* v :
       {&r.draws, &r.mean, &r.sd, &r.mcse, &r.rhat, &r.ess, &r.acceptance_rate, &r.step_size}) {
    for (const double x : *v) out.push_back(bits(x));
  }
  return out;
}

// Means within 4 MCSE of the truth, R-hat below 1.01.
void expect_moments(const pardo::mcmc::ChainsResult& r, const pardo::mcmc::Moments& truth) {
  for (std::size_t k = 0; k < r.dim; ++k) {
    EXPECT_NEAR(r.mean[k], truth.mean[k], 4 * r.mcse[k]) << "parameter " << k;
    EXPECT_LT(r.rhat[k], 1.01) << "parameter " << k;
    EXPECT_GT(r.ess[k], 400) << "parameter " << k;
  }
}

TEST(Mcmc, DrawsAreBitIdenticalOnEveryBackend) {
  const std::vector<double> initial{0.0, 0.0, 0.0};
  const MetropolisOptions options{.chains = 5, .warmup = 200, .draws = 300, .seed = 3};
  const pardo::mcmc::LogDensity density(pardo::mcmc::correlated_normal);
  const auto results = pardo::test::on_every_backend(
      [&](auto& executor) { return pardo::mcmc::run_chains(executor, density, initial, options); });
  const auto reference = all_bits(results.front().second);
  EXPECT_EQ(results.front().second.draws.size(), 5u * 300u * 3u);
  for (const auto& [name, r] : results) {
    EXPECT_EQ(all_bits(r), reference) << name;
    EXPECT_TRUE(r.run.complete) << name;
    EXPECT_EQ(r.steps, 5u * 500u) << name;
  }
  // Any callable on threads: the same chains as the registered function.
  pardo::ThreadPool pool(2);
  const auto lambda = [](std::span<const double> t) { return pardo::mcmc::correlated_normal(t); };
  EXPECT_EQ(all_bits(pardo::mcmc::run_chains(pool, lambda, initial, options)), reference);
}

TEST(Mcmc, ChainCDependsOnTheSeedAndCAloneNotOnHowManyChainsRun) {
  pardo::ThreadPool pool(2);
  const std::vector<double> initial{0.5};
  const MetropolisOptions two{.chains = 2, .warmup = 50, .draws = 100, .seed = 9};
  MetropolisOptions four = two;
  four.chains = 4;
  const auto a = pardo::mcmc::run_chains(pool, half_normal, initial, two);
  const auto b = pardo::mcmc::run_chains(pool, half_normal, initial, four);
  ASSERT_EQ(b.draws.size(), 2 * a.draws.size());
  for (std::size_t i = 0; i < a.draws.size(); ++i) EXPECT_EQ(bits(a.draws[i]), bits(b.draws[i]));
  for (const double x : b.draws) EXPECT_GE(x, 0.0);  // -inf outside the support: never entered
}

TEST(Mcmc, CorrelatedNormalMeansAreWithinMonteCarloError) {
  pardo::ThreadPool pool(2);
  const std::vector<double> initial(4, 0.0);
  const auto r = pardo::mcmc::run_chains(pool, pardo::mcmc::correlated_normal, initial,
                                         {.chains = 4, .warmup = 2000, .draws = 20000, .seed = 1});
  expect_moments(r, pardo::mcmc::correlated_normal_moments(4));
  for (std::size_t k = 0; k < 4; ++k) EXPECT_NEAR(r.sd[k], 1.0, 0.1) << k;
  for (std::size_t c = 0; c < 4; ++c) {
    // The adaptation aims the expected acceptance at 0.234; the realised rate stays close.
    EXPECT_NEAR(r.acceptance_rate[c], 0.234, 0.05) << c;
    EXPECT_GT(r.step_size[c], 0.0) << c;
  }
}

TEST(Mcmc, BananaMeansAreWithinMonteCarloError) {
  pardo::ThreadPool pool(2);
  const std::vector<double> initial{0.0, 0.0};
  const auto r = pardo::mcmc::run_chains(pool, pardo::mcmc::banana, initial,
                                         {.chains = 4, .warmup = 2000, .draws = 50000, .seed = 2});
  expect_moments(r, pardo::mcmc::banana_moments(2));
}

TEST(Mcmc, ChainsStartedApartWithoutWarmupAreFlaggedByRhat) {
  pardo::SerialExecutor serial;
  const std::vector<std::vector<double>> inits{{-40.0}, {40.0}};
  const auto r = pardo::mcmc::run_chains(
      serial, half_normal, std::vector<std::vector<double>>{{1.0}, {30.0}},
      {.chains = 2, .warmup = 0, .draws = 40, .seed = 4, .step_size = 0.05});
  EXPECT_GT(r.rhat[0], 1.5);
  EXPECT_EQ(r.step_size[0], 0.05);  // no warm-up: the step is never adapted
  EXPECT_THROW((void)pardo::mcmc::run_chains(serial, half_normal, inits, {.chains = 2}),
               std::invalid_argument);  // -inf at the initial point of chain 0
}

TEST(Mcmc, ThinningKeepsEveryKthStep) {
  pardo::SerialExecutor serial;
  const std::vector<double> initial{1.0};
  const auto r = pardo::mcmc::run_chains(serial, half_normal, initial,
                                         {.chains = 3, .warmup = 10, .draws = 20, .thin = 5});
  EXPECT_EQ(r.draws.size(), 60u);
  EXPECT_EQ(r.draws_per_chain, 20u);
  EXPECT_EQ(r.steps, 3u * (10u + 100u));
}

TEST(Mcmc, ProgressAndStopGoThroughRunControl) {
  pardo::ThreadPool pool(2);
  const std::vector<double> initial{1.0};
  pardo::Progress progress;
  const pardo::mcmc::MetropolisOptions options{.chains = 6, .warmup = 1000, .draws = 3000};
  const auto r =
      pardo::mcmc::run_chains(pool, half_normal, initial, options, {.progress = &progress});
  EXPECT_TRUE(r.run.complete);
  // Sampling counted every step of every chain, then the diagnostics every parameter.
  const pardo::Progress::Snapshot s = progress.snapshot();
  EXPECT_EQ(s.phase, "diagnostics");
  EXPECT_EQ(s.unit, "parameters");
  EXPECT_EQ(s.done, 1u);
  EXPECT_EQ(s.total, 1u);
  EXPECT_EQ(s.phase_number, 2u);
  EXPECT_EQ(r.steps, 6u * (1000u + 3000u));
  std::stop_source stop;
  stop.request_stop();
  const auto stopped = pardo::mcmc::run_chains(pool, half_normal, initial, {.chains = 6},
                                               {.stop = stop.get_token()});
  EXPECT_FALSE(stopped.run.complete);
  EXPECT_EQ(stopped.chains, 0u);
  EXPECT_TRUE(std::isnan(stopped.mean[0]));
}

// A stop from another thread after 100 ms ends a run that would warm up for ever within
// half a second (one more for a loaded machine), keeping no chain.
template <class E>
void expect_stops_quickly(E& executor, const std::string& name) {
  const std::vector<double> initial{1.0, 1.0};
  const pardo::mcmc::LogDensity density(pardo::mcmc::correlated_normal);
  const auto [r, seconds] = pardo::test::stopped_after_100ms([&](std::stop_token stop) {
    return pardo::mcmc::run_chains(executor, density, initial,
                                   {.chains = 3, .warmup = std::uint64_t{1} << 50}, {.stop = stop});
  });
  EXPECT_LT(seconds, pardo::test::stop_latency_bound) << name;
  EXPECT_FALSE(r.run.complete) << name;
  EXPECT_EQ(r.chains, 0u) << name;
  EXPECT_EQ(r.run.blocks_done, 0u) << name;
  // On worker processes a stop before the first round of segments comes back (slow worker
  // start-up, under a sanitizer) leaves no step made; in process the chains start at once.
  if (name.starts_with("threads")) {
    EXPECT_GT(r.steps, 0u) << name;
  }
  EXPECT_TRUE(std::isnan(r.rhat[0])) << name;
}

TEST(Mcmc, AStopInWarmupTakesEffectWithinHalfASecond) {
  for (const std::size_t workers : {std::size_t{1}, std::size_t{2}, std::size_t{8}}) {
    pardo::ThreadPool pool(workers);
    expect_stops_quickly(pool, "threads" + std::to_string(workers));
  }
  for (const std::size_t workers : {std::size_t{1}, std::size_t{2}, std::size_t{8}}) {
    pardo::ProcessPool pool(workers);
    expect_stops_quickly(pool, "processes" + std::to_string(workers));
  }
}

TEST(Mcmc, DrawsThatCannotFitInMemoryAreRefusedNamingTheSize) {
  EXPECT_THAT([] { pardo::mcmc::validate(MetropolisOptions{.chains = 1'000'000'000}); },
              ThrowsMessage<std::invalid_argument>(
                  HasSubstr("run_chains: 1000000000 chains of 1000 draws in 1 dimension needs "
                            "8.0 TB of memory for the draws")));
  pardo::SerialExecutor serial;
  const std::vector<double> initial(1000, 0.0);
  EXPECT_THAT(
      [&] {
        (void)pardo::mcmc::run_chains(serial, pardo::mcmc::correlated_normal, initial,
                                      {.chains = 1000, .draws = 1'000'000});
      },
      ThrowsMessage<std::invalid_argument>(
          HasSubstr("1000 chains of 1000000 draws in 1000 dimensions needs 8.0 TB")));
}

TEST(Mcmc, BadInputIsRejectedByName) {
  pardo::SerialExecutor serial;
  const std::vector<double> one{1.0};
  const auto rejects = [&](std::span<const double> initial, const MetropolisOptions& options,
                           const char* message) {
    EXPECT_THAT([&] { (void)pardo::mcmc::run_chains(serial, half_normal, initial, options); },
                ThrowsMessage<std::invalid_argument>(HasSubstr(message)));
  };
  rejects({}, {}, "run_chains: initial is empty (dim 0)");
  rejects(one, {.chains = 0}, "run_chains: chains is 0");
  rejects(one, {.draws = 3}, "draws is 3; at least 4");
  rejects(one, {.thin = 0}, "thin is 0");
  rejects(one, {.step_size = -1}, "step_size is -1");
  rejects(one, {.target_acceptance = 1}, "target_acceptance 1 is outside (0, 1)");
  rejects(one, {.jitter = std::numeric_limits<double>::infinity()}, "jitter is inf");
  const std::vector<double> nan_point{std::numeric_limits<double>::quiet_NaN()};
  rejects(nan_point, {}, "initial[0] is nan");
  const std::vector<double> outside{-1.0};
  rejects(outside, {}, "the log density is -inf at the initial (-1)");
  EXPECT_THAT(
      [&] {
        (void)pardo::mcmc::run_chains(serial, half_normal, std::vector<std::vector<double>>{{1.0}},
                                      {.chains = 2});
      },
      ThrowsMessage<std::invalid_argument>(HasSubstr("initial_per_chain has 1 values")));
  const auto nan_above_two = [](std::span<const double> t) {
    return t[0] > 2 ? std::numeric_limits<double>::quiet_NaN() : -0.5 * t[0] * t[0];
  };
  EXPECT_THAT(
      [&] { (void)pardo::mcmc::run_chains(serial, nan_above_two, one, {.chains = 1}); },
      ThrowsMessage<std::invalid_argument>(HasSubstr("the log density is nan at theta = (")));
  EXPECT_THAT([] { (void)pardo::mcmc::banana(std::vector<double>{1.0}); },
              ThrowsMessage<std::invalid_argument>(HasSubstr("banana: theta has 1 coordinates")));
}

}  // namespace
