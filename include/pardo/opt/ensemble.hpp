#pragma once
/// @file
/// Ensemble solvers: a local solver from many starting points at once, each run a task on
/// the executor. Buckshot starts at random points of the box, Lattice at the centres of a
/// grid's cells (mystic's BuckshotSolver and LatticeSolver).

#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>
#include <variant>
#include <vector>

#include "pardo/core/options.hpp"
#include "pardo/executor.hpp"
#include "pardo/opt/nelder_mead.hpp"
#include "pardo/opt/powell.hpp"
#include "pardo/opt/problem.hpp"
#include "pardo/opt/solver.hpp"
#include "pardo/opt/termination.hpp"
#include "pardo/workload/blocks.hpp"

namespace pardo::opt {

/// The local solver an ensemble runs from each start, with its settings.
/// @code
/// pardo::opt::NestedSolver powell = pardo::opt::PowellOptions{};
/// pardo::opt::NestedSolver simplex = pardo::opt::NelderMeadOptions{.adaptive = true};
/// @endcode
using NestedSolver = std::variant<PowellOptions, NelderMeadOptions>;

/// What an ensemble returns: every run, by start, and the best of them.
/// @code
/// pardo::opt::EnsembleResult r = buckshot.solve(pool, f, stop);
/// std::printf("%g after %llu evaluations in %zu runs\n", r.best.value,
///             (unsigned long long)r.evaluations, r.runs.size());
/// @endcode
struct EnsembleResult {
  Result best;                    ///< the best run (ties: the earliest start)
  std::size_t best_run = 0;       ///< its index among the starts
  std::vector<Result> runs;       ///< every run, in the order of the starts
  std::uint64_t evaluations = 0;  ///< all runs together
};

/// `count` starting points drawn uniformly in the problem's box from stream 0 of its seed
/// (the problem's x0, if any, first). Throws std::invalid_argument for count = 0.
/// @code
/// auto starts = pardo::opt::buckshot_starts({.bounds = pardo::opt::Bounds::cube(2, 0, 1)}, 20);
/// @endcode
std::vector<std::vector<double>> buckshot_starts(const Problem& problem, std::size_t count);

/// The centres of the cells of a grid over the box, `cells[j]` cells along axis j, in row-major
/// order (the last axis fastest). Throws std::invalid_argument for a count of 0, a size that
/// differs from the dimension, or more than 2^24 starts.
/// @code
/// auto starts = pardo::opt::lattice_starts(pardo::opt::Bounds::cube(2, 0, 1), {{2, 2}});
/// // {0.25, 0.25}, {0.25, 0.75}, {0.75, 0.25}, {0.75, 0.75}
/// @endcode
std::vector<std::vector<double>> lattice_starts(const Bounds& bounds,
                                                std::span<const std::size_t> cells);

}  // namespace pardo::opt

#include "pardo/opt/detail/ensemble.hpp"

namespace pardo::opt {

/// Runs `solver` from each of `starts` (each within the problem's bounds) on `executor`, one
/// run per task, dealt as `map` says (static portions, round robin, dynamic...), each run
/// stopping on `stop`. The runs are those a serial loop would make, whatever the executor,
/// its worker count and schedule. `f` as Solver::solve takes it. `constraints` apply to every
/// run (see Solver::set_constraints) on in-process executors; on worker processes and MPI
/// ranks fold them into the registered objective. Throws std::invalid_argument for no starts,
/// a start outside the bounds, or constraints on a remote executor.
/// @code
/// pardo::ProcessPool pool(8);
/// auto r = pardo::opt::solve_ensemble(
///     pool, pardo::opt::Objective(pardo::opt::models::rastrigin), problem,
///     pardo::opt::buckshot_starts(problem, 20), pardo::opt::PowellOptions{},
///     pardo::opt::candidate_relative_tolerance(1e-8, 1e-10) ||
///     pardo::opt::evaluation_limit(5000));
/// @endcode
template <RemoteExecutor E, class F>
EnsembleResult solve_ensemble(E& executor, const F& f, const Problem& problem,
                              const std::vector<std::vector<double>>& starts,
                              const NestedSolver& solver, const Termination& stop,
                              MapOptions map = {}, const Constraints& constraints = {}) {
  if constexpr (std::is_function_v<F>) {
    return solve_ensemble(executor, &f, problem, starts, solver, stop, map, constraints);
  } else {
    if constexpr (detail::IsObjective<F>::value) detail::require_objective(static_cast<bool>(f));
    std::vector<Problem> problems = detail::start_problems(problem, starts);
    if (map.chunksize == 0) map.chunksize = 1;
    std::vector<Result> runs;
    if constexpr (Executor<E>) {
      runs = executor.map(
          [&](const Problem& p) { return detail::run_nested(f, p, solver, stop, constraints); },
          problems, map);
    } else {
      detail::require_no_constraints(constraints);
      const Objective handle = remote_handle<Objective, E>(f);
      std::vector<detail::NestedTask> tasks;
      tasks.reserve(problems.size());
      for (auto& p : problems) tasks.push_back({handle, std::move(p), solver, stop});
      runs = executor.map(&detail::run_nested_task, tasks, map);
    }
    return detail::gather_runs(std::move(runs), problem.sense);
  }
}

/// A global result polished by a local solver: `local` runs from `global.x` on `executor`
/// (its batches, such as Nelder–Mead's first simplex, as parallel maps) until `stop` holds.
/// The result is the local run's, with the global run's evaluations, generations and
/// seconds added and its history in front, so that it accounts for the whole search; it is
/// never worse than `global`. `constraints` apply to the local run on any executor (it runs
/// here; only its evaluations travel).
/// @code
/// pardo::opt::DifferentialEvolution de(problem);
/// auto global = de.solve(pool, f, pardo::opt::population_spread(0.01));
/// auto polished = pardo::opt::polish(pool, f, problem, global, pardo::opt::PowellOptions{},
///                                    pardo::opt::candidate_relative_tolerance(1e-10, 1e-12));
/// @endcode
template <RemoteExecutor E, class F>
Result polish(E& executor, const F& f, const Problem& problem, const Result& global,
              const NestedSolver& local, const Termination& stop,
              const Constraints& constraints = {}) {
  Problem start = problem;
  start.x0 = global.x;
  return detail::after_global(
      global, detail::run_local(executor, f, start, local, stop, constraints), problem.sense);
}

/// A nested solver and its starting points: what Buckshot and Lattice share.
/// @code
/// pardo::opt::Ensemble runs(problem, pardo::opt::buckshot_starts(problem, 8),
///                           pardo::opt::PowellOptions{});
/// auto r = runs.solve(pool, f, pardo::opt::evaluation_limit(1000));
/// @endcode
class Ensemble {
 public:
  /// Throws std::invalid_argument for a bad problem or a start outside its bounds.
  Ensemble(Problem problem, std::vector<std::vector<double>> starts, NestedSolver solver);
  /// Runs every start; see solve_ensemble.
  template <RemoteExecutor E, class F>
  EnsembleResult solve(E& executor, const F& f, const Termination& stop, MapOptions map = {}) {
    EnsembleResult r =
        solve_ensemble(executor, f, problem_, starts_, solver_, stop, map, constraints_);
    detail::report_runs(r, problem_, monitors_);
    return r;
  }
  /// Adds a monitor, kept by reference: after the runs it hears one generation per run, in
  /// the order of the starts (generation i: run i's point and value as the candidate; the
  /// best so far; evaluations and seconds summed over runs 0..i), so that a LogMonitor
  /// writes one line per run.
  /// @code
  /// pardo::opt::LogMonitor log("runs.csv", pardo::opt::LogFormat::csv);
  /// buckshot.add_monitor(log);
  /// @endcode
  void add_monitor(Monitor& monitor) { monitors_.push_back(&monitor); }
  /// Applies `constraints` to every run; see solve_ensemble. Throws std::invalid_argument
  /// naming a bad weight or tolerance.
  /// @code
  /// buckshot.set_constraints({.inequalities = {g}, .form = pardo::opt::PenaltyForm::barrier});
  /// @endcode
  void set_constraints(Constraints constraints) {
    constraints.check();
    constraints_ = std::move(constraints);
  }
  /// The starting points.
  const std::vector<std::vector<double>>& starts() const noexcept { return starts_; }

 private:
  Problem problem_;
  NestedSolver solver_;
  std::vector<std::vector<double>> starts_;
  Constraints constraints_;
  std::vector<Monitor*> monitors_;
};

/// Buckshot: the nested solver from `starts` random points of the box (buckshot_starts).
/// @code
/// pardo::opt::Buckshot buckshot({.bounds = pardo::opt::Bounds::cube(5, -5.12, 5.12), .seed = 1},
///                               20, pardo::opt::PowellOptions{});
/// pardo::ThreadPool pool;
/// auto r = buckshot.solve(pool, pardo::opt::models::rastrigin,
///                         pardo::opt::candidate_relative_tolerance(1e-8, 1e-10));
/// @endcode
class Buckshot : public Ensemble {
 public:
  /// Throws std::invalid_argument for a bad problem or starts = 0.
  Buckshot(const Problem& problem, std::size_t starts, NestedSolver solver = PowellOptions{});
};

/// Lattice: the nested solver from the centre of each cell of a grid over the box
/// (lattice_starts).
/// @code
/// pardo::opt::Lattice lattice({.bounds = pardo::opt::Bounds::cube(2, -3, 3)}, {4, 4},
///                             pardo::opt::NelderMeadOptions{});
/// auto r = lattice.solve(pool, pardo::opt::models::peaks, pardo::opt::evaluation_limit(500));
/// @endcode
class Lattice : public Ensemble {
 public:
  /// Throws std::invalid_argument as lattice_starts does, or for a bad problem.
  Lattice(const Problem& problem, const std::vector<std::size_t>& cells,
          NestedSolver solver = PowellOptions{});
};

}  // namespace pardo::opt
