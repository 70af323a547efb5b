// pardo::opt and NLopt on the test models, for bench/opt/run.py, which runs the Python peers
// (scipy, pyswarms) in the same session and prints the table. One JSON line per run.
//
//   bench_opt suite SOLVER MODEL DIM SEEDS BUDGET
//       SOLVER: de (immediate updating, as scipy's workers=1), de-deferred (a generation at
//       once, as scipy's workers=2), nelder-mead, powell, pso, cmaes (pardo, one core), nlopt-crs2,
//       nlopt-neldermead. A run stops at the value to reach (the model's minimum + 1e-4) or
//       at BUDGET evaluations. Local solvers start from start_point(seed), as the peers do.
//   bench_opt overhead DIM POPULATION GENERATIONS
//       differential evolution on the sphere, one core: seconds per evaluation.
//   bench_opt efficiency BACKEND WORKERS MILLISECONDS
//       differential evolution (40 x 10 generations) with an objective that computes for
//       MILLISECONDS, on threads or processes: the wall time.
//   bench_opt buckshot BACKEND WORKERS MILLISECONDS
//       Buckshot-Powell, 20 starts, 60 evaluations each, the same objective: the wall time.
#include <nlopt.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <pardo/opt.hpp>
#include <pardo/pardo.hpp>
#include <pardo/process_pool.hpp>
#include <string>
#include <vector>

namespace {

using namespace pardo::opt;
using Clock = std::chrono::steady_clock;

constexpr double kTarget = 1e-4;  // success: within this of the known minimum

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The start of a local solver for a seed, computed the same way by the Python peers.
std::vector<double> start_point(const models::Model& m, std::size_t dim, std::uint64_t seed) {
  std::vector<double> x(dim);
  for (std::size_t j = 0; j < dim; ++j) {
    const double u = static_cast<double>((seed * 7919 + j * 104729) % 1000) + 0.5;
    x[j] = m.low + (m.high - m.low) * u / 1000;
  }
  return x;
}

// An objective that computes for a fixed time, as a simulation would.
double busy_sphere(std::span<const double> x) {
  static const double millis = std::atof(std::getenv("BENCH_OPT_MS"));
  const auto until = Clock::now() + std::chrono::duration<double, std::milli>(millis);
  double s = 0;
  while (Clock::now() < until) s += 1e-300;
  return models::sphere(x) + s * 0;
}
PARDO_REMOTE_FUNCTION(busy_sphere);

struct Counted {
  const models::Model* model;
  std::uint64_t evaluations = 0;
  std::uint64_t to_target = 0;
};

double nlopt_objective(unsigned n, const double* x, double* /*grad*/, void* data) {
  auto& c = *static_cast<Counted*>(data);
  const double v = c.model->function(std::span<const double>(x, n));
  ++c.evaluations;
  if (c.to_target == 0 && v <= c.model->minimum + kTarget) c.to_target = c.evaluations;
  return v;
}

void run_nlopt(const std::string& solver, const models::Model& m, std::size_t dim,
               std::uint64_t seed, std::uint64_t budget) {
  const nlopt_algorithm algorithm = solver == "nlopt-crs2" ? NLOPT_GN_CRS2_LM : NLOPT_LN_NELDERMEAD;
  nlopt_opt opt = nlopt_create(algorithm, static_cast<unsigned>(dim));
  const std::vector<double> lower(dim, m.low), upper(dim, m.high);
  nlopt_set_lower_bounds(opt, lower.data());
  nlopt_set_upper_bounds(opt, upper.data());
  Counted counted{&m};
  nlopt_set_min_objective(opt, nlopt_objective, &counted);
  nlopt_set_stopval(opt, m.minimum + kTarget);
  nlopt_set_maxeval(opt, static_cast<int>(budget));
  nlopt_srand(seed);
  std::vector<double> x = start_point(m, dim, seed);
  double value = 0;
  const auto start = Clock::now();
  nlopt_optimize(opt, x.data(), &value);
  const double seconds = seconds_since(start);
  nlopt_destroy(opt);
  std::printf(
      "{\"solver\":\"%s\",\"model\":\"%s\",\"dim\":%zu,\"seed\":%llu,\"value\":%.17g,"
      "\"evaluations\":%llu,\"to_target\":%llu,\"seconds\":%.9g}\n",
      solver.c_str(), m.name.data(), dim, static_cast<unsigned long long>(seed), value,
      static_cast<unsigned long long>(counted.evaluations),
      static_cast<unsigned long long>(counted.to_target), seconds);
}

void run_pardo(const std::string& solver, const models::Model& m, std::size_t dim,
               std::uint64_t seed, std::uint64_t budget) {
  Problem problem{.bounds = Bounds::cube(dim, m.low, m.high), .seed = seed};
  if (solver == "nelder-mead" || solver == "powell") problem.x0 = start_point(m, dim, seed);
  std::unique_ptr<Solver> s;
  if (solver == "de") {
    s = std::make_unique<DifferentialEvolution>(problem,
                                                DeOptions{.updating = DeUpdating::immediate});
  }
  if (solver == "de-deferred") s = std::make_unique<DifferentialEvolution>(problem);
  if (solver == "nelder-mead") s = std::make_unique<NelderMead>(problem);
  if (solver == "powell") s = std::make_unique<Powell>(problem);
  if (solver == "pso") s = std::make_unique<ParticleSwarm>(problem);
  if (solver == "cmaes") s = std::make_unique<Cmaes>(problem);
  if (!s) {
    std::fprintf(stderr, "bench_opt: unknown solver %s\n", solver.c_str());
    std::exit(2);
  }
  // Local solvers stop where they converge, by scipy's rules: Nelder-Mead once the simplex
  // spans xatol = fatol = 1e-4; Powell once a generation lowers its point's value by no more
  // than ftol = 1e-4 of the mean of the values before and after (2 |a - b| <= 1e-4 (a + b),
  // which is population_spread's |a - b| / 2 <= 5e-5 (a + b) / 2 for the two).
  Termination stop = value_to_reach(m.minimum, kTarget) || evaluation_limit(budget);
  if (solver == "nelder-mead") stop = stop || candidate_relative_tolerance(1e-4, 1e-4);
  if (solver == "powell") stop = stop || population_spread(5e-5, 0);
  pardo::SerialExecutor serial;
  const auto start = Clock::now();
  const Result r = s->solve(serial, m.function, stop);
  const double seconds = seconds_since(start);
  const bool reached = r.value <= m.minimum + kTarget;
  std::printf(
      "{\"solver\":\"%s\",\"model\":\"%s\",\"dim\":%zu,\"seed\":%llu,\"value\":%.17g,"
      "\"evaluations\":%llu,\"to_target\":%llu,\"seconds\":%.9g}\n",
      solver.c_str(), m.name.data(), dim, static_cast<unsigned long long>(seed), r.value,
      static_cast<unsigned long long>(r.evaluations),
      static_cast<unsigned long long>(reached ? r.evaluations : 0), seconds);
}

template <class Body>
void on_backend(const std::string& backend, std::size_t workers, Body body) {
  if (backend == "processes") {
    pardo::ProcessPool pool(workers);
    body(pool);
  } else {
    pardo::ThreadPool pool(workers);
    body(pool);
  }
}

}  // namespace

int main(int argc, char** argv) {
  pardo::init(argc, argv);
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "suite" && argc == 7) {
    const std::string solver = argv[2];
    const models::Model& m = models::find(argv[3]);
    const auto dim = static_cast<std::size_t>(std::atoll(argv[4]));
    const auto seeds = static_cast<std::uint64_t>(std::atoll(argv[5]));
    const auto budget = static_cast<std::uint64_t>(std::atoll(argv[6]));
    for (std::uint64_t seed = 0; seed < seeds; ++seed) {
      if (solver.rfind("nlopt-", 0) == 0) {
        run_nlopt(solver, m, dim, seed, budget);
      } else {
        run_pardo(solver, m, dim, seed, budget);
      }
    }
    return 0;
  }
  if (mode == "overhead" && argc == 5) {
    const auto dim = static_cast<std::size_t>(std::atoll(argv[2]));
    const auto population = static_cast<std::size_t>(std::atoll(argv[3]));
    const auto generations = static_cast<std::uint64_t>(std::atoll(argv[4]));
    DifferentialEvolution de({.bounds = Bounds::cube(dim, -5.12, 5.12), .seed = 1},
                             {.population = population});
    pardo::SerialExecutor serial;
    const auto start = Clock::now();
    const Result r = de.solve(serial, models::sphere, generation_limit(generations));
    std::printf("{\"seconds_per_evaluation\":%.9g,\"evaluations\":%llu}\n",
                seconds_since(start) / static_cast<double>(r.evaluations),
                static_cast<unsigned long long>(r.evaluations));
    return 0;
  }
  if ((mode == "efficiency" || mode == "buckshot") && argc == 5) {
    setenv("BENCH_OPT_MS", argv[4], 1);  // before the workers start: they inherit it
    const std::string backend = argv[2];
    const auto workers = static_cast<std::size_t>(std::atoll(argv[3]));
    double seconds = 0;
    on_backend(backend, workers, [&](auto& pool) {
      // Not timed: the workers start, and run a first batch.
      DifferentialEvolution warm({.bounds = Bounds::cube(5, -1, 1)}, {.population = 8});
      warm.solve(pool, Objective(busy_sphere), generation_limit(1));
      const auto start = Clock::now();
      if (mode == "efficiency") {
        DifferentialEvolution de({.bounds = Bounds::cube(5, -5.12, 5.12), .seed = 1},
                                 {.population = 40});
        de.solve(pool, Objective(busy_sphere), generation_limit(9));
      } else {
        Buckshot buckshot({.bounds = Bounds::cube(5, -5.12, 5.12), .seed = 1}, 20, PowellOptions{});
        buckshot.solve(pool, Objective(busy_sphere), evaluation_limit(60),
                       {.schedule = pardo::Schedule::dynamic});
      }
      seconds = seconds_since(start);
    });
    std::printf("{\"seconds\":%.9g}\n", seconds);
    return 0;
  }
  std::fprintf(stderr, "usage: see the comment at the top of bench/opt/pardo/bench_opt.cpp\n");
  return 2;
}
