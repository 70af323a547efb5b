// The Laplace solver on MPI ranks: the serial iterates bit for bit, on every rank, for any
// number of ranks, and errors that every rank raises together.

#include <gtest/gtest.h>

#include <pardo/pde/laplace_mpi.hpp>
#include <stdexcept>
#include <string>
#include <utility>

#include "../laplace_support.hpp"
#include "mpi_support.hpp"

namespace {

using pardo::mpi::testing::world;
using pardo::pde::LaplaceOptions;
using pardo::pde::LaplaceResult;
using pardo::test::expect_identical;

TEST(LaplaceMpi, BitIdenticalToSerialOnEveryRank) {
  const auto& w = world();
  // 22, 17 and 7 interior rows: 17 and 7 divide by none of 2, 3 and 4 ranks.
  for (auto [nx, ny] : {std::pair<std::size_t, std::size_t>{24, 24}, {37, 19}, {20, 9}}) {
    const LaplaceOptions options{.nx = nx, .ny = ny, .tol = 1e-8, .keep_grid = true};
    const LaplaceResult serial = pardo::pde::solve_laplace(options);
    ASSERT_TRUE(serial.converged);
    const LaplaceResult r = pardo::pde::solve_laplace(w, options);
    const std::string what = std::to_string(nx) + " x " + std::to_string(ny) + " on " +
                             std::to_string(w.size()) + " ranks";
    expect_identical(r, serial, what);
    // The time is the slowest rank's, the same on every rank.
    EXPECT_EQ(w.allreduce(r.run.seconds, pardo::mpi::min{}), r.run.seconds) << what;
    EXPECT_GT(r.run.seconds, 0.0) << what;
  }
}

TEST(LaplaceMpi, UnconvergedRunsStopTogetherWithTheSerialIterate) {
  const LaplaceOptions options{
      .nx = 33, .ny = 30, .tol = 1e-9, .max_iterations = 25, .keep_grid = true};
  const LaplaceResult serial = pardo::pde::solve_laplace(options);
  ASSERT_FALSE(serial.converged);
  const LaplaceResult r = pardo::pde::solve_laplace(world(), options);
  EXPECT_EQ(r.iterations, 25u);
  expect_identical(r, serial, "25 iterations");
}

TEST(LaplaceMpi, OneInteriorRowPerRankWorks) {
  const auto& w = world();
  const auto ranks = static_cast<std::size_t>(w.size());
  const LaplaceOptions options{.nx = 11, .ny = ranks + 2, .tol = 1e-10, .keep_grid = true};
  expect_identical(pardo::pde::solve_laplace(w, options), pardo::pde::solve_laplace(options),
                   "one row per rank");
}

TEST(LaplaceMpi, MoreRanksThanInteriorRowsThrowsOnEveryRank) {
  const auto& w = world();
  if (w.size() == 1) GTEST_SKIP() << "one rank always has a row";
  const auto ranks = static_cast<std::size_t>(w.size());
  const std::size_t rows = ranks - 1;
  const LaplaceOptions options{.nx = 8, .ny = rows + 2};
  const std::string s = rows == 1 ? "" : "s";
  try {
    (void)pardo::pde::solve_laplace(w, options);
    ADD_FAILURE() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "laplace: " + std::to_string(ranks) + " ranks for " +
                                         std::to_string(rows) + " interior row" + s +
                                         " (ny = " + std::to_string(rows + 2) + "); use at most " +
                                         std::to_string(rows) + " rank" + s);
  }
  w.barrier();  // every rank got here: none is left waiting in a halo exchange
}

TEST(LaplaceMpi, BadOptionsThrowOnEveryRank) {
  const auto& w = world();
  try {
    (void)pardo::pde::solve_laplace(w, LaplaceOptions{.tol = -1});
    ADD_FAILURE() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "laplace: tol must be positive and finite, got -1");
  }
  w.barrier();
}

}  // namespace
