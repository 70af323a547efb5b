#pragma once
/// @file
/// `pardo::ThreadPool`: the work-stealing executor.

#include <concepts>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "pardo/core/detail/algorithms.hpp"
#include "pardo/core/detail/job.hpp"
#include "pardo/core/detail/worker_state_ops.hpp"
#include "pardo/core/errors.hpp"
#include "pardo/core/future.hpp"
#include "pardo/core/options.hpp"
#include "pardo/core/shared.hpp"
#include "pardo/core/workers.hpp"
#include "pardo/executor.hpp"
#include "pardo/threads/detail/thread_core.hpp"

namespace pardo {

namespace detail {

/// The worker count a pool starts for `requested` (0: default_workers()); throws
/// std::invalid_argument naming a count above max_workers().
std::size_t resolve_workers(std::size_t requested);

}  // namespace detail

/// A pool of worker threads that steal work from each other.
///
/// Each worker has its own deque; tasks submitted from a worker go to its deque, tasks from
/// other threads to the workers' inboxes, and idle workers steal. A task may submit tasks
/// and wait for them, even on one worker: waiting runs other queued work. Idle workers sleep.
/// The destructor runs everything already submitted, then joins the workers.
/// @code
/// pardo::ThreadPool pool(4);                                  // 0 = hardware concurrency
/// auto f = pool.submit([](int a, int b) { return a + b; }, 2, 3);
/// std::vector<int> sq = pool.map([](int x) { return x * x; }, std::vector{1, 2, 3});
/// double sum = pool.map_reduce(xs, [](double x) { return x; }, std::plus<>{}, 0.0);
/// pool.parallel_for(0, 100, [&](int i) { out[i] = i; });
/// @endcode
class ThreadPool : public detail::Algorithms<ThreadPool>,
                   public detail::InProcessStateOps<ThreadPool> {
 public:
  /// Starts `workers` threads (0: `default_workers()`, one per available CPU). Throws
  /// std::invalid_argument, naming the value, above `max(256, 64 x hardware threads)`.
  /// @code
  /// pardo::ThreadPool all_cores;   // one per CPU this process may use (PARDO_NUM_WORKERS)
  /// pardo::ThreadPool eight(8);    // oversubscription is fine
  /// @endcode
  explicit ThreadPool(std::size_t workers = 0) : core_(detail::resolve_workers(workers)) {}

  /// As above; a negative count throws std::invalid_argument naming it.
  /// @code
  /// pardo::ThreadPool pool(-1);  // throws "ThreadPool: worker count -1 is negative"
  /// @endcode
  template <std::signed_integral I>
  explicit ThreadPool(I workers) : ThreadPool(checked_count(workers)) {}

  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  /// Runs everything already submitted, then joins the workers.
  /// @code
  /// { pardo::ThreadPool pool; pool.submit(work); }  // work has run here
  /// @endcode
  ~ThreadPool() = default;

  /// The number of workers.
  /// @code
  /// std::vector<double> per_worker(pool.size());
  /// @endcode
  std::size_t size() const noexcept { return core_.size(); }

  /// "threads": the backend's name, as results and the CLI report it.
  /// @code
  /// assert(pool.backend() == "threads");
  /// @endcode
  static constexpr std::string_view backend() noexcept { return "threads"; }

  /// Runs `f(args...)` on a worker; arguments are copied or moved into the task. If f takes a
  /// `std::stop_token` first, it gets one tied to the future's `request_stop()`.
  /// Throws ShutdownError after `shutdown` (tasks of this pool may still submit while it
  /// drains, unless it was shut down with cancel_pending).
  /// @code
  /// pardo::Future<double> f = pool.submit(std::sqrt<double>, 2.0);
  /// @endcode
  template <class F, class... Args>
  auto submit(F&& f, Args&&... args) {
    core_.check_accepting("submit");
    return spawn(std::nullopt, detail::bind_task(std::forward<F>(f), std::forward<Args>(args)...));
  }

  /// Runs `f(args...)` on worker `worker` alone (IPython parallel's `rc[k].apply`): state a
  /// worker keeps in thread_local storage is that worker's. Throws std::out_of_range for a
  /// worker at or past `size()`, ShutdownError after `shutdown`.
  /// @code
  /// auto id = pool.on_worker(1, [] { return std::this_thread::get_id(); });  // worker 1's
  /// @endcode
  template <class F, class... Args>
  auto on_worker(std::size_t worker, F&& f, Args&&... args) {
    core_.check_accepting("on_worker");
    if (worker >= size()) {
      throw std::out_of_range("on_worker: worker " + std::to_string(worker) + " of a pool of " +
                              std::to_string(size()));
    }
    return spawn(worker, detail::bind_task(std::forward<F>(f), std::forward<Args>(args)...));
  }

  /// Places `value` where every worker reads it: here, the one value, moved or copied in
  /// once, which tasks reach through the handle (see pardo::Shared; the same call places it
  /// in shared memory on ProcessPool). Throws ShutdownError after `shutdown`.
  /// @code
  /// auto table = pool.broadcast(std::vector<double>(1 << 20, 1.0));
  /// auto sum = pool.submit([table] { return table->size(); });
  /// @endcode
  template <class T>
  Shared<std::decay_t<T>> broadcast(T&& value) {
    core_.check_accepting("broadcast");
    return detail::SharedAccess::local<std::decay_t<T>>(std::forward<T>(value));
  }

  /// Runs `f(worker_index)` once on every worker and returns the results by worker index
  /// (IPython parallel's "run on all engines").
  /// @code
  /// auto ids = pool.on_each_worker([](std::size_t w) { return w; });  // 0, 1, ..., size()-1
  /// @endcode
  template <class F>
  requires std::invocable<F&, std::size_t>
  auto on_each_worker(F&& f) {
    using R = std::invoke_result_t<F&, std::size_t>;
    core_.check_accepting("on_each_worker");
    auto shared = std::make_shared<std::decay_t<F>>(std::forward<F>(f));
    std::vector<Future<R>> futures;
    futures.reserve(size());
    for (std::size_t w = 0; w < size(); ++w) {
      futures.push_back(spawn(w, [shared, w] { return (*shared)(w); }));
    }
    for (auto& fut : futures) fut.wait();
    if constexpr (std::is_void_v<R>) {
      for (auto& fut : futures) fut.get();
    } else {
      std::vector<R> results;
      results.reserve(futures.size());
      for (auto& fut : futures) results.push_back(fut.get());
      return results;
    }
  }

  /// Stops accepting work. With `cancel_pending`, tasks not yet started are cancelled (their
  /// futures report it); with `wait`, returns once the workers have finished and exited.
  /// @code
  /// pool.shutdown(/*wait=*/true, /*cancel_pending=*/true);
  /// @endcode
  void shutdown(bool wait = true, bool cancel_pending = false) {
    core_.shutdown(wait, cancel_pending);
  }

  /// Sets the handler for exceptions thrown by done callbacks run on this pool's workers.
  /// @code
  /// pool.set_error_handler([](std::exception_ptr e, std::string_view where) { log(e, where); });
  /// @endcode
  void set_error_handler(ErrorHandler handler) { core_.set_error_handler(std::move(handler)); }

  /// The calling thread's worker index in this pool, or nullopt outside it.
  /// @code
  /// pool.submit([&] { assert(pool.worker_index().has_value()); });
  /// @endcode
  std::optional<std::size_t> worker_index() const noexcept { return core_.current_worker(); }

 private:
  friend class detail::Algorithms<ThreadPool>;

  template <std::signed_integral I>
  static std::size_t checked_count(I workers) {
    if (workers < 0) {
      throw std::invalid_argument("ThreadPool: worker count " + std::to_string(workers) +
                                  " is negative");
    }
    return static_cast<std::size_t>(workers);
  }

  std::size_t worker_count() const noexcept { return size(); }
  void check_accepting(const char* caller) const { core_.check_accepting(caller); }

  template <class Task>
  auto spawn(std::optional<std::size_t> worker, Task task) {
    using R = detail::TaskResult<Task>;
    auto* state = new detail::TaskState<R, Task>(std::move(task));
    Future<R> future = detail::make_future(detail::StateRef<detail::SharedState<R>>::share(state));
    if (worker) {
      core_.push_pinned(*worker, state);
    } else {
      core_.push(state);
    }
    return future;
  }

  template <class F>
  void loop_indices(std::size_t n, const MapOptions& options, F& f) {
    if (n == 0) return;
    detail::IndexBody<F> body(f);
    core_.run_loop(n, options, body);
  }

  detail::ThreadCore core_;
};

static_assert(Executor<ThreadPool>, "ThreadPool must model pardo::Executor");

}  // namespace pardo
