// The statistics toolkit on MPI ranks: every workload gives the bits it gives serially.
// Every rank runs each test; the master uses the pool, the others serve in its constructor.

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <pardo/mc/integrate.hpp>
#include <pardo/mcmc.hpp>
#include <pardo/random.hpp>
#include <pardo/serial/serial_executor.hpp>
#include <pardo/stats/bootstrap.hpp>
#include <pardo/stats/descriptive.hpp>
#include <pardo/stats/fit.hpp>
#include <pardo/stats/permutation.hpp>
#include <pardo/stats/power.hpp>
#include <span>
#include <vector>

#include "mpi_support.hpp"

namespace {

using pardo::mpi::testing::world;

std::uint64_t bits(double x) { return std::bit_cast<std::uint64_t>(x); }

std::vector<double> normal_sample(std::uint64_t stream, std::size_t n, double shift) {
  pardo::random::Stream s(11, stream);
  std::vector<double> x(n);
  for (double& v : x) v = shift + pardo::random::normal(s);
  return x;
}

/// Runs `body` on a serial executor and on a pool over every rank; compares on the master.
template <class Body, class Compare>
void expect_serial_bits_on_ranks(Body body, Compare compare) {
  pardo::SerialExecutor serial;
  const auto expected = body(serial);
  pardo::mpi::Pool pool(world());
  if (!pool.is_master()) return;
  compare(body(pool), expected);
}

TEST(MpiStats, IntegrateGivesTheSerialBits) {
  const pardo::mc::IntegrateOptions options{.samples = 200'000,
                                            .method = pardo::mc::IntegrationMethod::stratified,
                                            .block_samples = 4096};
  expect_serial_bits_on_ranks(
      [&](auto& executor) {
        return pardo::mc::integrate(executor,
                                    pardo::mc::ScalarIntegrand(pardo::mc::integrands::unit_ball),
                                    pardo::mc::Box::cube(3, -1.0, 1.0), options);
      },
      [](const auto& got, const auto& expected) {
        EXPECT_EQ(bits(got.estimate), bits(expected.estimate));
        EXPECT_EQ(bits(got.std_error), bits(expected.std_error));
        EXPECT_TRUE(got.run.complete);
      });
}

TEST(MpiStats, BootstrapAndPermutationTestGiveTheSerialBits) {
  const auto x = normal_sample(1, 300, 0.2);
  const auto y = normal_sample(2, 250, 0.0);
  expect_serial_bits_on_ranks(
      [&](auto& executor) {
        return pardo::stats::bootstrap(executor, std::span<const double>(x),
                                       pardo::stats::SampleStatistic(pardo::stats::median),
                                       {.resamples = 999, .seed = 5});
      },
      [](const auto& got, const auto& expected) {
        EXPECT_EQ(bits(got.interval.low), bits(expected.interval.low));
        EXPECT_EQ(bits(got.interval.high), bits(expected.interval.high));
        EXPECT_EQ(bits(got.std_error), bits(expected.std_error));
      });
  expect_serial_bits_on_ranks(
      [&](auto& executor) {
        return pardo::stats::permutation_test(
            executor, std::span<const double>(x), std::span<const double>(y),
            &pardo::stats::mean_difference, {.permutations = 1999, .seed = 6});
      },
      [](const auto& got, const auto& expected) {
        EXPECT_EQ(bits(got.p_value), bits(expected.p_value));
        EXPECT_EQ(got.permutations, expected.permutations);
      });
}

TEST(MpiStats, ChainsPowerAndFitsGiveTheSerialBits) {
  const std::vector<double> initial(3, 0.5);
  expect_serial_bits_on_ranks(
      [&](auto& executor) {
        return pardo::mcmc::run_chains(executor,
                                       pardo::mcmc::LogDensity(pardo::mcmc::correlated_normal),
                                       std::span<const double>(initial),
                                       {.chains = 4, .warmup = 100, .draws = 200, .seed = 7});
      },
      [](const auto& got, const auto& expected) {
        ASSERT_EQ(got.draws.size(), expected.draws.size());
        for (std::size_t i = 0; i < got.draws.size(); ++i) {
          ASSERT_EQ(bits(got.draws[i]), bits(expected.draws[i])) << "draw value " << i;
        }
      });
  expect_serial_bits_on_ranks(
      [](auto& executor) {
        return pardo::stats::power(executor,
                                   {.effect = 0.5, .n1 = 20, .replications = 2000, .seed = 8});
      },
      [](const auto& got, const auto& expected) {
        EXPECT_EQ(got.rejections, expected.rejections);
        EXPECT_EQ(bits(got.power), bits(expected.power));
      });
  const auto datasets = pardo::stats::generate_datasets({.count = 12, .rows = 50, .seed = 9});
  expect_serial_bits_on_ranks(
      [&](auto& executor) { return pardo::stats::fit_many(executor, datasets, {}); },
      [](const auto& got, const auto& expected) {
        ASSERT_EQ(got.rows.size(), expected.rows.size());
        for (std::size_t r = 0; r < got.rows.size(); ++r) {
          ASSERT_EQ(got.rows[r].estimates.size(), expected.rows[r].estimates.size());
          for (std::size_t k = 0; k < got.rows[r].estimates.size(); ++k) {
            EXPECT_EQ(bits(got.rows[r].estimates[k]), bits(expected.rows[r].estimates[k]));
            EXPECT_EQ(bits(got.rows[r].std_errors[k]), bits(expected.rows[r].std_errors[k]));
          }
        }
      });
}

}  // namespace
