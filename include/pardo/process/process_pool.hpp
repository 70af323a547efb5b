#pragma once
/// @file
/// `pardo::ProcessPool`: worker processes, supervised and crash-isolated.

#include <concepts>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pardo/core/workers.hpp"
#include "pardo/executor.hpp"
#include "pardo/process/detail/process_core.hpp"
#include "pardo/process/process_options.hpp"
#include "pardo/remote/detail/remote_pool.hpp"
#include "pardo/remote/remote.hpp"

namespace pardo {

/// A pool of worker processes with the executor contract of `ThreadPool`, for functions
/// registered with `PARDO_REMOTE`. Arguments and results travel serialized over sockets.
///
/// A worker that dies (a segfault, `abort()`, `_exit`, SIGKILL, the OOM killer) fails only
/// the task it ran, with `WorkerCrashed`; the pool starts a replacement and serves every other
/// task. A task's exception arrives as `RemoteError`. Workers are the program itself,
/// started again: `pardo::init(argc, argv)` must be the first line of `main`.
///
/// Futures of a ProcessPool complete, and their callbacks run, on the pool's I/O thread: a
/// callback must not wait for another of the pool's futures.
/// @code
/// double square(double x) { return x * x; }
/// PARDO_REMOTE(square);
///
/// int main(int argc, char** argv) {
///   pardo::init(argc, argv);
///   pardo::ProcessPool pool(4);
///   std::vector<double> ys = pool.map(square, std::vector{1.0, 2.0, 3.0});
///   pardo::Future<double> f = pool.submit(square, 4.0);
/// }
/// @endcode
class ProcessPool : public detail::RemotePool<detail::ProcessCore> {
 public:
  /// Starts `workers` processes (by default `default_workers()`, one per available CPU). Throws
  /// std::invalid_argument naming a bad value (0 or too many workers, a negative timeout,
  /// max_tasks_per_child or max_retries), std::logic_error if `pardo::init` was not called,
  /// and std::system_error naming the worker and the step if a worker cannot start ("cannot
  /// start worker 3 (open file limit 12): socketpair: Too many open files"); the workers that
  /// did start are stopped first. A replacement that cannot start later breaks the pool:
  /// queued and later tasks fail with that error.
  /// @code
  /// pardo::ProcessPool pool(8, {.max_tasks_per_child = 100, .task_timeout = 10s});
  /// @endcode
  explicit ProcessPool(std::size_t workers = default_workers(), ProcessOptions options = {})
      : RemotePool(workers, std::move(options)) {}

  /// As above; a negative count throws std::invalid_argument naming it.
  /// @code
  /// pardo::ProcessPool pool(-2);  // throws "ProcessPool: worker count -2 is negative"
  /// @endcode
  template <std::signed_integral I>
  explicit ProcessPool(I workers, ProcessOptions options = {})
      : ProcessPool(checked_count(workers), std::move(options)) {}

  ProcessPool(const ProcessPool&) = delete;
  ProcessPool& operator=(const ProcessPool&) = delete;

  /// Runs every task already submitted, then stops the workers and reaps them.
  /// @code
  /// { pardo::ProcessPool pool(2); pool.submit(work, 1); }  // work(1) has run here
  /// @endcode
  ~ProcessPool() = default;

  /// Stops now, without finishing the work (multiprocessing's `Pool.terminate`): tasks not
  /// started are cancelled, every worker is killed with SIGKILL and the tasks they ran fail
  /// with ShutdownError; returns once all are reaped. Later submits throw ShutdownError. For
  /// a run that was asked to stop: its blocks in flight need not finish.
  /// @code
  /// auto f = pool.submit(long_task, 1);
  /// pool.terminate();  // f.get() throws pardo::ShutdownError at once
  /// @endcode
  void terminate() { core_.terminate(); }

  /// The process ids of the workers by index (-1 while a worker is being replaced).
  /// @code
  /// for (int pid : pool.worker_pids()) std::cout << pid << '\n';
  /// @endcode
  std::vector<int> worker_pids() const { return core_.worker_pids(); }

  /// "processes": the backend's name, as results and the CLI report it.
  /// @code
  /// assert(pool.backend() == "processes");
  /// @endcode
  static constexpr std::string_view backend() noexcept { return "processes"; }

 private:
  template <std::signed_integral I>
  static std::size_t checked_count(I workers) {
    if (workers < 0) {
      throw std::invalid_argument("ProcessPool: worker count " + std::to_string(workers) +
                                  " is negative");
    }
    return static_cast<std::size_t>(workers);
  }
};

static_assert(RemoteExecutor<ProcessPool> && !Executor<ProcessPool>,
              "ProcessPool must model pardo::RemoteExecutor, and only it");

}  // namespace pardo
