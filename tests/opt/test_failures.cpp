#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <pardo/opt.hpp>
#include <pardo/pardo.hpp>
#include <pardo/process_pool.hpp>
#include <stdexcept>
#include <string>
#include <thread>

#include "opt/solver_support.hpp"

namespace {

using namespace pardo::opt;
using namespace std::chrono_literals;

// A legacy simulation that dies (as from a segfault) when x0 > 0.5, else the sphere.
double crashing_sphere(std::span<const double> x) {
  if (x[0] > 0.5) ::raise(SIGKILL);
  return models::sphere(x);
}
PARDO_REMOTE_FUNCTION(crashing_sphere);

// One that hangs when x0 > 0.5.
double hanging_sphere(std::span<const double> x) {
  if (x[0] > 0.5) std::this_thread::sleep_for(60s);
  return models::sphere(x);
}
PARDO_REMOTE_FUNCTION(hanging_sphere);

// One that throws an ordinary exception when x0 < -0.9.
double throwing_sphere(std::span<const double> x) {
  if (x[0] < -0.9) throw std::domain_error("no model below -0.9");
  return models::sphere(x);
}
PARDO_REMOTE_FUNCTION(throwing_sphere);

// One that reports its own failure (an external code that diverged) when x0 > 0.5.
double refusing_sphere(std::span<const double> x) {
  if (x[0] > 0.5) throw EvaluationFailed("diverged at x0 = " + std::to_string(x[0]));
  return models::sphere(x);
}
PARDO_REMOTE_FUNCTION(refusing_sphere);

// Nelder-Mead from (0.49, 0.5): its first simplex has (0.5145, 0.5), where the objective
// fails; the search then heads for the origin, away from the failures.
const Problem kStart{.bounds = Bounds::cube(2, -1, 1), .x0 = {0.49, 0.5}};

// The failures a solve met, checked against what its monitor saw: each at a point where the
// objective fails, each valued at the penalty, none elsewhere.
void expect_failures_where_the_objective_fails(const Result& r, const MemoryMonitor& memory,
                                               const char* reason) {
  ASSERT_EQ(memory.failures().size(), r.failures);
  for (const FailureRecord& f : memory.failures()) {
    EXPECT_GT(f.x[0], 0.5);
    EXPECT_NE(f.reason.find(reason), std::string::npos) << f.reason;
  }
  std::uint64_t failing_points = 0;
  for (std::size_t i = 0; i < memory.values().size(); ++i) {
    const bool fails = memory.points()[2 * i] > 0.5;
    failing_points += fails ? 1 : 0;
    if (fails) {
      EXPECT_EQ(memory.values()[i], 1e10);
    }
  }
  EXPECT_EQ(failing_points, r.failures);
}

TEST(FailurePenalty, ACrashedEvaluationGetsThePenaltyAndTheSolveGoesOn) {
  for (const std::size_t workers : {1u, 2u, 5u}) {
    pardo::ProcessPool pool(workers);
    NelderMead nm(kStart);
    nm.set_failure_penalty(1e10);
    MemoryMonitor memory(true);
    nm.add_monitor(memory);
    const Result r = nm.solve(pool, Objective(crashing_sphere), evaluation_limit(400));
    EXPECT_GE(r.failures, 1u) << workers;
    expect_failures_where_the_objective_fails(r, memory, "killed by signal 9");
    EXPECT_LT(r.value, 1e-8) << workers;
    EXPECT_EQ(r.evaluations, 400u);
  }
}

TEST(FailurePenalty, GivesTheSameTrajectoryWhateverTheWorkerCount) {
  std::vector<std::pair<std::string, Result>> results;
  for (const std::size_t workers : {1u, 2u, 8u}) {
    pardo::ProcessPool pool(workers);
    DifferentialEvolution de({.bounds = Bounds::cube(2, -1, 1), .seed = 3}, {.population = 10});
    de.set_failure_penalty(1e10);
    results.emplace_back("processes" + std::to_string(workers),
                         de.solve(pool, Objective(crashing_sphere), generation_limit(8)));
  }
  pardo::opt::test::expect_identical(results);
  EXPECT_GT(results.front().second.failures, 0u);
}

TEST(FailurePenalty, AnEvaluationFailedGetsThePenaltyOnEveryBackend) {
  const auto results = pardo::opt::test::on_every_backend([](auto& executor) {
    DifferentialEvolution de({.bounds = Bounds::cube(2, -1, 1), .seed = 5}, {.population = 12});
    de.set_failure_penalty(1e10);
    MemoryMonitor memory(true);
    de.add_monitor(memory);
    const Result r = de.solve(executor, Objective(refusing_sphere), generation_limit(10));
    expect_failures_where_the_objective_fails(r, memory, "diverged at x0 = 0.");
    return r;
  });
  pardo::opt::test::expect_identical(results);
  EXPECT_GT(results.front().second.failures, 0u);
  // Without a penalty the first failure ends the solve, as any exception does.
  pardo::ThreadPool pool(2);
  NelderMead nm({.bounds = Bounds::cube(2, -1, 1), .x0 = {0.95, 0.5}});
  EXPECT_THROW(nm.solve(pool, refusing_sphere, evaluation_limit(10)), EvaluationFailed);
}

TEST(FailurePenalty, AnEvaluationPastTheTaskTimeoutGetsThePenalty) {
  pardo::ProcessPool pool(2, {.task_timeout = 300ms});
  NelderMead nm(kStart);
  nm.set_failure_penalty(1e10);
  MemoryMonitor memory(true);
  nm.add_monitor(memory);
  const auto started = std::chrono::steady_clock::now();
  const Result r = nm.solve(pool, Objective(hanging_sphere), evaluation_limit(300));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 30s);
  EXPECT_GE(r.failures, 1u);
  expect_failures_where_the_objective_fails(r, memory, "task_timeout");
  EXPECT_LT(r.value, 1e-6);
}

TEST(FailurePenalty, WithoutItACrashEndsTheSolveAndSolvingAgainRetries) {
  pardo::ProcessPool pool(2);
  NelderMead nm({.bounds = Bounds::cube(2, -1, 1), .x0 = {0.95, 0.5}});  // fails at once
  try {
    nm.solve(pool, Objective(crashing_sphere), evaluation_limit(100));
    FAIL() << "no exception";
  } catch (const pardo::WorkerCrashed& e) {
    EXPECT_NE(std::string(e.what()).find("killed by signal 9"), std::string::npos) << e.what();
  }
  EXPECT_EQ(nm.result().evaluations, 0u);
  EXPECT_THROW(nm.solve(pool, Objective(crashing_sphere), evaluation_limit(100)),
               pardo::WorkerCrashed);
}

TEST(FailurePenalty, OtherExceptionsStillEndTheSolve) {
  pardo::ProcessPool pool(2);
  NelderMead nm({.bounds = Bounds::cube(2, -1, 1), .x0 = {-0.95, 0.5}});  // fails at once
  nm.set_failure_penalty(1e10);
  EXPECT_THROW(nm.solve(pool, Objective(throwing_sphere), evaluation_limit(100)),
               pardo::RemoteError);
  EXPECT_EQ(nm.result().failures, 0u);
}

TEST(FailurePenalty, LogMonitorWritesOneLinePerFailure) {
  const std::string path =
      ::testing::TempDir() + "/pardo_opt_" + std::to_string(::getpid()) + "_failures.jsonl";
  {
    pardo::ProcessPool pool(2);
    NelderMead nm(kStart);
    nm.set_failure_penalty(1e10);
    LogMonitor log(path, LogFormat::json_lines);
    nm.add_monitor(log);
    nm.solve(pool, Objective(crashing_sphere), generation_limit(3));
  }
  std::FILE* file = std::fopen(path.c_str(), "r");
  ASSERT_NE(file, nullptr);
  char line[4096];
  int failure_lines = 0;
  std::string last_generation;
  while (std::fgets(line, sizeof line, file) != nullptr) {
    const std::string text(line);
    if (text.rfind("{\"failure\":\"", 0) == 0) {
      ++failure_lines;
      EXPECT_NE(text.find("\"penalty\":10000000000}"), std::string::npos) << text;
    } else {
      last_generation = text;
    }
  }
  std::fclose(file);
  EXPECT_GE(failure_lines, 1);
  EXPECT_NE(last_generation.find("\"failures\":" + std::to_string(failure_lines) + ","),
            std::string::npos)
      << last_generation;
  std::remove(path.c_str());
}

}  // namespace
