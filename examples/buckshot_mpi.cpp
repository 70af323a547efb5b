// Buckshot-Powell on MPI ranks: Powell's method from 20 random starts within strict bounds,
// one start per task, dealt dynamically to the ranks, each run's end logged to buckshot.csv.
// Launch it with mpirun (rank 0 leads; the other ranks run the starts):
//
//   mpirun -np 4 ./buckshot_mpi
//
// The 20 runs, and so the best one, are the same at any number of ranks.
#include <cstdio>
#include <pardo/mpi.hpp>
#include <pardo/opt.hpp>

int main(int argc, char** argv) {
  using namespace pardo::opt;
  pardo::mpi::Environment env(argc, argv);
  pardo::mpi::Pool pool(env.world());  // ranks other than 0 serve here until rank 0 is done
  if (!pool.is_master()) return 0;

  // Ackley in 4 dimensions: a field of local minima around the global one, 0 at the origin.
  const Problem problem{.bounds = Bounds::cube(4, -32.768, 32.768), .seed = 2026};
  Buckshot buckshot(problem, 20, PowellOptions{});
  LogMonitor log("buckshot.csv", LogFormat::csv);
  buckshot.add_monitor(log);
  const EnsembleResult r =
      buckshot.solve(pool, Objective(models::ackley),
                     candidate_relative_tolerance(1e-8, 1e-10) || evaluation_limit(20000),
                     {.schedule = pardo::Schedule::dynamic});
  int global = 0;
  for (const Result& run : r.runs) global += run.value < 1e-6 ? 1 : 0;
  std::printf(
      "%d ranks: %d of %zu Powell runs found the global minimum; the best, run %zu, "
      "f = %.3g at (%.4f, %.4f, %.4f, %.4f); %llu evaluations in all; every run's end "
      "is in buckshot.csv\n",
      env.world().size(), global, r.runs.size(), r.best_run, r.best.value, r.best.x[0], r.best.x[1],
      r.best.x[2], r.best.x[3], static_cast<unsigned long long>(r.evaluations));
}
