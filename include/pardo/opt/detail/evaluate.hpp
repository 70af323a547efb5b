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

/// Each point as its own task on a remote executor, so that a worker that crashes, stalls or
/// passes the pool's task_timeout costs one point, which gets `penalty`. Any other exception
/// (the first by point order) reaches the caller once every task has ended.
template <RemoteExecutor E, class F>
IsolatedBatch evaluate_isolated(E& executor, const F& f, std::span<const double> points,
                                std::size_t dim, double penalty) {
  if constexpr (IsObjective<F>::value) require_objective(static_cast<bool>(f));
  const Objective handle = remote_handle<Objective, E>(f);
  const std::size_t n = points.size() / dim;
  std::vector<Future<std::vector<double>>> futures;
  futures.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto x = points.subspan(i * dim, dim);
    futures.push_back(
        executor.submit(&evaluate_points, EvaluateTask{handle, {x.begin(), x.end()}, dim}));
  }
  IsolatedBatch out;
  out.values.resize(n);
  std::exception_ptr first;
  const auto fail = [&](std::size_t i, const char* why) {
    out.values[i] = penalty;
    out.failed.push_back(i);
    out.reasons.emplace_back(why);
  };
  for (std::size_t i = 0; i < n; ++i) {
    try {
      out.values[i] = futures[i].get().at(0);
    } catch (const WorkerCrashed& e) {  // WorkerStalled too
      fail(i, e.what());
    } catch (const TimeoutError& e) {
      fail(i, e.what());
    } catch (...) {
      if (!first) first = std::current_exception();
    }
  }
  if (first) std::rethrow_exception(first);
  return out;
}

}  // namespace pardo::opt::detail
