#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <pardo/opt.hpp>
#include <pardo/pardo.hpp>
#include <stdexcept>
#include <string>

#include "opt/solver_support.hpp"

namespace {

using namespace pardo::opt;
using pardo::opt::test::message_of;

// An ellipsoid rotated off the axes, condition number 1e6: what covariance adaptation is for.
double rotated_ellipsoid(std::span<const double> x) {
  double s = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    double partial = 0;
    for (std::size_t j = 0; j <= i; ++j) partial += x[j];
    s += std::pow(1e6, static_cast<double>(i) / static_cast<double>(x.size() - 1)) * partial *
         partial;
  }
  return s;
}

TEST(Cmaes, ReachesTheMinimumOfIllConditionedAndSmoothModels) {
  pardo::ThreadPool pool(2);
  for (const std::size_t d : {2u, 10u}) {
    for (const std::uint64_t seed : {1u, 2u, 3u}) {
      Cmaes rosen({.bounds = Bounds::cube(d, -2.048, 2.048), .seed = seed});
      const Result r = rosen.solve(pool, models::rosenbrock,
                                   value_to_reach(0, 1e-10) || evaluation_limit(40000));
      // Rosenbrock in 10-d has a local minimum near x0 = -1 that CMA-ES sometimes finds.
      if (r.value > 1e-10) {
        EXPECT_NEAR(r.value, 3.9866, 1e-3) << d << " seed " << seed;
      }
      Cmaes ellipsoid({.bounds = Bounds::cube(d, -5, 5), .seed = seed});
      const Result e = ellipsoid.solve(pool, rotated_ellipsoid,
                                       value_to_reach(0, 1e-10) || evaluation_limit(40000));
      EXPECT_LE(e.value, 1e-10) << d << " seed " << seed << ": " << e.termination;
    }
  }
}

TEST(Cmaes, FindsTheGlobalMinimumOfMultimodalModelsWithALargePopulation) {
  pardo::ThreadPool pool(2);
  // Griewank's many local minima flatten out as d grows: 10-d is the easier case.
  for (const auto& [name, d] : {std::pair{"rastrigin", 5}, {"ackley", 5}, {"griewank", 10}}) {
    const models::Model& m = models::find(name);
    Cmaes es({.bounds = Bounds::cube(static_cast<std::size_t>(d), m.low, m.high), .seed = 4},
             {.population = 200});
    const Result r =
        es.solve(pool, m.function, value_to_reach(m.minimum, 1e-6) || evaluation_limit(400000));
    EXPECT_LE(r.value, m.minimum + 1e-6) << name << ": " << r.termination;
  }
}

TEST(Cmaes, MovesTheSameOnEveryBackend) {
  pardo::opt::test::expect_identical(pardo::opt::test::on_every_backend([](auto& executor) {
    Cmaes es({.bounds = Bounds::cube(4, -2.048, 2.048), .seed = 9});
    return es.solve(executor, Objective(models::rosenbrock), generation_limit(60));
  }));
}

TEST(Cmaes, KeepsEveryPointWithinTheBounds) {
  // The minimum lies outside the box: the search ends on the nearest corner.
  Cmaes es({.bounds = {.lower = {1, 2}, .upper = {3, 4}}, .seed = 2}, {.sigma = 5});
  MemoryMonitor memory(true);
  es.add_monitor(memory);
  pardo::SerialExecutor serial;
  const Result r = es.solve(serial, models::sphere, generation_limit(100));
  for (std::size_t i = 0; i < memory.points().size(); i += 2) {
    ASSERT_TRUE(memory.points()[i] >= 1 && memory.points()[i] <= 3);
    ASSERT_TRUE(memory.points()[i + 1] >= 2 && memory.points()[i + 1] <= 4);
  }
  EXPECT_NEAR(r.x[0], 1, 1e-6);
  EXPECT_NEAR(r.x[1], 2, 1e-6);
  EXPECT_NEAR(r.value, 5, 1e-5);
}

TEST(Cmaes, MaximisesAndStartsAtX0) {
  Cmaes es({.bounds = Bounds::cube(2, -3, 3), .sense = Sense::maximize, .x0 = {1, 1}, .seed = 1});
  pardo::SerialExecutor serial;
  const auto bump = [](std::span<const double> x) {
    return -(x[0] * x[0]) - (x[1] - 1) * (x[1] - 1);
  };
  const Result r = es.solve(serial, bump, generation_limit(150));
  EXPECT_NEAR(r.x[0], 0, 1e-6);
  EXPECT_NEAR(r.x[1], 1, 1e-6);
  EXPECT_LE(r.value, 0);
  EXPECT_GE(r.value, -1e-12);
  EXPECT_EQ(r.generations, 150u);
  EXPECT_EQ(r.evaluations, 151u * es.population());  // generation 0 is the first batch
}

TEST(Cmaes, ResumesFromASavedState) {
  const Problem problem{.bounds = Bounds::cube(5, -2.048, 2.048), .seed = 6};
  pardo::SerialExecutor serial;
  Cmaes whole(problem);
  const Result expected = whole.solve(serial, models::rosenbrock, generation_limit(90));
  const std::string path =
      ::testing::TempDir() + "/pardo_opt_" + std::to_string(::getpid()) + "_cmaes.state";
  {
    Cmaes first(problem);
    first.solve(serial, models::rosenbrock, generation_limit(37));
    first.save(path);
  }
  pardo::ThreadPool pool(2);
  Cmaes resumed(problem);
  resumed.restore(path);
  const Result r = resumed.solve(pool, models::rosenbrock, generation_limit(90));
  EXPECT_EQ(r.x, expected.x);
  EXPECT_EQ(r.history, expected.history);
  EXPECT_EQ(resumed.sigma(), whole.sigma());
  Cmaes other(problem, {.population = 9});
  EXPECT_THROW(other.restore(path), std::invalid_argument);
  std::remove(path.c_str());
}

TEST(Cmaes, RejectsBadSettingsNamingTheValue) {
  const Problem p{.bounds = Bounds::cube(2, 0, 1)};
  EXPECT_EQ(message_of([&] { Cmaes(p, {.population = 1}); }),
            "Cmaes: population = 1: it needs at least 2 points per generation");
  EXPECT_EQ(message_of([&] { Cmaes(p, {.sigma = -1}); }),
            "Cmaes: sigma = -1: need a finite sigma > 0 (or 0: the default)");
  EXPECT_EQ(message_of([&] { Cmaes(p, {.sigma = NAN}); }),
            "Cmaes: sigma = nan: need a finite sigma > 0 (or 0: the default)");
}

}  // namespace
