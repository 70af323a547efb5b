// Solvers and default stops by name: what `pardo optimize` and pardo.optimize build.

#include <gtest/gtest.h>

#include <pardo/opt.hpp>
#include <pardo/threads/thread_pool.hpp>
#include <stdexcept>
#include <string>

namespace pardo::opt {
namespace {

Problem box(std::size_t dim) { return {.bounds = Bounds::cube(dim, -3, 3), .seed = 5}; }

std::string message_of(auto make) {
  try {
    make();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no exception";
}

TEST(ByName, MakesEachSolverWithItsPopulation) {
  EXPECT_NE(dynamic_cast<NelderMead*>(make_solver("nelder-mead", box(2)).get()), nullptr);
  EXPECT_NE(dynamic_cast<Powell*>(make_solver("powell", box(2)).get()), nullptr);
  EXPECT_NE(dynamic_cast<DifferentialEvolution*>(make_solver("de", box(2)).get()), nullptr);
  EXPECT_NE(dynamic_cast<ParticleSwarm*>(make_solver("pso", box(2)).get()), nullptr);
  const auto cmaes = make_solver("cmaes", box(4), 12);
  EXPECT_EQ(population_of(*cmaes), 12U);
  EXPECT_EQ(population_of(*make_solver("de", box(2), 30)), 0U);
}

TEST(ByName, TheSameNameAndSeedSolveToTheSameBits) {
  ThreadPool pool(2);
  const auto stop = default_termination("de", 3) || evaluation_limit(2000);
  const Result a = make_solver("de", box(3))->solve(pool, models::rastrigin, stop);
  const Result b = make_solver("de", box(3))->solve(pool, models::rastrigin, stop);
  EXPECT_EQ(a.x, b.x);
  EXPECT_EQ(a.value, b.value);
}

TEST(ByName, DefaultStopsAreTheDocumentedRules) {
  EXPECT_EQ(default_termination("nelder-mead", 3).describe(),
            "candidate_relative_tolerance(1e-08, 1e-08)");
  EXPECT_EQ(default_termination("de", 3).describe(), "population_spread(0.01, 0)");
  EXPECT_EQ(default_termination("pso", 3).describe(), "change_over_generations(1e-10, 100)");
  // cmaes: 10 + ceil(30 d / lambda) generations, d = 4, lambda = 8: 25.
  EXPECT_EQ(default_termination("cmaes", 4, 8).describe(), "change_over_generations(1e-12, 25)");
}

TEST(ByName, BadNamesAndOptionsAreNamed) {
  EXPECT_NE(message_of([] { make_solver("bfgs", box(2)); }).find("unknown solver 'bfgs'"),
            std::string::npos);
  EXPECT_NE(message_of([] {
              make_solver("powell", box(2), 10);
            }).find("a population applies to de, pso or cmaes, not powell"),
            std::string::npos);
  EXPECT_NE(message_of([] { default_termination("lbfgs", 2); }).find("unknown solver 'lbfgs'"),
            std::string::npos);
  EXPECT_NE(message_of([] { default_termination("cmaes", 2); }).find("needs its population"),
            std::string::npos);
}

}  // namespace
}  // namespace pardo::opt
