#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <pardo/opt.hpp>
#include <pardo/pardo.hpp>
#include <stdexcept>
#include <string>

#include "opt/solver_support.hpp"

namespace {

using namespace pardo::opt;

TEST(ParticleSwarm, ReachesTheMinimumOfSmoothAndMultimodalModels) {
  pardo::ThreadPool pool(2);
  for (const char* name : {"sphere", "ackley", "griewank", "peaks", "rosenbrock"}) {
    const models::Model& m = models::find(name);
    const std::size_t d = m.fixed_dim != 0 ? m.fixed_dim : 2;
    for (const std::uint64_t seed : {1u, 2u, 3u}) {
      ParticleSwarm pso({.bounds = Bounds::cube(d, m.low, m.high), .seed = seed});
      const Result r =
          pso.solve(pool, m.function, value_to_reach(m.minimum, 1e-6) || evaluation_limit(200000));
      EXPECT_LE(r.value, m.minimum + 1e-6) << name << " seed " << seed << ": " << r.termination;
    }
  }
}

TEST(ParticleSwarm, MovesTheSameOnEveryBackend) {
  pardo::opt::test::expect_identical(pardo::opt::test::on_every_backend([](auto& executor) {
    ParticleSwarm pso({.bounds = Bounds::cube(3, -5.12, 5.12), .seed = 8}, {.particles = 12});
    return pso.solve(executor, Objective(models::rastrigin), generation_limit(40));
  }));
}

TEST(ParticleSwarm, StopsParticlesAtTheWalls) {
  // The minimum lies outside the box: the swarm gathers on the corner nearest to it.
  ParticleSwarm pso({.bounds = {.lower = {1, 2}, .upper = {3, 4}}, .seed = 2});
  MemoryMonitor memory(true);
  pso.add_monitor(memory);
  pardo::SerialExecutor serial;
  const Result r = pso.solve(serial, models::sphere, generation_limit(200));
  for (std::size_t i = 0; i < memory.points().size(); i += 2) {
    ASSERT_TRUE(memory.points()[i] >= 1 && memory.points()[i] <= 3);
    ASSERT_TRUE(memory.points()[i + 1] >= 2 && memory.points()[i + 1] <= 4);
  }
  EXPECT_EQ(r.x, (std::vector<double>{1, 2}));
}

TEST(ParticleSwarm, ResumesFromASavedState) {
  const Problem problem{.bounds = Bounds::cube(4, -32.768, 32.768), .seed = 6};
  pardo::SerialExecutor serial;
  ParticleSwarm whole(problem, {.particles = 20});
  const Result expected = whole.solve(serial, models::ackley, generation_limit(50));
  const std::string path =
      ::testing::TempDir() + "/pardo_opt_" + std::to_string(::getpid()) + "_pso.state";
  {
    ParticleSwarm first(problem, {.particles = 20});
    first.solve(serial, models::ackley, generation_limit(20));
    first.save(path);
  }
  pardo::ThreadPool pool(2);
  ParticleSwarm resumed(problem, {.particles = 20});
  resumed.restore(path);
  const Result r = resumed.solve(pool, models::ackley, generation_limit(50));
  EXPECT_EQ(r.x, expected.x);
  EXPECT_EQ(r.history, expected.history);
  ParticleSwarm other(problem, {.particles = 21});
  EXPECT_THROW(other.restore(path), std::invalid_argument);
  std::remove(path.c_str());
}

TEST(ParticleSwarm, RejectsBadSettingsNamingTheValue) {
  const Problem p{.bounds = Bounds::cube(2, 0, 1)};
  try {
    ParticleSwarm(p, {.particles = 1});
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "ParticleSwarm: particles = 1: a swarm needs at least 2");
  }
  try {
    ParticleSwarm(p, {.inertia = -0.5});
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "ParticleSwarm: inertia = -0.5 must be finite and >= 0");
  }
}

}  // namespace
