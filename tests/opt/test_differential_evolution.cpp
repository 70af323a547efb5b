#include <gtest/gtest.h>

#include <pardo/opt.hpp>
#include <pardo/pardo.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "opt/solver_support.hpp"

namespace {

using namespace pardo::opt;

struct Case {
  const char* model;
  std::size_t dim;
  std::uint64_t max_evaluations;
};

TEST(DifferentialEvolution, ReachesTheGlobalMinimumOfMultimodalModels) {
  pardo::ThreadPool pool(2);
  for (const Case c :
       {Case{"sphere", 5, 30000}, Case{"rastrigin", 5, 60000}, Case{"ackley", 5, 60000},
        Case{"griewank", 2, 30000}, Case{"peaks", 2, 10000}, Case{"zimmermann", 2, 20000}}) {
    const models::Model& m = models::find(c.model);
    for (const std::uint64_t seed : {1u, 2u, 3u}) {
      // rand/1/bin explores more than scipy's best/1/bin, which can settle in a local minimum.
      DifferentialEvolution de({.bounds = Bounds::cube(c.dim, m.low, m.high), .seed = seed},
                               {.strategy = DeStrategy::rand1bin});
      const Result r = de.solve(
          pool, m.function, value_to_reach(m.minimum, 1e-6) || evaluation_limit(c.max_evaluations));
      EXPECT_EQ(
          r.termination, "value_to_reach(" +
                             [&] {
                               char t[32];
                               std::snprintf(t, sizeof t, "%.6g", m.minimum);
                               return std::string(t);
                             }() +
                             ")")
          << c.model << " seed " << seed << ": " << r.value;
    }
  }
}

TEST(DifferentialEvolution, EveryStrategySolvesTheSphere) {
  pardo::SerialExecutor serial;
  for (DeStrategy s :
       {DeStrategy::rand1bin, DeStrategy::best1bin, DeStrategy::current_to_best1bin}) {
    DifferentialEvolution de({.bounds = Bounds::cube(4, -5, 5), .seed = 5}, {.strategy = s});
    const Result r =
        de.solve(serial, models::sphere, value_to_reach(0, 1e-8) || generation_limit(2000));
    EXPECT_LT(r.value, 1e-8) << static_cast<int>(s);
  }
}

TEST(DifferentialEvolution, TakesTheSameStepsOnEveryBackend) {
  pardo::opt::test::expect_identical(pardo::opt::test::on_every_backend([](auto& executor) {
    DifferentialEvolution de({.bounds = Bounds::cube(3, -5.12, 5.12), .seed = 42},
                             {.population = 20});
    return de.solve(executor, Objective(models::rastrigin), generation_limit(30));
  }));
}

TEST(DifferentialEvolution, KeepsEveryTrialWithinTheBounds) {
  DifferentialEvolution de({.bounds = {.lower = {0, -1}, .upper = {0.5, 1}}, .seed = 3},
                           {.population = 10, .mutation_low = 1.9, .mutation_high = 2});
  MemoryMonitor memory(true);
  de.add_monitor(memory);
  pardo::SerialExecutor serial;
  de.solve(serial, models::sphere, generation_limit(50));
  ASSERT_EQ(memory.points().size(), 2u * 10 * 51);
  for (std::size_t i = 0; i < memory.points().size(); i += 2) {
    EXPECT_TRUE(memory.points()[i] >= 0 && memory.points()[i] <= 0.5);
    EXPECT_TRUE(memory.points()[i + 1] >= -1 && memory.points()[i + 1] <= 1);
  }
}

TEST(DifferentialEvolution, TheFirstPopulationIsALatinHypercubeWithX0First) {
  DifferentialEvolution de({.bounds = Bounds::cube(2, 0, 10), .x0 = {3, 3}, .seed = 1},
                           {.population = 10});
  const auto points = de.ask();
  ASSERT_EQ(points.size(), 20u);
  EXPECT_EQ(points[0], 3);
  EXPECT_EQ(points[1], 3);
  for (std::size_t axis = 0; axis < 2; ++axis) {
    std::vector<int> per_slice(10, 0);
    for (std::size_t i = 1; i < 10; ++i)
      ++per_slice[static_cast<std::size_t>(points[2 * i + axis])];
    for (int count : per_slice) EXPECT_LE(count, 1);
  }
}

TEST(DifferentialEvolution, DefaultPopulationIsFifteenPerDimension) {
  EXPECT_EQ(DifferentialEvolution({.bounds = Bounds::cube(4, 0, 1)}).population(), 60u);
  EXPECT_EQ(DifferentialEvolution({.bounds = Bounds::cube(1, 0, 1)}).population(), 15u);
}

TEST(DifferentialEvolution, RejectsBadOptionsNamingTheValue) {
  const Problem p{.bounds = Bounds::cube(2, 0, 1)};
  EXPECT_EQ(pardo::opt::test::message_of([&] { DifferentialEvolution(p, {.population = 4}); }),
            "DifferentialEvolution: population = 4: it needs at least 5 (the target and four "
            "others)");
  EXPECT_EQ(pardo::opt::test::message_of([&] { DifferentialEvolution(p, {.crossover = 1.5}); }),
            "DifferentialEvolution: crossover = 1.5: need 0 <= it <= 1");
  EXPECT_NE(pardo::opt::test::message_of([&] {
              DifferentialEvolution(p, {.mutation_low = 0});
            }).find("mutation_low = 0"),
            std::string::npos);
}

TEST(DifferentialEvolution, AnEmptyObjectiveHandleIsRejected) {
  DifferentialEvolution de({.bounds = Bounds::cube(2, 0, 1)});
  pardo::ProcessPool pool(1);
  EXPECT_THROW(de.solve(pool, Objective{}, generation_limit(1)), std::invalid_argument);
}

}  // namespace

namespace {

using namespace pardo::opt;

TEST(DifferentialEvolution, ImmediateUpdatingNeedsFewerEvaluationsAndIsTheSameEverywhere) {
  const DeOptions immediate{.population = 20, .updating = DeUpdating::immediate};
  pardo::opt::test::expect_identical(pardo::opt::test::on_every_backend([&](auto& executor) {
    DifferentialEvolution de({.bounds = Bounds::cube(3, -5.12, 5.12), .seed = 4}, immediate);
    return de.solve(executor, Objective(models::rastrigin), generation_limit(15));
  }));
  // Scipy's experience: each improvement is used at once, so fewer evaluations to a target.
  pardo::SerialExecutor serial;
  std::uint64_t fewer = 0;
  for (const std::uint64_t seed : {1u, 2u, 3u, 4u, 5u}) {
    const Problem p{.bounds = Bounds::cube(5, -5.12, 5.12), .seed = seed};
    const Termination stop = value_to_reach(0, 1e-8) || evaluation_limit(200000);
    DifferentialEvolution a(p, {.population = 20, .updating = DeUpdating::immediate});
    DifferentialEvolution b(p, {.population = 20});
    const Result ra = a.solve(serial, models::sphere, stop);
    const Result rb = b.solve(serial, models::sphere, stop);
    EXPECT_LE(ra.value, 1e-8);
    fewer += ra.evaluations < rb.evaluations ? 1 : 0;
  }
  EXPECT_GE(fewer, 4u);
}

TEST(DifferentialEvolution, ImmediateUpdatingResumesInTheMiddleOfAGeneration) {
  const Problem problem{.bounds = Bounds::cube(3, -5, 10), .seed = 9};
  const DeOptions options{.population = 12, .updating = DeUpdating::immediate};
  pardo::SerialExecutor serial;
  DifferentialEvolution whole(problem, options);
  const Result expected = whole.solve(serial, models::rosenbrock, evaluation_limit(400));
  DifferentialEvolution first(problem, options);
  // The first population, then 7 of the 12 trials of generation 1, one point per ask.
  const auto start = first.ask();
  std::vector<double> values;
  for (std::size_t i = 0; i < 12; ++i)
    values.push_back(models::rosenbrock(start.subspan(3 * i, 3)));
  first.tell(values);
  for (int k = 0; k < 7; ++k) {
    const auto x = first.ask();
    ASSERT_EQ(x.size(), 3u);
    first.tell(std::vector{models::rosenbrock(x)});
  }
  const std::string path = ::testing::TempDir() + "/pardo_opt_de_immediate.state";
  first.save(path);
  DifferentialEvolution resumed(problem, options);
  resumed.restore(path);
  const Result r = resumed.solve(serial, models::rosenbrock, evaluation_limit(400));
  EXPECT_EQ(r.x, expected.x);
  EXPECT_EQ(r.evaluations, expected.evaluations);
  EXPECT_EQ(r.history, expected.history);
  DifferentialEvolution deferred(problem, {.population = 12});
  EXPECT_THROW(deferred.restore(path), std::invalid_argument);
  std::remove(path.c_str());
}

}  // namespace
