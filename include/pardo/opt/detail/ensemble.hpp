#pragma once
// Ensembles' machinery, for the templates of pardo/opt/ensemble.hpp (its only includer, once
// NestedSolver and EnsembleResult are declared): one nested run, here or as a task.

#include <type_traits>
#include <variant>
#include <vector>

#include "pardo/opt/nelder_mead.hpp"
#include "pardo/opt/powell.hpp"
#include "pardo/serial/serial_executor.hpp"

namespace pardo::opt {

namespace detail {

/// One nested run, for a worker process or rank.
struct NestedTask {
  Objective f;
  Problem problem;
  NestedSolver solver;
  Termination stop;
  template <class Archive>
  void serialize(Archive& archive) {
    archive(f, problem, solver, stop);
  }
};

/// Runs `solver` on `problem` (its x0 the start) with `f` on `executor`.
template <class E, class F>
Result run_local(E& executor, const F& f, const Problem& problem, const NestedSolver& solver,
                 const Termination& stop, const Constraints& constraints) {
  return std::visit(
      [&](const auto& options) {
        using Options = std::decay_t<decltype(options)>;
        using Local =
            std::conditional_t<std::is_same_v<Options, PowellOptions>, Powell, NelderMead>;
        Local local(problem, options);
        if (!constraints.empty()) local.set_constraints(constraints);
        return local.solve(executor, f, stop);
      },
      solver);
}

/// The run of one task: serially, in the worker that runs it.
template <class F>
Result run_nested(const F& f, const Problem& problem, const NestedSolver& solver,
                  const Termination& stop, const Constraints& constraints) {
  SerialExecutor serial;
  return run_local(serial, f, problem, solver, stop, constraints);
}

/// Throws std::invalid_argument: constraints are callables of this process, and the runs of
/// a remote executor happen in others.
void require_no_constraints(const Constraints& constraints);

/// A NestedTask's run; registered with PARDO_REMOTE in src/opt/ensemble.cpp.
Result run_nested_task(NestedTask task);

/// The best run and the total, from the runs.
EnsembleResult gather_runs(std::vector<Result> runs, Sense sense);

/// Tells each monitor one generation per run of `r`, in start order.
void report_runs(const EnsembleResult& r, const Problem& problem,
                 const std::vector<Monitor*>& monitors);

/// `local`, run after `global`, accounting for both (and never worse than global).
Result after_global(const Result& global, Result local, Sense sense);

/// The problem once per start, x0 the start; throws std::invalid_argument for no starts or
/// one that a solver would refuse.
std::vector<Problem> start_problems(const Problem& problem,
                                    const std::vector<std::vector<double>>& starts);

}  // namespace detail

}  // namespace pardo::opt
