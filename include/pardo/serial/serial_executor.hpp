#pragma once
/// @file
/// `pardo::SerialExecutor`: the executor contract, run inline in the caller's thread.

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "pardo/core/detail/algorithms.hpp"
#include "pardo/core/detail/job.hpp"
#include "pardo/core/detail/state.hpp"
#include "pardo/core/detail/worker_state_ops.hpp"
#include "pardo/core/errors.hpp"
#include "pardo/core/future.hpp"
#include "pardo/core/options.hpp"
#include "pardo/core/shared.hpp"
#include "pardo/executor.hpp"

namespace pardo {

/// Runs every task at once in the calling thread, in submission order: the one-worker
/// reference for results and the executor to use under a debugger. Same contract as
/// ThreadPool; `submit` returns a future that is already done.
/// @code
/// pardo::SerialExecutor serial;
/// auto f = serial.submit([] { return 42; });
/// assert(f.done() && f.get() == 42);
/// @endcode
class SerialExecutor : public detail::Algorithms<SerialExecutor>,
                       public detail::InProcessStateOps<SerialExecutor> {
 public:
  SerialExecutor() = default;
  SerialExecutor(const SerialExecutor&) = delete;
  SerialExecutor& operator=(const SerialExecutor&) = delete;
  ~SerialExecutor() = default;

  /// Always 1.
  /// @code
  /// assert(pardo::SerialExecutor{}.size() == 1);
  /// @endcode
  std::size_t size() const noexcept { return 1; }

  /// "serial": the backend's name, as results and the CLI report it.
  /// @code
  /// assert(serial.backend() == "serial");
  /// @endcode
  static constexpr std::string_view backend() noexcept { return "serial"; }

  /// Runs `f(args...)` now; throws ShutdownError after `shutdown`.
  /// @code
  /// auto f = serial.submit([](int x) { return x + 1; }, 1);
  /// @endcode
  template <class F, class... Args>
  auto submit(F&& f, Args&&... args) {
    check_accepting("submit");
    return spawn(std::nullopt, detail::bind_task(std::forward<F>(f), std::forward<Args>(args)...));
  }

  /// Runs `f(args...)` at once if `worker` is 0, the only worker; throws std::out_of_range
  /// for any other, ShutdownError after `shutdown`.
  /// @code
  /// pardo::Future<int> one = serial.on_worker(0, [] { return 1; });
  /// @endcode
  template <class F, class... Args>
  auto on_worker(std::size_t worker, F&& f, Args&&... args) {
    check_accepting("on_worker");
    if (worker != 0) {
      throw std::out_of_range("on_worker: worker " + std::to_string(worker) + " of a pool of 1");
    }
    return spawn(std::nullopt, detail::bind_task(std::forward<F>(f), std::forward<Args>(args)...));
  }

  /// The value itself, moved or copied in once, behind a handle (see pardo::Shared).
  /// Throws ShutdownError after `shutdown`.
  /// @code
  /// auto table = serial.broadcast(std::vector<double>{1, 2, 3});
  /// @endcode
  template <class T>
  Shared<std::decay_t<T>> broadcast(T&& value) {
    check_accepting("broadcast");
    return detail::SharedAccess::local<std::decay_t<T>>(std::forward<T>(value));
  }

  /// Runs `f(0)` and returns its result in a one-element vector (nothing for void).
  /// @code
  /// auto ids = serial.on_each_worker([](std::size_t w) { return w; });  // {0}
  /// @endcode
  template <class F>
  auto on_each_worker(F&& f) {
    check_accepting("on_each_worker");
    using R = std::invoke_result_t<F&, std::size_t>;
    if constexpr (std::is_void_v<R>) {
      f(std::size_t{0});
    } else {
      return std::vector<R>{f(std::size_t{0})};
    }
  }

  /// Refuses further work; nothing is ever pending, so the flags change nothing else.
  /// @code
  /// serial.shutdown();  // serial.submit(f) now throws pardo::ShutdownError
  /// @endcode
  void shutdown(bool wait = true, bool cancel_pending = false) {
    static_cast<void>(wait);
    static_cast<void>(cancel_pending);
    shut_down_ = true;
  }

  /// Sets the handler for exceptions thrown by done callbacks while a task completes.
  /// @code
  /// serial.set_error_handler([](std::exception_ptr, std::string_view) { ++callback_errors; });
  /// @endcode
  void set_error_handler(ErrorHandler handler) { sink_.handler = std::move(handler); }

 private:
  friend class detail::Algorithms<SerialExecutor>;

  void check_accepting(const char* caller) const {
    if (shut_down_) throw ShutdownError(std::string(caller) + ": the executor has been shut down");
  }

  std::size_t worker_count() const noexcept { return 1; }

  template <class Task>
  auto spawn(std::optional<std::size_t>, Task task) {
    using R = detail::TaskResult<Task>;
    auto* state = new detail::TaskState<R, Task>(std::move(task));
    Future<R> future = detail::make_future(detail::StateRef<detail::SharedState<R>>::share(state));
    detail::ErrorSink* previous = detail::exchange_current_error_sink(&sink_);
    state->execute();
    detail::exchange_current_error_sink(previous);
    return future;
  }

  template <class F>
  void loop_indices(std::size_t n, const MapOptions& options, F& f) {
    detail::validate(options, "parallel loop");
    if (n == 0) return;
    check_accepting("parallel loop");
    detail::IndexBody<F> body(f);
    detail::trace::run_chunk(body, 0, n);
    body.errors.rethrow();
  }

  /// Hears the throwing callbacks of tasks while they complete in `spawn`.
  struct Sink final : detail::ErrorSink {
    void report(std::exception_ptr error, std::string_view where) noexcept override {
      detail::ErrorSink* self = detail::exchange_current_error_sink(nullptr);
      if (handler) {
        try {
          handler(error, where);
        } catch (...) {
          detail::report_error(std::current_exception(), "error handler");
        }
      } else {
        detail::report_error(error, where);
      }
      detail::exchange_current_error_sink(self);
    }
    ErrorHandler handler;
  };

  Sink sink_;
  bool shut_down_ = false;
};

static_assert(Executor<SerialExecutor>, "SerialExecutor must model pardo::Executor");

}  // namespace pardo
