#include <gtest/gtest.h>

#include <cmath>

#include <pardo/opt.hpp>
#include <pardo/pardo.hpp>
#include <pardo/process_pool.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "opt/solver_support.hpp"

namespace {

using namespace pardo::opt;

const Termination local_stop = candidate_relative_tolerance(1e-9, 1e-12) || evaluation_limit(5000);

TEST(LatticeStarts, AreTheCentresOfTheCellsLastAxisFastest) {
  const std::vector<std::size_t> cells{2, 3};
  const auto starts = lattice_starts({.lower = {0, 0}, .upper = {1, 3}}, cells);
  const std::vector<std::vector<double>> expected{{0.25, 0.5}, {0.25, 1.5}, {0.25, 2.5},
                                                  {0.75, 0.5}, {0.75, 1.5}, {0.75, 2.5}};
  EXPECT_EQ(starts, expected);
}

TEST(LatticeStarts, RejectBadCellCountsNamingThem) {
  const Bounds box = Bounds::cube(2, 0, 1);
  try {
    lattice_starts(box, std::vector<std::size_t>{2, 0});
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "lattice_starts: cells[1] is 0: every axis needs a cell");
  }
  EXPECT_THROW(lattice_starts(box, std::vector<std::size_t>{2}), std::invalid_argument);
  EXPECT_THROW(lattice_starts(box, std::vector<std::size_t>{1u << 13, 1u << 12}),
               std::invalid_argument);
}

TEST(BuckshotStarts, AreReproducibleWithinTheBoxWithX0First) {
  const Problem p{.bounds = {.lower = {-1, 10}, .upper = {1, 20}}, .x0 = {0, 15}, .seed = 3};
  const auto starts = buckshot_starts(p, 50);
  ASSERT_EQ(starts.size(), 50u);
  EXPECT_EQ(starts[0], p.x0);
  for (const auto& x : starts) {
    EXPECT_TRUE(x[0] >= -1 && x[0] <= 1);
    EXPECT_TRUE(x[1] >= 10 && x[1] <= 20);
  }
  EXPECT_EQ(buckshot_starts(p, 50), starts);
  EXPECT_THROW(buckshot_starts(p, 0), std::invalid_argument);
}

TEST(Buckshot, PowellFromTwentyStartsFindsRastriginsGlobalMinimum) {
  Buckshot buckshot({.bounds = Bounds::cube(2, -5.12, 5.12), .seed = 1}, 20,
                    PowellOptions{.line_tolerance = 1e-8});
  pardo::ThreadPool pool(2);
  const EnsembleResult r = buckshot.solve(pool, models::rastrigin, local_stop);
  ASSERT_EQ(r.runs.size(), 20u);
  EXPECT_LT(r.best.value, 1e-10);
  EXPECT_EQ(r.best.value, r.runs[r.best_run].value);
  std::uint64_t total = 0;
  for (const Result& run : r.runs) {
    total += run.evaluations;
    EXPECT_GE(run.value, r.best.value);
  }
  EXPECT_EQ(r.evaluations, total);
}

TEST(Buckshot, MakesTheSameRunsOnEveryBackendAndSchedule) {
  const Problem problem{.bounds = Bounds::cube(3, -5.12, 5.12), .seed = 5};
  for (const pardo::Schedule schedule :
       {pardo::Schedule::static_blocks, pardo::Schedule::round_robin, pardo::Schedule::dynamic}) {
    const auto results = pardo::opt::test::on_every_backend([&](auto& executor) {
      Buckshot buckshot(problem, 6, NelderMeadOptions{});
      const EnsembleResult r = buckshot.solve(executor, Objective(models::rastrigin),
                                              generation_limit(40), {.schedule = schedule});
      return r.best;
    });
    pardo::opt::test::expect_identical(results);
  }
}

TEST(Lattice, NelderMeadOnAGridFindsTheLowestPeak) {
  Lattice lattice({.bounds = Bounds::cube(2, -3, 3)}, {3, 3}, NelderMeadOptions{});
  pardo::ProcessPool pool(2);
  const EnsembleResult r = lattice.solve(pool, Objective(models::peaks), local_stop);
  ASSERT_EQ(r.runs.size(), 9u);
  EXPECT_NEAR(r.best.value, -6.551133332835841, 1e-9);
  EXPECT_EQ(lattice.starts()[4], (std::vector<double>{0, 0}));
}

TEST(Lattice, MaximisingPicksTheHighestRun) {
  Lattice lattice({.bounds = Bounds::cube(2, -3, 3), .sense = Sense::maximize}, {2, 2},
                  PowellOptions{.line_tolerance = 1e-8});
  pardo::SerialExecutor serial;
  const EnsembleResult r = lattice.solve(serial, models::peaks, local_stop);
  for (const Result& run : r.runs) EXPECT_LE(run.value, r.best.value);
  EXPECT_NEAR(r.best.value, 8.10621358944234, 1e-7);
}

TEST(Ensembles, RejectAStartOutsideTheBounds) {
  pardo::SerialExecutor serial;
  const Problem p{.bounds = Bounds::cube(2, 0, 1)};
  EXPECT_THROW(
      solve_ensemble(serial, models::sphere, p, {{0.5, 2.0}}, PowellOptions{}, generation_limit(1)),
      std::invalid_argument);
  EXPECT_THROW(solve_ensemble(serial, models::sphere, p, {}, PowellOptions{}, generation_limit(1)),
               std::invalid_argument);
}

}  // namespace

namespace {

using namespace pardo::opt;

TEST(Polish, PowellAfterDifferentialEvolutionReachesFullPrecision) {
  const Problem problem{.bounds = Bounds::cube(4, -5, 10), .seed = 2};
  pardo::ThreadPool pool(2);
  DifferentialEvolution de(problem);
  const Result global = de.solve(pool, models::rosenbrock, generation_limit(150));
  EXPECT_GT(global.value, 1e-10);  // DE alone is not there yet
  const Result polished =
      polish(pool, models::rosenbrock, problem, global, PowellOptions{.line_tolerance = 1e-9},
             candidate_relative_tolerance(1e-10, 1e-14) || evaluation_limit(20000));
  EXPECT_LT(polished.value, 1e-12);
  EXPECT_GT(polished.evaluations, global.evaluations);
  EXPECT_EQ(polished.history.front(), global.history.front());
  EXPECT_EQ(polished.history.size(),
            global.history.size() + (polished.generations - global.generations) + 1);
}

TEST(Ensemble, MonitorsHearOneGenerationPerRunInStartOrder) {
  const Problem problem{.bounds = Bounds::cube(3, -5.12, 5.12), .seed = 4};
  Buckshot buckshot(problem, 7, PowellOptions{});
  MemoryMonitor memory;
  buckshot.add_monitor(memory);
  pardo::ProcessPool pool(3);
  const EnsembleResult r = buckshot.solve(pool, Objective(models::rastrigin), evaluation_limit(400),
                                          {.schedule = pardo::Schedule::dynamic});
  ASSERT_EQ(memory.generations().size(), 7u);
  std::uint64_t evaluations = 0;
  double best = HUGE_VAL;
  for (std::size_t i = 0; i < 7; ++i) {
    const GenerationRecord& g = memory.generations()[i];
    evaluations += r.runs[i].evaluations;
    best = std::min(best, r.runs[i].value);
    EXPECT_EQ(g.generation, i);
    EXPECT_EQ(g.evaluations, evaluations);
    EXPECT_EQ(g.best_value, best);
  }
  EXPECT_EQ(memory.generations().back().best_x, r.best.x);
  EXPECT_EQ(evaluations, r.evaluations);
}

TEST(Polish, NeverReturnsWorseThanTheGlobalResult) {
  const Problem problem{.bounds = Bounds::cube(2, -5, 5)};
  Result global;
  global.x = {0, 0};
  global.value = -1;  // better than the sphere can reach: the polish cannot beat it
  global.evaluations = 10;
  pardo::SerialExecutor serial;
  const Result r =
      polish(serial, models::sphere, problem, global, NelderMeadOptions{}, generation_limit(5));
  EXPECT_EQ(r.value, -1);
  EXPECT_EQ(r.x, global.x);
  EXPECT_GT(r.evaluations, 10u);
}

}  // namespace
