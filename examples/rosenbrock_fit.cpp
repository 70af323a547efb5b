// The classic first program of an optimisation framework: Nelder-Mead on Rosenbrock's
// valley, printing every 20th generation, stopped when the best value has changed by less
// than 1e-6 over 10 generations; then continued, from where it stopped, with a tolerance a
// thousand times tighter. The simplex's first vertices and every shrink are evaluated in
// parallel on a ThreadPool; the run is the same on any executor.
#include <cstdio>
#include <pardo/opt.hpp>
#include <pardo/pardo.hpp>

int main() {
  using namespace pardo::opt;
  pardo::ThreadPool pool;
  NelderMead solver({.bounds = Bounds::cube(2, -2.048, 2.048), .x0 = {-1.2, 1.0}});
  PrintMonitor verbose(stdout, 20);
  solver.add_monitor(verbose);

  Result r = solver.solve(pool, models::rosenbrock, change_over_generations(1e-6, 10));
  std::printf("first stop (%s): f(%.6f, %.6f) = %.3g after %llu evaluations\n",
              r.termination.c_str(), r.x[0], r.x[1], r.value,
              static_cast<unsigned long long>(r.evaluations));

  r = solver.solve(pool, models::rosenbrock,
                   change_over_generations(1e-9, 10) || evaluation_limit(5000));
  std::printf("continued (%s): f(%.9f, %.9f) = %.3g after %llu evaluations\n",
              r.termination.c_str(), r.x[0], r.x[1], r.value,
              static_cast<unsigned long long>(r.evaluations));
  return r.value < 1e-10 ? 0 : 1;
}
