#pragma once
/// @file
/// `pardo::Future<T>` and `pardo::Promise<T>`: results that arrive later.

#include <chrono>
#include <concepts>
#include <exception>
#include <functional>
#include <type_traits>
#include <utility>

#include "pardo/core/detail/state.hpp"
#include "pardo/core/errors.hpp"

namespace pardo {

template <class T>
class Future;
template <class T>
class Promise;

namespace detail {

template <class T>
struct GetResult {
  using type = const T&;
};
template <>
struct GetResult<void> {
  using type = void;
};

template <class T, class F>
struct ThenResult {
  using type = std::invoke_result_t<F, const T&>;
};
template <class F>
struct ThenResult<void, F> {
  using type = std::invoke_result_t<F>;
};

template <class T>
Future<T> make_future(StateRef<SharedState<T>> state);

/// The shared state of a future, for the free functions in `pardo/when.hpp`.
template <class U>
StateBase& state_of(const Future<U>& f);

/// Runs `f(args...)` and stores its result or exception in `state`.
template <class T, class F, class... Args>
void fulfil(SharedState<T>& state, F&& f, Args&&... args) {
  try {
    if constexpr (std::is_void_v<T>) {
      std::invoke(std::forward<F>(f), std::forward<Args>(args)...);
      state.set_value();
    } else {
      state.set_value(std::invoke(std::forward<F>(f), std::forward<Args>(args)...));
    }
  } catch (...) {
    state.set_exception(std::current_exception());
  }
}

}  // namespace detail

/// A handle to a result that will be ready later: cheap to copy, all copies share one state.
///
/// States follow concurrent.futures: pending -> running -> finished (value or exception),
/// or pending -> cancelled. `get()` waits; called from a pool's worker, waiting runs other
/// jobs of that pool, so a task may wait on tasks it submitted even with one worker.
/// @code
/// pardo::ThreadPool pool(4);
/// pardo::Future<int> f = pool.submit([] { return 6 * 7; });
/// auto g = f.then([](int x) { return x + 1; });
/// assert(g.get() == 43);
/// @endcode
template <class T>
class Future {
  static_assert(!std::is_reference_v<T>, "Future<T&> is not supported; use std::reference_wrapper");

 public:
  using value_type = T;

  /// A future with no state; every operation but `valid()` throws InvalidStateError.
  /// @code
  /// pardo::Future<int> f;  // f.valid() == false
  /// f = pool.submit([] { return 1; });
  /// @endcode
  Future() = default;

  /// Whether this handle refers to a state.
  /// @code
  /// if (f.valid()) f.wait();
  /// @endcode
  bool valid() const noexcept { return static_cast<bool>(state_); }

  /// Waits, then returns the value, rethrows the task's exception with its original type,
  /// or throws CancelledError.
  /// @code
  /// int v = pool.submit([] { return 1; }).get();
  /// @endcode
  typename detail::GetResult<T>::type get() const {
    const auto& s = checked();
    s.wait();
    s.rethrow_if_failed();
    if constexpr (!std::is_void_v<T>) return s.value();
  }

  /// Waits until the future is done (finished or cancelled); never throws the task's error.
  /// @code
  /// f.wait();
  /// assert(f.done());
  /// @endcode
  void wait() const { checked().wait(); }

  /// Waits at most `timeout`; true if the future is done.
  /// @code
  /// if (!f.wait_for(std::chrono::milliseconds(10))) { /* still pending or running */ }
  /// @endcode
  template <class Rep, class Period>
  bool wait_for(std::chrono::duration<Rep, Period> timeout) const {
    return checked().wait_until(detail::Clock::now() +
                                std::chrono::ceil<detail::Clock::duration>(timeout));
  }

  /// Waits until `deadline` (any clock); true if the future is done.
  /// @code
  /// bool ready = f.wait_until(std::chrono::steady_clock::now() + std::chrono::seconds(1));
  /// @endcode
  template <class Clock, class Duration>
  bool wait_until(std::chrono::time_point<Clock, Duration> deadline) const {
    return wait_for(deadline - Clock::now());
  }

  /// True once finished or cancelled.
  /// @code
  /// while (!f.done()) do_something_else();
  /// @endcode
  bool done() const { return checked().done(); }
  /// True while the task runs.
  /// @code
  /// if (f.running()) assert(!f.cancel());
  /// @endcode
  bool running() const { return checked().status() == detail::Status::running; }
  /// True if cancelled.
  /// @code
  /// f.cancel();
  /// if (f.cancelled()) std::puts("never ran");
  /// @endcode
  bool cancelled() const { return checked().status() == detail::Status::cancelled; }

  /// Waits, then returns the task's exception (null on success); throws CancelledError if
  /// the future was cancelled.
  /// @code
  /// if (auto e = f.exception()) std::rethrow_exception(e);
  /// @endcode
  std::exception_ptr exception() const {
    const auto& s = checked();
    s.wait();
    if (s.status() == detail::Status::cancelled) throw CancelledError("future was cancelled");
    return s.error();
  }

  /// Cancels a pending future so its task never runs. True if it was pending or already
  /// cancelled; false if it is running or finished.
  /// @code
  /// if (f.cancel()) assert(f.cancelled());
  /// @endcode
  bool cancel() { return checked().cancel(); }

  /// Asks a running task that takes a `std::stop_token` first to stop. True if this call
  /// made the request; false if it was made before or the task takes no stop token.
  /// @code
  /// auto f = pool.submit([](std::stop_token st) { while (!st.stop_requested()) spin(); });
  /// f.request_stop();
  /// @endcode
  bool request_stop() { return checked().request_stop(); }

  /// Calls `f(future)` once the future is done: finished, failed or cancelled. If it is
  /// already done, `f` runs now in this thread. Callbacks run in registration order; one
  /// that throws is reported to the error handler and the others still run.
  /// @code
  /// f.add_done_callback([](const pardo::Future<int>& g) { std::cout << g.get(); });
  /// @endcode
  template <class F>
  requires std::invocable < F&, const Future<T>
  & > void add_done_callback(F f) {
    auto& s = checked();
    s.add_callback([f = std::move(f)](detail::StateBase& base) mutable {
      auto& typed = static_cast<detail::SharedState<T>&>(base);
      f(detail::make_future(detail::StateRef<detail::SharedState<T>>::share(&typed)));
    });
  }

  /// A future of `f(value)` (or `f()` for Future<void>), run when this one finishes, in the
  /// thread that finishes it (or now, if it already has). An exception skips `f` and passes
  /// on; cancelling this future cancels the continuation.
  /// @code
  /// pardo::Future<std::string> s = f.then([](int x) { return std::to_string(x); });
  /// @endcode
  template <class F>
  auto then(F f) -> Future<typename detail::ThenResult<T, F>::type> {
    using U = typename detail::ThenResult<T, F>::type;
    auto* next = new detail::SharedState<U>();
    detail::StateRef<detail::SharedState<U>> next_ref(next);
    auto keep = next_ref;
    checked().add_callback(
        [next = std::move(keep), f = std::move(f)](detail::StateBase& base) mutable {
          auto& source = static_cast<detail::SharedState<T>&>(base);
          if (source.status() == detail::Status::cancelled) {
            next->force_cancel();
            return;
          }
          if (source.error()) {
            if (next->try_start()) next->set_exception(source.error());
            return;
          }
          if (!next->try_start()) return;  // the continuation was cancelled
          if constexpr (std::is_void_v<T>) {
            detail::fulfil(*next.get(), std::move(f));
          } else {
            detail::fulfil(*next.get(), std::move(f), source.value());
          }
        });
    return detail::make_future(std::move(next_ref));
  }

  /// True if both handles share one state.
  /// @code
  /// auto g = f;
  /// assert(g == f);
  /// @endcode
  friend bool operator==(const Future& a, const Future& b) noexcept { return a.state_ == b.state_; }

 private:
  friend Future detail::make_future<T>(detail::StateRef<detail::SharedState<T>> state);
  template <class>
  friend class Promise;
  template <class U>
  friend detail::StateBase& detail::state_of(const Future<U>& f);

  explicit Future(detail::StateRef<detail::SharedState<T>> state) : state_(std::move(state)) {}

  detail::SharedState<T>& checked() const {
    if (!state_) throw InvalidStateError("future has no state");
    return *state_.get();
  }

  detail::StateRef<detail::SharedState<T>> state_;
};

/// @cond PARDO_DETAIL
template <class U>
detail::StateBase& detail::state_of(const Future<U>& f) {
  return f.checked();
}
/// @endcond

template <class T>
Future<T> detail::make_future(StateRef<SharedState<T>> state) {
  return Future<T>(std::move(state));
}

/// The producing end of a future, for results made outside any executor.
/// Destroying a promise that has not delivered fails its future with InvalidStateError.
/// @code
/// pardo::Promise<int> p;
/// pardo::Future<int> f = p.get_future();
/// std::thread t([p = std::move(p)]() mutable { p.set_value(42); });
/// assert(f.get() == 42);
/// t.join();
/// @endcode
template <class T>
class Promise {
 public:
  /// A promise with a fresh, pending state.
  /// @code
  /// pardo::Promise<std::string> p;
  /// @endcode
  Promise() : state_(new detail::SharedState<T>()) {}
  Promise(Promise&&) noexcept = default;
  Promise& operator=(Promise&& other) noexcept {
    abandon();
    state_ = std::move(other.state_);
    return *this;
  }
  Promise(const Promise&) = delete;
  Promise& operator=(const Promise&) = delete;
  ~Promise() { abandon(); }

  /// A future sharing this promise's state; may be called more than once.
  /// @code
  /// pardo::Future<int> f = p.get_future();
  /// @endcode
  Future<T> get_future() const { return detail::make_future(checked_ref()); }

  /// Stores the value and wakes the waiters; throws InvalidStateError if the future
  /// already has a result or was cancelled.
  /// @code
  /// p.set_value(42);
  /// @endcode
  template <class... Args>
  void set_value(Args&&... args) {
    checked_ref()->set_value(std::forward<Args>(args)...);
  }

  /// Stores an exception that `get()` rethrows; throws InvalidStateError if the future
  /// already has a result or was cancelled.
  /// @code
  /// p.set_exception(std::make_exception_ptr(std::runtime_error("no data")));
  /// @endcode
  void set_exception(std::exception_ptr error) { checked_ref()->set_exception(std::move(error)); }

 private:
  const detail::StateRef<detail::SharedState<T>>& checked_ref() const {
    if (!state_) throw InvalidStateError("promise has no state (moved from)");
    return state_;
  }
  void abandon() noexcept {
    if (!state_ || state_->done()) return;
    try {
      state_->set_exception(
          std::make_exception_ptr(InvalidStateError("promise destroyed before delivering")));
    } catch (const InvalidStateError&) {
      // Another thread delivered or cancelled in between; nothing is lost.
    }
  }

  detail::StateRef<detail::SharedState<T>> state_;
};

}  // namespace pardo
