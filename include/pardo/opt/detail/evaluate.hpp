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
#include <type_traits>
#include <vector>

#include "pardo/core/errors.hpp"
#include "pardo/executor.hpp"
#include "pardo/opt/problem.hpp"
#include "pardo/workload/blocks.hpp"

namespace pardo::opt::detail {

/// Consecutive points (row by row) for one worker process or rank to evaluate with `f`, an
/// Objective (one call per point) or a BatchObjective (one call for them all).
template <class Handle>
struct PointsTask {
  Handle f;
  std::vector<double> points;
  std::uint64_t dim = 0;
  template <class Archive>
  void serialize(Archive& archive) {
    archive(f, points, dim);
  }
};
using EvaluateTask = PointsTask<Objective>;
using BatchTask = PointsTask<BatchObjective>;

/// The values of a task's points; registered with PARDO_REMOTE in src/opt/evaluate.cpp.
std::vector<double> evaluate_points(EvaluateTask task);

/// The values of a batch task's points, checked for their count; registered too.
std::vector<double> evaluate_batch(BatchTask task);

/// Throws std::invalid_argument unless a batch objective returned one value per point.
void check_batch_values(std::size_t values, std::size_t points);

/// Whether F is a batch objective: callable with (points, dim), not with one point.
template <class F>
inline constexpr bool is_batch =
    std::is_invocable_v<const F&, std::span<const double>, std::uint64_t> &&
    !std::is_invocable_v<const F&, std::span<const double>>;

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
template <>
struct IsObjective<BatchObjective> : std::true_type {};

/// The points [first, last) of `points` (dim coordinates each).
inline std::span<const double> rows(std::span<const double> points, std::size_t dim,
                                    std::size_t first, std::size_t last) {
  return points.subspan(first * dim, (last - first) * dim);
}

/// One point's value, by either form of objective, in this process.
template <class F>
double evaluate_one(const F& f, std::span<const double> x) {
  if constexpr (is_batch<F>) {
    const std::vector<double> v = f(x, static_cast<std::uint64_t>(x.size()));
    check_batch_values(v.size(), 1);
    return v[0];
  } else {
    return static_cast<double>(f(x));
  }
}

/// Tasks of consecutive points, `count` of them as even as can be, for a remote executor.
template <class Task, class Handle>
std::vector<Task> split_tasks(const Handle& handle, std::span<const double> points, std::size_t dim,
                              std::size_t count) {
  const std::size_t n = points.size() / dim;
  std::vector<Task> work;
  work.reserve(count);
  for (std::size_t t = 0; t < count; ++t) {
    const auto part = rows(points, dim, t * n / count, (t + 1) * n / count);
    work.push_back({handle, std::vector<double>(part.begin(), part.end()), dim});
  }
  return work;
}

template <RemoteExecutor E, class F>
std::vector<double> evaluate(E& executor, const F& f, std::span<const double> points,
                             std::size_t dim) {
  if constexpr (IsObjective<F>::value) require_objective(static_cast<bool>(f));
  const std::size_t n = points.size() / dim;
  std::vector<double> values(n);
  const std::size_t tasks = task_count(n, executor.size());
  if constexpr (Executor<E>) {
    if constexpr (is_batch<F>) {
      executor.parallel_for(std::size_t{0}, tasks, [&](std::size_t t) {
        const std::size_t first = t * n / tasks;
        const std::size_t last = (t + 1) * n / tasks;
        const std::vector<double> part = f(rows(points, dim, first, last), dim);
        check_batch_values(part.size(), last - first);
        std::copy(part.begin(), part.end(), values.begin() + static_cast<long>(first));
      });
    } else {
      executor.parallel_for(std::size_t{0}, n, [&](std::size_t i) {
        values[i] = static_cast<double>(f(points.subspan(i * dim, dim)));
      });
    }
  } else {
    std::vector<std::vector<double>> parts;
    if constexpr (is_batch<F>) {
      const auto work =
          split_tasks<BatchTask>(remote_handle<BatchObjective, E>(f), points, dim, tasks);
      parts = executor.map(&evaluate_batch, work, MapOptions{.chunksize = 1});
    } else {
      const auto work =
          split_tasks<EvaluateTask>(remote_handle<Objective, E>(f), points, dim, tasks);
      parts = executor.map(&evaluate_points, work, MapOptions{.chunksize = 1});
    }
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
        out.values[i] = evaluate_one(f, points.subspan(i * dim, dim));
      } catch (const EvaluationFailed& e) {
        failed[i] = 1;
        reasons[i] = e.what();
      }
    });
  } else {
    // One point per task, whatever the form, so that a failure costs one point.
    std::vector<Future<std::vector<double>>> futures;
    futures.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      const auto x = points.subspan(i * dim, dim);
      if constexpr (is_batch<F>) {
        futures.push_back(executor.submit(
            &evaluate_batch,
            BatchTask{remote_handle<BatchObjective, E>(f), {x.begin(), x.end()}, dim}));
      } else {
        futures.push_back(executor.submit(
            &evaluate_points,
            EvaluateTask{remote_handle<Objective, E>(f), {x.begin(), x.end()}, dim}));
      }
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
