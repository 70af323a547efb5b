#pragma once
// A batch of points evaluated on any executor, in point order: one parallel_for over the
// points on the in-process executors, a few tasks of several points each on worker
// processes and MPI ranks, where each task costs a round trip.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <span>
#include <string>
#include <vector>

#include "pardo/core/errors.hpp"
#include "pardo/executor.hpp"
#include "pardo/opt/problem.hpp"
#include "pardo/workload/blocks.hpp"

namespace pardo::opt::detail {

/// Consecutive points (row by row) for one worker process or rank to evaluate.
struct EvaluateTask {
  Objective f;
  std::vector<double> points;
  std::uint64_t dim = 0;
  template <class Archive>
  void serialize(Archive& archive) {
    archive(f, points, dim);
  }
};

/// The values of a task's points; registered with PARDO_REMOTE in src/opt/evaluate.cpp.
std::vector<double> evaluate_points(EvaluateTask task);

/// Throws std::invalid_argument naming what is wrong with a problem: bounds that are not
/// finite or are crossed, an x0 of the wrong size or outside them. Every solver checks this.
void check_problem(const Problem& problem);

/// Throws std::invalid_argument for an empty Objective handle.
void require_objective(bool present);

/// How many tasks a batch of `points` becomes on `workers` remote workers: four per worker
/// (so that an uneven objective still balances), never more than the points.
std::size_t task_count(std::size_t points, std::size_t workers) noexcept;

template <class T>
struct IsObjective : std::false_type {};
template <>
struct IsObjective<Objective> : std::true_type {};

template <RemoteExecutor E, class F>
std::vector<double> evaluate(E& executor, const F& f, std::span<const double> points,
                             std::size_t dim) {
  if constexpr (IsObjective<F>::value) require_objective(static_cast<bool>(f));
  const std::size_t n = points.size() / dim;
  std::vector<double> values(n);
  if constexpr (Executor<E>) {
    executor.parallel_for(std::size_t{0}, n, [&](std::size_t i) {
      values[i] = static_cast<double>(f(points.subspan(i * dim, dim)));
    });
  } else {
    const Objective handle = remote_handle<Objective, E>(f);
    const std::size_t tasks = task_count(n, executor.size());
    std::vector<EvaluateTask> work;
    work.reserve(tasks);
    for (std::size_t t = 0; t < tasks; ++t) {
      const std::size_t first = t * n / tasks;
      const std::size_t last = (t + 1) * n / tasks;
      work.push_back({handle,
                      std::vector<double>(points.begin() + static_cast<long>(first * dim),
                                          points.begin() + static_cast<long>(last * dim)),
                      dim});
    }
    const auto parts = executor.map(&evaluate_points, work, MapOptions{.chunksize = 1});
    std::size_t at = 0;
    for (const auto& part : parts) {
      std::copy(part.begin(), part.end(), values.begin() + static_cast<long>(at));
      at += part.size();
    }
  }
  return values;
}

/// A batch evaluated one point per task, and the points whose task failed.
struct IsolatedBatch {
  std::vector<double> values;
  std::vector<std::size_t> failed;   ///< indices of the points that got the penalty
  std::vector<std::string> reasons;  ///< why, one per failed point
};

/// Whether `error`, from a remote executor, is an EvaluationFailed thrown by the objective.
bool is_evaluation_failed(const RemoteError& error);

/// A batch where a point that fails gets `penalty` instead of ending the batch: one whose
/// objective throws EvaluationFailed (on any executor), or, on worker processes and MPI
/// ranks, whose worker crashes, stalls or passes the pool's task_timeout (each point is
/// then its own task, so that a failure costs one point). Any other exception (the first by
/// point order) reaches the caller once every point has ended.
template <RemoteExecutor E, class F>
IsolatedBatch evaluate_guarded(E& executor, const F& f, std::span<const double> points,
                               std::size_t dim, double penalty) {
  if constexpr (IsObjective<F>::value) require_objective(static_cast<bool>(f));
  const std::size_t n = points.size() / dim;
  IsolatedBatch out;
  out.values.resize(n);
  std::vector<std::string> reasons(n);
  std::vector<char> failed(n, 0);
  if constexpr (Executor<E>) {
    executor.parallel_for(std::size_t{0}, n, [&](std::size_t i) {
      try {
        out.values[i] = static_cast<double>(f(points.subspan(i * dim, dim)));
      } catch (const EvaluationFailed& e) {
        failed[i] = 1;
        reasons[i] = e.what();
      }
    });
  } else {
    const Objective handle = remote_handle<Objective, E>(f);
    std::vector<Future<std::vector<double>>> futures;
    futures.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      const auto x = points.subspan(i * dim, dim);
      futures.push_back(
          executor.submit(&evaluate_points, EvaluateTask{handle, {x.begin(), x.end()}, dim}));
    }
    std::exception_ptr first;
    for (std::size_t i = 0; i < n; ++i) {
      try {
        out.values[i] = futures[i].get().at(0);
      } catch (const WorkerCrashed& e) {  // WorkerStalled too
        failed[i] = 1;
        reasons[i] = e.what();
      } catch (const TimeoutError& e) {
        failed[i] = 1;
        reasons[i] = e.what();
      } catch (const RemoteError& e) {
        if (!is_evaluation_failed(e)) {
          if (!first) first = std::current_exception();
          continue;
        }
        failed[i] = 1;
        reasons[i] = e.message();
      } catch (...) {
        if (!first) first = std::current_exception();
      }
    }
    if (first) std::rethrow_exception(first);
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (failed[i] == 0) continue;
    out.values[i] = penalty;
    out.failed.push_back(i);
    out.reasons.push_back(std::move(reasons[i]));
  }
  return out;
}

}  // namespace pardo::opt::detail
