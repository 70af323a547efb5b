#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <pardo/opt.hpp>
#include <pardo/pardo.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "opt/solver_support.hpp"

namespace {

using namespace pardo::opt;

const Termination tight = candidate_relative_tolerance(1e-10, 1e-12) || evaluation_limit(20000);

TEST(NelderMead, FindsRosenbrocksMinimumFromTheClassicStart) {
  NelderMead nm({.bounds = Bounds::cube(2, -5, 10), .x0 = {-1.2, 1.0}});
  pardo::SerialExecutor serial;
  const Result r = nm.solve(serial, models::rosenbrock, tight);
  EXPECT_NEAR(r.x[0], 1.0, 1e-6);
  EXPECT_NEAR(r.x[1], 1.0, 1e-6);
  EXPECT_LT(r.value, 1e-12);
  EXPECT_EQ(r.termination, "candidate_relative_tolerance(1e-10, 1e-12)");
  EXPECT_LT(r.evaluations, 1000u);  // scipy takes about 300 from this start
  EXPECT_EQ(r.history.size(), r.generations + 1);
  for (std::size_t g = 1; g < r.history.size(); ++g) EXPECT_LE(r.history[g], r.history[g - 1]);
}

TEST(NelderMead, TakesTheSameStepsOnEveryBackend) {
  pardo::opt::test::expect_identical(pardo::opt::test::on_every_backend([](auto& executor) {
    NelderMead nm({.bounds = Bounds::cube(3, -5, 5), .seed = 11});
    return nm.solve(executor, Objective(models::rosenbrock), generation_limit(150));
  }));
}

TEST(NelderMead, AdaptiveCoefficientsSolveTenDimensions) {
  NelderMead nm({.bounds = Bounds::cube(10, -5.12, 5.12), .x0 = std::vector<double>(10, 2.0)},
                {.adaptive = true});
  pardo::ThreadPool pool(2);
  const Result r = nm.solve(pool, models::sphere, tight);
  EXPECT_LT(r.value, 1e-9);
}

TEST(NelderMead, MaximisesWhenAsked) {
  NelderMead nm({.bounds = Bounds::cube(2, -3, 3), .sense = Sense::maximize, .x0 = {0.5, 1.5}});
  pardo::SerialExecutor serial;
  const Result r = nm.solve(serial, models::peaks, tight);
  // The highest peak of MATLAB's surface: 8.10621358944234 at (-0.0093176, 1.5813680), as
  // scipy's Nelder-Mead finds it.
  EXPECT_NEAR(r.value, 8.10621358944234, 1e-9);
  EXPECT_NEAR(r.x[0], -0.0093176, 1e-6);
  EXPECT_NEAR(r.x[1], 1.5813680, 1e-6);
}

TEST(NelderMead, NeverEvaluatesOutsideTheBounds) {
  // The minimum of the sphere lies outside [1, 2]^2: the simplex presses on the corner.
  NelderMead nm({.bounds = {.lower = {1, 1}, .upper = {2, 2}}, .x0 = {1.5, 1.9}});
  MemoryMonitor memory(true);
  nm.add_monitor(memory);
  pardo::SerialExecutor serial;
  const Result r = nm.solve(serial, models::sphere, tight);
  for (double v : memory.points()) {
    EXPECT_GE(v, 1.0);
    EXPECT_LE(v, 2.0);
  }
  EXPECT_NEAR(r.x[0], 1.0, 1e-8);
  EXPECT_NEAR(r.x[1], 1.0, 1e-8);
}

TEST(NelderMead, SolvingAgainContinuesTheSameTrajectory) {
  pardo::ThreadPool pool(2);
  NelderMead once({.bounds = Bounds::cube(2, -5, 10), .x0 = {-1.2, 1.0}});
  const Result whole = once.solve(pool, models::rosenbrock, generation_limit(60));
  NelderMead twice({.bounds = Bounds::cube(2, -5, 10), .x0 = {-1.2, 1.0}});
  const Result first = twice.solve(pool, models::rosenbrock, generation_limit(25));
  EXPECT_EQ(first.generations, 25u);
  const Result second = twice.solve(pool, models::rosenbrock, generation_limit(60));
  EXPECT_EQ(second.x, whole.x);
  EXPECT_EQ(second.history, whole.history);
  EXPECT_EQ(second.evaluations, whole.evaluations);
  // A condition that already holds stops at once, evaluating nothing.
  const Result third = twice.solve(pool, models::rosenbrock, generation_limit(10));
  EXPECT_EQ(third.evaluations, whole.evaluations);
}

double fails_far_out(std::span<const double> x) {
  if (x[0] > 4) throw std::runtime_error("model diverged at x0 = " + std::to_string(x[0]));
  return models::sphere(x);
}

TEST(NelderMead, AnObjectivesErrorReachesTheCallerAndTheSolverCanGoOn) {
  NelderMead nm({.bounds = Bounds::cube(2, -5, 5), .x0 = {4.5, 0}});
  pardo::ThreadPool pool(2);
  try {
    nm.solve(pool, fails_far_out, generation_limit(5));
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("model diverged at x0 = 4.5"), std::string::npos);
  }
  EXPECT_EQ(nm.result().evaluations, 0u);
  const Result r = nm.solve(pool, models::sphere, generation_limit(5));
  EXPECT_EQ(r.generations, 5u);
}

double not_a_number(std::span<const double> x) {
  return x[0] > 0 ? std::numeric_limits<double>::quiet_NaN() : models::sphere(x);
}

TEST(NelderMead, RanksANaNBelowEveryNumber) {
  NelderMead nm({.bounds = Bounds::cube(2, -5, 5), .x0 = {-1, -1}});
  pardo::SerialExecutor serial;
  const Result r = nm.solve(serial, not_a_number, tight);
  EXPECT_LE(r.x[0], 0.0);
  EXPECT_FALSE(std::isnan(r.value));
  EXPECT_LT(r.value, 1e-8);
}

TEST(NelderMead, RejectsBadProblemsNamingTheValue) {
  EXPECT_EQ(pardo::opt::test::message_of([] {
              NelderMead({.bounds = {.lower = {0, 3}, .upper = {1, 2}}});
            }),
            "solver: bounds[1] = [3, 2]: each must be finite, lower <= upper, with a finite width");
  EXPECT_EQ(pardo::opt::test::message_of([] {
              NelderMead({.bounds = Bounds::cube(2, 0, 1), .x0 = {0.5, 1.5}});
            }),
            "solver: x0[1] = 1.5 is outside its bounds [0, 1]");
  EXPECT_EQ(pardo::opt::test::message_of(
                [] { NelderMead({.bounds = Bounds::cube(2, 0, 1), .x0 = {0.5}}); }),
            "solver: x0 has 1 values for 2 bounds");
  EXPECT_EQ(pardo::opt::test::message_of([] { NelderMead({}); }),
            "solver: the bounds have no dimension");
  EXPECT_EQ(pardo::opt::test::message_of(
                [] { NelderMead({.bounds = Bounds::cube(2, 0, 1)}, {.contraction = 1.5}); }),
            "NelderMead: contraction = 1.5 must lie in (0, 1)");
}

TEST(NelderMead, TellChecksTheCount) {
  NelderMead nm({.bounds = Bounds::cube(2, 0, 1)});
  EXPECT_THROW(nm.tell(std::vector<double>{1.0}), std::invalid_argument);
  const auto points = nm.ask();
  EXPECT_EQ(points.size(), 6u);
  EXPECT_EQ(nm.ask().data(), points.data());  // asking again: the same points
  EXPECT_THROW(nm.tell(std::vector<double>{1.0}), std::invalid_argument);
}

}  // namespace
