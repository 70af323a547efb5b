#include <gtest/gtest.h>

#include <atomic>
#include <pardo/opt.hpp>
#include <pardo/pardo.hpp>
#include <pardo/process_pool.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "opt/solver_support.hpp"

namespace {

using namespace pardo::opt;
using pardo::opt::test::message_of;

// Rastrigin's values for many points at once, as a vectorised model computes them.
std::vector<double> rastrigin_batch(std::span<const double> points, std::uint64_t dim) {
  std::vector<double> values(points.size() / dim);
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i] = models::rastrigin(points.subspan(i * dim, dim));
  }
  return values;
}
PARDO_REMOTE_FUNCTION(rastrigin_batch);

// One that returns a value too few.
std::vector<double> short_batch(std::span<const double> points, std::uint64_t dim) {
  std::vector<double> values = rastrigin_batch(points, dim);
  values.pop_back();
  return values;
}
PARDO_REMOTE_FUNCTION(short_batch);

// One that cannot evaluate a batch holding a point with x0 > 0.5.
std::vector<double> refusing_batch(std::span<const double> points, std::uint64_t dim) {
  for (std::size_t at = 0; at < points.size(); at += dim) {
    if (points[at] > 0.5) throw EvaluationFailed("x0 = " + std::to_string(points[at]));
  }
  return rastrigin_batch(points, dim);
}
PARDO_REMOTE_FUNCTION(refusing_batch);

TEST(BatchObjective, TakesTheSameTrajectoryAsThePointByPointForm) {
  const Problem problem{.bounds = Bounds::cube(4, -5.12, 5.12), .seed = 3};
  pardo::SerialExecutor serial;
  DifferentialEvolution reference(problem, {.population = 24});
  const Result expected =
      reference.solve(serial, Objective(models::rastrigin), generation_limit(30));
  const auto results = pardo::opt::test::on_every_backend([&](auto& executor) {
    DifferentialEvolution de(problem, {.population = 24});
    return de.solve(executor, BatchObjective(rastrigin_batch), generation_limit(30));
  });
  pardo::opt::test::expect_identical(results);
  EXPECT_EQ(results.front().second.x, expected.x);
  EXPECT_EQ(results.front().second.history, expected.history);
}

TEST(BatchObjective, ALambdaServesOnThreadsAndEachCallGetsSeveralPoints) {
  std::atomic<int> calls{0};
  const auto batch = [&](std::span<const double> points, std::uint64_t dim) {
    ++calls;
    return rastrigin_batch(points, dim);
  };
  pardo::ThreadPool pool(2);
  Cmaes es({.bounds = Bounds::cube(3, -5.12, 5.12), .seed = 1}, {.population = 40});
  const Result r = es.solve(pool, batch, generation_limit(5));
  EXPECT_EQ(r.evaluations, 6u * 40u);
  EXPECT_EQ(calls.load(), 6 * 8);  // 4 batches per worker in each generation
}

TEST(BatchObjective, AWrongNumberOfValuesIsAClearError) {
  const Problem problem{.bounds = Bounds::cube(2, -1, 1)};
  pardo::ThreadPool threads(2);
  DifferentialEvolution de(problem, {.population = 8});
  EXPECT_EQ(message_of([&] { de.solve(threads, short_batch, generation_limit(2)); }),
            "solve: the batch objective returned 0 values for 1 points");
  pardo::ProcessPool processes(2);
  try {
    de.solve(processes, BatchObjective(short_batch), generation_limit(2));
    FAIL() << "no exception";
  } catch (const pardo::RemoteError& e) {
    EXPECT_EQ(e.type_name(), "std::invalid_argument");
    EXPECT_EQ(e.message(), "solve: the batch objective returned 0 values for 1 points");
  }
}

TEST(BatchObjective, WithAFailurePenaltyEachPointIsItsOwnBatch) {
  const auto results = pardo::opt::test::on_every_backend([](auto& executor) {
    DifferentialEvolution de({.bounds = Bounds::cube(2, -1, 1), .seed = 2}, {.population = 10});
    de.set_failure_penalty(1e10);
    return de.solve(executor, BatchObjective(refusing_batch), generation_limit(6));
  });
  pardo::opt::test::expect_identical(results);
  EXPECT_GT(results.front().second.failures, 0u);
  EXPECT_LE(results.front().second.x[0], 0.5);
}

}  // namespace
