#include "pardo/opt/ensemble.hpp"

#include <string>

#include "core/validate.hpp"
#include "pardo/random/distributions.hpp"
#include "pardo/random/stream.hpp"
#include "pardo/remote/remote.hpp"

namespace pardo::opt {

namespace detail {

Result run_nested_task(NestedTask task) {
  return run_nested(task.f, task.problem, task.solver, task.stop, Constraints{});
}
PARDO_REMOTE(run_nested_task);

void require_no_constraints(const Constraints& constraints) {
  if (!constraints.empty()) {
    pardo::detail::throw_invalid(
        "solve_ensemble",
        "constraints are callables of this process and cannot reach worker "
        "processes or MPI ranks: fold them into the registered objective");
  }
}

void report_runs(const EnsembleResult& r, const Problem& problem,
                 const std::vector<Monitor*>& monitors) {
  if (monitors.empty()) return;
  const bool maximize = problem.sense == Sense::maximize;
  std::uint64_t evaluations = 0;
  std::uint64_t failures = 0;
  double seconds = 0;
  std::size_t best = 0;
  std::vector<double> history;
  for (std::size_t i = 0; i < r.runs.size(); ++i) {
    const Result& run = r.runs[i];
    evaluations += run.evaluations;
    failures += run.failures;
    seconds += run.seconds;
    const double incumbent = r.runs[best].value;
    if (maximize ? run.value > incumbent : run.value < incumbent) best = i;
    history.push_back(r.runs[best].value);
    Status s;
    s.generation = i;
    s.evaluations = evaluations;
    s.failures = failures;
    s.best_value = r.runs[best].value;
    s.best_x = r.runs[best].x;
    s.history = history;
    s.candidates = run.x;
    s.values = std::span<const double>(&run.value, 1);
    s.dim = problem.dim();
    s.sense = problem.sense;
    s.seconds = seconds;
    for (Monitor* m : monitors) m->generation(s);
  }
}

EnsembleResult gather_runs(std::vector<Result> runs, Sense sense) {
  EnsembleResult r;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    r.evaluations += runs[i].evaluations;
    const double v = runs[i].value;
    const double best = runs[r.best_run].value;
    if (sense == Sense::minimize ? v < best : v > best) r.best_run = i;
  }
  r.best = runs[r.best_run];
  r.runs = std::move(runs);
  return r;
}

Result after_global(const Result& global, Result local, Sense sense) {
  const bool better =
      sense == Sense::minimize ? local.value < global.value : local.value > global.value;
  if (!better) {
    local.x = global.x;
    local.value = global.value;
  }
  local.evaluations += global.evaluations;
  local.generations += global.generations;
  local.seconds += global.seconds;
  local.history.insert(local.history.begin(), global.history.begin(), global.history.end());
  return local;
}

std::vector<Problem> start_problems(const Problem& problem,
                                    const std::vector<std::vector<double>>& starts) {
  if (starts.empty()) pardo::detail::throw_invalid("solve_ensemble", "there are no starts");
  std::vector<Problem> problems;
  problems.reserve(starts.size());
  for (const auto& start : starts) {
    problems.push_back(problem);
    problems.back().x0 = start;
    check_problem(problems.back());
  }
  return problems;
}

}  // namespace detail

std::vector<std::vector<double>> buckshot_starts(const Problem& problem, std::size_t count) {
  detail::check_problem(problem);
  pardo::detail::require_positive(count, "buckshot_starts", "count");
  const Bounds& b = problem.bounds;
  random::Stream stream(problem.seed, 0);
  std::vector<std::vector<double>> starts;
  starts.reserve(count);
  if (!problem.x0.empty()) starts.push_back(problem.x0);
  while (starts.size() < count) {
    std::vector<double> x(b.dim());
    for (std::size_t j = 0; j < x.size(); ++j)
      x[j] = random::uniform(stream, b.lower[j], b.upper[j]);
    starts.push_back(std::move(x));
  }
  return starts;
}

std::vector<std::vector<double>> lattice_starts(const Bounds& bounds,
                                                std::span<const std::size_t> cells) {
  detail::check_problem({.bounds = bounds});
  if (cells.size() != bounds.dim()) {
    pardo::detail::throw_invalid("lattice_starts", "cells has " + std::to_string(cells.size()) +
                                                       " counts for " +
                                                       std::to_string(bounds.dim()) + " axes");
  }
  std::size_t total = 1;
  for (std::size_t j = 0; j < cells.size(); ++j) {
    if (cells[j] == 0) {
      pardo::detail::throw_invalid(
          "lattice_starts", "cells[" + std::to_string(j) + "] is 0: every axis needs a cell");
    }
    if (cells[j] > (std::size_t{1} << 24) / total) {
      pardo::detail::throw_invalid("lattice_starts",
                                   "the grid has more than 2^24 cells: no ensemble runs that many");
    }
    total *= cells[j];
  }
  std::vector<std::vector<double>> starts(total, std::vector<double>(cells.size()));
  for (std::size_t i = 0; i < total; ++i) {
    std::size_t rest = i;
    for (std::size_t j = cells.size(); j-- > 0;) {
      const std::size_t cell = rest % cells[j];
      rest /= cells[j];
      const double width = (bounds.upper[j] - bounds.lower[j]) / static_cast<double>(cells[j]);
      starts[i][j] = bounds.lower[j] + (static_cast<double>(cell) + 0.5) * width;
    }
  }
  return starts;
}

Ensemble::Ensemble(Problem problem, std::vector<std::vector<double>> starts, NestedSolver solver)
    : problem_(std::move(problem)), solver_(solver), starts_(std::move(starts)) {
  static_cast<void>(detail::start_problems(problem_, starts_));
}

Buckshot::Buckshot(const Problem& problem, std::size_t starts, NestedSolver solver)
    : Ensemble(problem, buckshot_starts(problem, starts), solver) {}

Lattice::Lattice(const Problem& problem, const std::vector<std::size_t>& cells, NestedSolver solver)
    : Ensemble(problem, lattice_starts(problem.bounds, cells), solver) {}

}  // namespace pardo::opt
