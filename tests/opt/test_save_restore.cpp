#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <pardo/opt.hpp>
#include <pardo/pardo.hpp>
#include <pardo/process_pool.hpp>
#include <stdexcept>
#include <string>

#include "opt/solver_support.hpp"

namespace {

using namespace pardo::opt;

std::string temp_path(const char* name) {
  return ::testing::TempDir() + "/pardo_opt_" + std::to_string(::getpid()) + "_" + name;
}

const Problem rosenbrock_problem{.bounds = Bounds::cube(3, -5, 10), .seed = 9};

TEST(SaveRestore, NelderMeadResumesTheSameTrajectory) {
  pardo::ThreadPool pool(2);
  NelderMead whole(rosenbrock_problem, {.adaptive = true});
  const Result expected = whole.solve(pool, models::rosenbrock, generation_limit(80));
  const std::string path = temp_path("nm.state");
  {
    NelderMead first(rosenbrock_problem, {.adaptive = true});
    first.solve(pool, models::rosenbrock, generation_limit(33));
    first.save(path);
  }
  NelderMead resumed(rosenbrock_problem, {.adaptive = true});
  resumed.restore(path);
  EXPECT_EQ(resumed.result().generations, 33u);
  const Result r = resumed.solve(pool, models::rosenbrock, generation_limit(80));
  EXPECT_EQ(r.x, expected.x);
  EXPECT_EQ(r.history, expected.history);
  EXPECT_EQ(r.evaluations, expected.evaluations);
  std::remove(path.c_str());
}

TEST(SaveRestore, DifferentialEvolutionResumesOnAnotherBackend) {
  const Problem problem{.bounds = Bounds::cube(4, -5.12, 5.12), .seed = 4};
  pardo::SerialExecutor serial;
  DifferentialEvolution whole(problem, {.population = 16});
  const Result expected = whole.solve(serial, models::rastrigin, generation_limit(40));
  const std::string path = temp_path("de.state");
  {
    DifferentialEvolution first(problem, {.population = 16});
    first.solve(serial, models::rastrigin, generation_limit(15));
    first.ask();  // a batch asked and not yet told travels with the state
    first.save(path);
  }
  pardo::ProcessPool pool(2);
  DifferentialEvolution resumed(problem, {.population = 16});
  resumed.restore(path);
  const Result r = resumed.solve(pool, Objective(models::rastrigin), generation_limit(40));
  EXPECT_EQ(r.x, expected.x);
  EXPECT_EQ(r.history, expected.history);
  EXPECT_EQ(r.evaluations, expected.evaluations);
  std::remove(path.c_str());
}

TEST(SaveRestore, RefusesAStateOfAnotherSolverProblemOrOptions) {
  const std::string path = temp_path("other.state");
  NelderMead nm(rosenbrock_problem);
  pardo::SerialExecutor serial;
  nm.solve(serial, models::rosenbrock, generation_limit(3));
  nm.save(path);
  DifferentialEvolution de(rosenbrock_problem);
  EXPECT_EQ(pardo::opt::test::message_of<std::exception>([&] { de.restore(path); }),
            "restore: " + path + " was saved by a nelder-mead solver, not differential-evolution");
  Problem other_seed = rosenbrock_problem;
  other_seed.seed = 10;
  NelderMead seeded(other_seed);
  EXPECT_EQ(pardo::opt::test::message_of<std::exception>([&] { seeded.restore(path); }),
            "restore: " + path + " was saved with another seed");
  NelderMead adaptive(rosenbrock_problem, {.adaptive = true});
  EXPECT_EQ(pardo::opt::test::message_of<std::exception>([&] { adaptive.restore(path); }),
            "restore: the state was saved with other NelderMead options");
  EXPECT_EQ(adaptive.result().evaluations, 0u);  // unchanged
  std::remove(path.c_str());
}

TEST(SaveRestore, ACorruptOrMissingFileLeavesTheSolverAsItWas) {
  const std::string path = temp_path("cut.state");
  pardo::SerialExecutor serial;
  NelderMead nm(rosenbrock_problem);
  nm.solve(serial, models::rosenbrock, generation_limit(5));
  nm.save(path);
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const Result before = nm.result();
  for (std::size_t cut : {std::size_t{0}, std::size_t{10}, bytes.size() / 2, bytes.size() - 1}) {
    {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out.write(bytes.data(), static_cast<std::streamsize>(cut));
    }
    NelderMead target(rosenbrock_problem);
    target.solve(serial, models::rosenbrock, generation_limit(2));
    const Result mine = target.result();
    EXPECT_THROW(target.restore(path), pardo::SerializationError) << "cut at " << cut;
    EXPECT_EQ(target.result().history, mine.history);
  }
  EXPECT_EQ(
      pardo::opt::test::message_of<std::exception>([&] { nm.restore("/nonexistent-dir/x.state"); }),
      "restore: cannot open /nonexistent-dir/x.state: No such file or directory");
  EXPECT_EQ(
      pardo::opt::test::message_of<std::exception>([&] { nm.save("/nonexistent-dir/x.state"); }),
      "save: cannot create /nonexistent-dir/x.state.tmp: No such file or directory");
  EXPECT_EQ(nm.result().history, before.history);
  std::remove(path.c_str());
}

// The bytes are the file's, and resume the same trajectory; a cut or foreign buffer is
// refused by the name given as its origin.
TEST(SaveRestore, BytesAreTheFileAndResumeTheSameTrajectory) {
  pardo::ThreadPool pool(2);
  const Problem problem{.bounds = Bounds::cube(3, -5, 5), .seed = 5};
  Cmaes whole(problem, {.population = 8});
  const Result expected = whole.solve(pool, models::sphere, generation_limit(30));
  Cmaes first(problem, {.population = 8});
  first.solve(pool, models::sphere, generation_limit(12));
  const std::string bytes = first.save_to_bytes();
  const std::string path = temp_path("cmaes.state");
  first.save(path);
  std::ifstream in(path, std::ios::binary);
  const std::string file{std::istreambuf_iterator<char>(in), {}};
  EXPECT_EQ(file.size(), bytes.size());
  Cmaes resumed(problem, {.population = 8});
  resumed.restore_from_bytes(bytes, "run.ckpt");
  const Result r = resumed.solve(pool, models::sphere, generation_limit(30));
  EXPECT_EQ(r.x, expected.x);
  EXPECT_EQ(r.history, expected.history);
  EXPECT_EQ(r.evaluations, expected.evaluations);
  Cmaes other(problem, {.population = 8});
  EXPECT_EQ(pardo::opt::test::message_of<pardo::SerializationError>(
                [&] { other.restore_from_bytes("not a state", "run.ckpt"); }),
            "restore: run.ckpt is not a pardo::opt state file");
  EXPECT_THROW(other.restore_from_bytes(std::string_view(bytes).substr(0, bytes.size() / 2), "x"),
               pardo::SerializationError);
  std::remove(path.c_str());
}

}  // namespace
