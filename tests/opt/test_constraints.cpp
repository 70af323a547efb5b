#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <numeric>
#include <pardo/opt.hpp>
#include <pardo/pardo.hpp>
#include <pardo/process_pool.hpp>
#include <stdexcept>
#include <string>

#include "opt/solver_support.hpp"

namespace {

using namespace pardo::opt;
using pardo::opt::test::message_of;

// x0 + x1 >= 1, written as g(x) = 1 - x0 - x1 <= 0. With the sphere its optimum is
// (0.5, 0.5), value 0.5; the unconstrained minimum (0, 0) is infeasible.
double half_plane(std::span<const double> x) { return 1 - x[0] - x[1]; }

double negated_sphere(std::span<const double> x) { return -models::sphere(x); }
PARDO_REMOTE_FUNCTION(negated_sphere);

std::vector<std::unique_ptr<Solver>> every_solver(const Problem& p) {
  std::vector<std::unique_ptr<Solver>> out;
  out.push_back(std::make_unique<NelderMead>(p));
  out.push_back(std::make_unique<Powell>(p));
  out.push_back(std::make_unique<DifferentialEvolution>(p));
  out.push_back(std::make_unique<ParticleSwarm>(p));
  out.push_back(std::make_unique<Cmaes>(p));
  return out;
}

const char* name_of(std::size_t i) {
  static const char* names[] = {"nelder-mead", "powell", "de", "pso", "cmaes"};
  return names[i];
}

TEST(Constraints, AQuadraticPenaltyEndsWithinItsWeightOfTheFeasibleSet) {
  pardo::ThreadPool pool(2);
  Constraints c{.inequalities = {half_plane}};
  auto solvers = every_solver({.bounds = Bounds::cube(2, -3, 3), .x0 = {-2, -2}, .seed = 5});
  for (std::size_t i = 0; i < solvers.size(); ++i) {
    solvers[i]->set_constraints(c);
    const Result r = solvers[i]->solve(pool, models::sphere, evaluation_limit(20000));
    EXPECT_NEAR(r.x[0], 0.5, 1e-3) << name_of(i);
    EXPECT_NEAR(r.x[1], 0.5, 1e-3) << name_of(i);
    EXPECT_LE(c.violation(r.x), 1e-5) << name_of(i);
    EXPECT_NEAR(r.value, 0.5, 1e-5) << name_of(i);
  }
}

TEST(Constraints, ABarrierKeepsTheResultFeasible) {
  pardo::ThreadPool pool(2);
  Constraints c{.inequalities = {half_plane}, .form = PenaltyForm::barrier};
  auto solvers = every_solver({.bounds = Bounds::cube(2, -3, 3), .x0 = {2, 2}, .seed = 6});
  for (std::size_t i = 0; i < solvers.size(); ++i) {
    solvers[i]->set_constraints(c);
    const Result r = solvers[i]->solve(pool, models::sphere, evaluation_limit(20000));
    EXPECT_EQ(c.violation(r.x), 0) << name_of(i);
    EXPECT_GE(r.value, 0.5 - 1e-12) << name_of(i);
    // Powell's line searches along the axes stop where they meet the diagonal wall: a
    // barrier leaves it feasible but not optimal.
    if (std::string(name_of(i)) != "powell") {
      EXPECT_NEAR(r.value, 0.5, 1e-3) << name_of(i);
    }
  }
}

TEST(Constraints, EqualitiesHoldWithinTheirTolerance) {
  // Minimise the sphere on the line x0 = 2 x1 + 1: the optimum is (0.2, -0.4).
  pardo::SerialExecutor serial;
  Constraints c{.equalities = {[](std::span<const double> x) { return x[0] - 2 * x[1] - 1; }},
                .form = PenaltyForm::barrier,
                .tolerance = 1e-3};
  DifferentialEvolution de({.bounds = Bounds::cube(2, -2, 2), .seed = 2});
  de.set_constraints(c);
  const Result r = de.solve(serial, models::sphere, generation_limit(300));
  EXPECT_LE(std::abs(r.x[0] - 2 * r.x[1] - 1), 1e-3);
  EXPECT_NEAR(r.x[0], 0.2, 2e-3);
  EXPECT_NEAR(r.x[1], -0.4, 2e-3);
}

TEST(Constraints, AProjectionIsAppliedToEveryPointEvaluated) {
  // Weights on the simplex x >= 0, sum x = 1, found by projecting (rescaling) each point.
  const auto onto_simplex = [](std::span<double> x) {
    const double sum = std::accumulate(x.begin(), x.end(), 0.0);
    for (double& v : x) v = sum > 0 ? v / sum : 1.0 / static_cast<double>(x.size());
  };
  const auto target = [](std::span<const double> x) {
    return (x[0] - 0.2) * (x[0] - 0.2) + (x[1] - 0.3) * (x[1] - 0.3) + (x[2] - 0.5) * (x[2] - 0.5);
  };
  pardo::ThreadPool pool(2);
  auto solvers = every_solver({.bounds = Bounds::cube(3, 0, 1), .seed = 3});
  for (std::size_t i = 0; i < solvers.size(); ++i) {
    MemoryMonitor memory(true);
    solvers[i]->add_monitor(memory);
    solvers[i]->set_constraints({.projection = onto_simplex});
    const Result r = solvers[i]->solve(pool, target, evaluation_limit(6000));
    for (std::size_t at = 0; at < memory.points().size(); at += 3) {
      const double sum = memory.points()[at] + memory.points()[at + 1] + memory.points()[at + 2];
      ASSERT_NEAR(sum, 1, 1e-12) << name_of(i) << " point " << at / 3;
    }
    EXPECT_NEAR(r.x[0], 0.2, 1e-3) << name_of(i);
    EXPECT_NEAR(r.x[2], 0.5, 1e-3) << name_of(i);
  }
}

TEST(Constraints, WorkWhenMaximisingAndOnEveryBackend) {
  // Maximise -(x0² + x1²) with x0 >= 1: the optimum is (1, 0), value -1.
  Constraints c{.inequalities = {[](std::span<const double> x) { return 1 - x[0]; }}};
  const auto results = pardo::opt::test::on_every_backend([&](auto& executor) {
    DifferentialEvolution de(
        {.bounds = Bounds::cube(2, -3, 3), .sense = Sense::maximize, .seed = 4});
    de.set_constraints(c);
    return de.solve(executor, Objective(negated_sphere), generation_limit(200));
  });
  pardo::opt::test::expect_identical(results);
  const Result& r = results.front().second;
  EXPECT_NEAR(r.x[0], 1, 1e-3);
  EXPECT_NEAR(r.x[1], 0, 1e-3);
  EXPECT_NEAR(r.value, -1, 1e-3);
}

TEST(Constraints, ApplyToEveryRunOfAnEnsembleAndToAPolish) {
  const Problem problem{.bounds = Bounds::cube(2, -3, 3), .seed = 7};
  const Constraints c{.inequalities = {half_plane}, .form = PenaltyForm::barrier};
  Buckshot buckshot(problem, 6, NelderMeadOptions{});
  buckshot.set_constraints(c);
  for (const std::size_t workers : {1u, 2u, 5u}) {
    pardo::ThreadPool pool(workers);
    const EnsembleResult r = buckshot.solve(pool, models::sphere, evaluation_limit(3000));
    // A run that never saw a feasible point ends where it started, its value +inf.
    for (const Result& run : r.runs) {
      EXPECT_TRUE(c.violation(run.x) == 0 || run.value == HUGE_VAL) << workers;
    }
    EXPECT_EQ(c.violation(r.best.x), 0) << workers;
    EXPECT_NEAR(r.best.value, 0.5, 1e-6) << workers;
  }
  pardo::ProcessPool processes(2);
  EXPECT_EQ(message_of([&] {
              buckshot.solve(processes, Objective(models::sphere), evaluation_limit(100));
            }),
            "solve_ensemble: constraints are callables of this process and cannot reach "
            "worker processes or MPI ranks: fold them into the registered objective");
  // A polish runs here, its evaluations on the workers: constraints work on processes.
  DifferentialEvolution de(problem);
  de.set_constraints(c);
  const Result global = de.solve(processes, Objective(models::sphere), generation_limit(30));
  const Result polished = polish(processes, Objective(models::sphere), problem, global,
                                 NelderMeadOptions{}, evaluation_limit(2000), c);
  EXPECT_EQ(c.violation(polished.x), 0);
  EXPECT_NEAR(polished.value, 0.5, 1e-6);
  EXPECT_LE(polished.value, global.value);
}

TEST(Constraints, ANanConstraintCountsAsViolated) {
  Constraints c{.inequalities = {[](std::span<const double>) { return std::nan(""); }}};
  const std::vector<double> x{0, 0};
  EXPECT_EQ(c.violation(x), std::numeric_limits<double>::infinity());
  EXPECT_EQ(c.penalty(x), std::numeric_limits<double>::infinity());
  c.form = PenaltyForm::barrier;
  EXPECT_EQ(c.penalty(x), std::numeric_limits<double>::infinity());
}

TEST(Constraints, RejectsBadSettingsNamingTheValue) {
  NelderMead nm({.bounds = Bounds::cube(2, 0, 1)});
  EXPECT_EQ(message_of([&] { nm.set_constraints({.weight = 0}); }),
            "Constraints: weight = 0: need a finite weight > 0");
  EXPECT_EQ(message_of([&] { nm.set_constraints({.tolerance = -1}); }),
            "Constraints: tolerance = -1: need a finite tolerance >= 0");
  EXPECT_EQ(message_of([&] { nm.set_constraints({.inequalities = {nullptr}}); }),
            "Constraints: an inequality is an empty function");
}

}  // namespace
