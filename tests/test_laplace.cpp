// The Laplace solver: it converges to the known answer, and the threaded row blocks give the
// serial iterates bit for bit.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <pardo/pde/laplace.hpp>
#include <pardo/threads/thread_pool.hpp>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>
#include "laplace_support.hpp"
#include "pde/laplace_block.hpp"
#include "support.hpp"

namespace pardo::test {
namespace {

using pde::LaplaceOptions;
using pde::LaplaceResult;

LaplaceOptions grid(std::size_t nx, std::size_t ny, double tol, bool keep = true) {
  return {.nx = nx, .ny = ny, .tol = tol, .keep_grid = keep};
}

/// Jacobi's spectral radius on this grid: the error shrinks by about this factor a sweep, so
/// a sweep that changes u by at most tol leaves an error of about tol * rho / (1 - rho).
double spectral_radius(std::size_t nx, std::size_t ny) {
  const double dx2 = static_cast<double>((nx - 1) * (nx - 1));
  const double dy2 = static_cast<double>((ny - 1) * (ny - 1));
  const double cx = dx2 / (2 * (dx2 + dy2));
  const double cy = dy2 / (2 * (dx2 + dy2));
  return 2 * cx * std::cos(std::numbers::pi / static_cast<double>(nx - 1)) +
         2 * cy * std::cos(std::numbers::pi / static_cast<double>(ny - 1));
}

/// max |grid - (x^2 - y^2)|, computed here independently of the solver.
double error_of(const std::vector<double>& g, std::size_t nx, std::size_t ny) {
  double worst = 0;
  for (std::size_t j = 0; j < ny; ++j) {
    for (std::size_t i = 0; i < nx; ++i) {
      const double x = static_cast<double>(i) / static_cast<double>(nx - 1);
      const double y = static_cast<double>(j) / static_cast<double>(ny - 1);
      worst = std::max(worst, std::abs(g[j * nx + i] - (x * x - y * y)));
    }
  }
  return worst;
}

TEST(LaplaceSerial, ConvergesToTheHarmonicPolynomial) {
  for (auto [nx, ny] : {std::pair<std::size_t, std::size_t>{24, 24}, {40, 12}, {12, 40}}) {
    const std::string shape = std::to_string(nx) + " x " + std::to_string(ny);
    const double tol = 1e-9;
    const LaplaceResult r = pde::solve_laplace(grid(nx, ny, tol));
    EXPECT_TRUE(r.converged) << shape;
    EXPECT_LE(r.residual, tol) << shape;
    EXPECT_GT(r.residual, 0.0) << shape;
    EXPECT_LT(r.iterations, LaplaceOptions{}.max_iterations) << shape;
    // The error left is what the iteration has not yet removed: about residual/(1 - rho).
    const double rho = spectral_radius(nx, ny);
    EXPECT_LE(r.max_error, 2 * tol / (1 - rho)) << shape;
    ASSERT_EQ(r.grid.size(), nx * ny) << shape;
    EXPECT_EQ(bits(error_of(r.grid, nx, ny)), bits(r.max_error)) << shape;
    EXPECT_GT(r.run.seconds, 0.0);
    EXPECT_DOUBLE_EQ(r.seconds_per_iteration, r.run.seconds / static_cast<double>(r.iterations));
    EXPECT_EQ(r.run.backend, "serial");
    EXPECT_EQ(r.run.workers, 1u);
    EXPECT_TRUE(r.run.complete);
  }
}

TEST(LaplaceSerial, TheDiscreteSolutionIsTheAnalyticOne) {
  // Iterated to rounding level, the error is rounding only: the stencil is exact on x^2 - y^2
  // for square and non-square spacings alike. A wrong weighting leaves an O(h^2) error.
  for (auto [nx, ny] : {std::pair<std::size_t, std::size_t>{9, 9}, {13, 6}, {5, 17}}) {
    LaplaceOptions options = grid(nx, ny, 1e-15);
    options.max_iterations = 100'000;
    const LaplaceResult r = pde::solve_laplace(options);
    EXPECT_TRUE(r.converged) << nx << " x " << ny;
    EXPECT_LE(r.max_error, 1e-13) << nx << " x " << ny;
  }
  // One interior point: its four neighbours average to the exact value 0 at once.
  const LaplaceResult one = pde::solve_laplace(grid(3, 3, 1e-12));
  EXPECT_EQ(one.iterations, 1u);
  EXPECT_EQ(one.residual, 0.0);
  EXPECT_EQ(one.max_error, 0.0);
  EXPECT_TRUE(one.converged);
}

TEST(LaplaceSerial, TighterToleranceTakesMoreIterationsAndErrsLess) {
  std::size_t previous_iterations = 0;
  double previous_error = std::numeric_limits<double>::infinity();
  for (double tol : {1e-3, 1e-5, 1e-7, 1e-9}) {
    const LaplaceResult r = pde::solve_laplace(grid(24, 24, tol, false));
    EXPECT_TRUE(r.converged) << tol;
    EXPECT_GT(r.iterations, previous_iterations) << tol;
    EXPECT_LT(r.max_error, previous_error) << tol;
    EXPECT_TRUE(r.grid.empty()) << "no grid unless asked";
    previous_iterations = r.iterations;
    previous_error = r.max_error;
  }
}

TEST(LaplaceSerial, StopsAtMaxIterationsUnconverged) {
  LaplaceOptions options = grid(32, 32, 1e-9);
  options.max_iterations = 10;
  const LaplaceResult r = pde::solve_laplace(options);
  EXPECT_EQ(r.iterations, 10u);
  EXPECT_FALSE(r.converged);
  EXPECT_GT(r.residual, options.tol);
  EXPECT_GT(r.max_error, 0.1);  // ten sweeps barely move a 32 x 32 grid
}

TEST(LaplaceSerial, MaxIterationsReachedIsACompleteRun) {
  LaplaceOptions options = grid(16, 16, 1e-12);
  options.max_iterations = 3;
  EXPECT_TRUE(pde::solve_laplace(options).run.complete);
}

TEST(LaplaceStop, AStopBeforeTheFirstSweepRunsNone) {
  std::stop_source stop;
  stop.request_stop();
  const LaplaceResult r = pde::solve_laplace(grid(32, 32, 1e-9), {.stop = stop.get_token()});
  EXPECT_EQ(r.iterations, 0u);
  EXPECT_FALSE(r.converged);
  EXPECT_FALSE(r.run.complete);
  EXPECT_EQ(r.seconds_per_iteration, 0.0);
}

TEST(LaplaceStop, AStopEndsASolveOnAnyWorkerCountAfterItsSweep) {
  // A solve that would take minutes ends soon after the stop, with the iterate so far.
  LaplaceOptions options = grid(400, 400, 1e-300);
  options.max_iterations = 100'000'000;
  LaplaceOptions three_sweeps = options;
  three_sweeps.max_iterations = 3;
  for (std::size_t workers : std::initializer_list<std::size_t>{1, 2, 8}) {
    ThreadPool pool(workers);
    // The stop comes once sweeps have surely run, however slow this build or machine is.
    const auto timed_start = std::chrono::steady_clock::now();
    pde::solve_laplace(pool, three_sweeps);
    const auto wait = std::max<std::chrono::steady_clock::duration>(
        std::chrono::milliseconds(200), 2 * (std::chrono::steady_clock::now() - timed_start));
    std::stop_source stop;
    std::chrono::steady_clock::time_point requested;
    std::thread stopper([&] {
      std::this_thread::sleep_for(wait);
      requested = std::chrono::steady_clock::now();
      stop.request_stop();
    });
    const LaplaceResult r = pde::solve_laplace(pool, options, 0, {.stop = stop.get_token()});
    const auto ended = std::chrono::steady_clock::now();
    stopper.join();
    EXPECT_LT(std::chrono::duration<double>(ended - requested).count(),
              1.0 * pardo::test::slow_build)
        << workers;
    EXPECT_GT(r.iterations, 0u) << workers;
    EXPECT_LT(r.iterations, options.max_iterations) << workers;
    EXPECT_FALSE(r.converged) << workers;
    EXPECT_FALSE(r.run.complete) << workers;
  }
}

TEST(LaplaceThreads, BitIdenticalToSerialOnAnyWorkerCount) {
  // 22, 17 and 9 interior rows: blocks of unequal sizes, and more workers than some allow.
  for (auto [nx, ny] : {std::pair<std::size_t, std::size_t>{24, 24}, {37, 19}, {50, 11}}) {
    const LaplaceOptions options = grid(nx, ny, 1e-8);
    const LaplaceResult serial = pde::solve_laplace(options);
    ASSERT_TRUE(serial.converged);
    for (std::size_t workers : std::initializer_list<std::size_t>{1, 2, 8}) {
      ThreadPool pool(workers);
      const std::string what =
          std::to_string(nx) + " x " + std::to_string(ny) + " on " + std::to_string(workers);
      expect_identical(pde::solve_laplace(pool, options), serial, what);
    }
  }
}

TEST(LaplaceThreads, BitIdenticalForExplicitBlockCounts) {
  const LaplaceOptions options = grid(30, 23, 1e-7);  // 21 interior rows
  const LaplaceResult serial = pde::solve_laplace(options);
  ThreadPool pool(2);
  for (std::size_t blocks : std::initializer_list<std::size_t>{1, 2, 3, 5, 20, 21, 100}) {
    expect_identical(pde::solve_laplace(pool, options, blocks), serial,
                     std::to_string(blocks) + " blocks");
  }
  LaplaceOptions capped = options;
  capped.max_iterations = 7;
  const LaplaceResult short_serial = pde::solve_laplace(capped);
  EXPECT_FALSE(short_serial.converged);
  expect_identical(pde::solve_laplace(pool, capped, 4), short_serial, "7 iterations");
}

TEST(LaplaceThreads, RowBlocksAreBalancedConsecutiveAndCoverEveryRow) {
  for (std::size_t rows : std::initializer_list<std::size_t>{1, 7, 17, 22, 100}) {
    for (std::size_t parts = 1; parts <= std::min<std::size_t>(rows, 9); ++parts) {
      std::size_t next = 0;
      std::size_t previous = rows;
      for (std::size_t p = 0; p < parts; ++p) {
        const pde::detail::RowRange range = pde::detail::row_block(rows, parts, p);
        EXPECT_EQ(range.first, next) << rows << " rows, part " << p << " of " << parts;
        EXPECT_GE(range.count, rows / parts);
        EXPECT_LE(range.count, rows / parts + 1);
        EXPECT_LE(range.count, previous) << "the larger blocks come first";
        next += range.count;
        previous = range.count;
      }
      EXPECT_EQ(next, rows) << rows << " rows in " << parts << " parts";
    }
  }
}

void expect_invalid(const LaplaceOptions& options, const std::string& message) {
  ThreadPool pool(2);
  for (int threaded = 0; threaded < 2; ++threaded) {
    try {
      if (threaded != 0) {
        (void)pde::solve_laplace(pool, options);
      } else {
        (void)pde::solve_laplace(options);
      }
      ADD_FAILURE() << "no exception; expected: " << message;
    } catch (const std::invalid_argument& e) {
      EXPECT_EQ(std::string(e.what()), message);
    }
  }
}

TEST(LaplaceOptions, BadValuesThrowNamingTheValue) {
  expect_invalid({.nx = 2}, "laplace: nx must be at least 3, got 2");
  expect_invalid({.ny = 0}, "laplace: ny must be at least 3, got 0");
  expect_invalid({.tol = 0}, "laplace: tol must be positive and finite, got 0");
  expect_invalid({.tol = -1e-3}, "laplace: tol must be positive and finite, got -0.001");
  expect_invalid({.tol = std::numeric_limits<double>::quiet_NaN()},
                 "laplace: tol must be positive and finite, got nan");
  expect_invalid({.tol = std::numeric_limits<double>::infinity()},
                 "laplace: tol must be positive and finite, got inf");
  expect_invalid({.max_iterations = 0}, "laplace: max_iterations must be at least 1, got 0");
  expect_invalid({.nx = 100'000, .ny = 100'000},
                 "laplace: a grid of 100000 x 100000 points is too large (at most 2^31 points)");
}

}  // namespace
}  // namespace pardo::test
