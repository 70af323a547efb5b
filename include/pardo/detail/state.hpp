#pragma once
// The shared state behind Future/Promise: status machine, value, callbacks and waiters.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string_view>
#include <utility>
#include <vector>

#include "pardo/errors.hpp"

namespace pardo::detail {

using Clock = std::chrono::steady_clock;

/// concurrent.futures' states: pending -> running -> finished, or pending -> cancelled.
enum class Status : std::uint8_t { pending, running, finished, cancelled };

/// Hears that one of several futures finished (pardo::wait, pardo::as_completed).
/// `on_done` runs under the state's lock, so it must only record and signal.
class Waiter {
 public:
  virtual void on_done(std::size_t tag) noexcept = 0;

 protected:
  ~Waiter() = default;
};

/// A thread that can run queued work while it waits (a pool's worker), so that a task
/// waiting on another task of the same pool never deadlocks it.
class Helper {
 public:
  /// Runs one queued job if there is one; returns whether it did.
  virtual bool run_one() = 0;

 protected:
  ~Helper() = default;
};

/// The helper of the calling thread, or null outside a pool's workers.
Helper* current_helper() noexcept;
/// Installs the calling thread's helper and returns the previous one.
Helper* exchange_current_helper(Helper* helper) noexcept;

/// Something that reports errors that have no future to land on.
class ErrorSink {
 public:
  virtual void report(std::exception_ptr error, std::string_view where) noexcept = 0;

 protected:
  ~ErrorSink() = default;
};

/// Installs the calling thread's error sink (an executor's) and returns the previous one.
ErrorSink* exchange_current_error_sink(ErrorSink* sink) noexcept;
/// Reports to the calling thread's executor, or to the process-wide handler.
void report_error(std::exception_ptr error, std::string_view where) noexcept;

/// Waits until `done()` under `mutex`/`cv`; a pool worker runs other jobs meanwhile.
/// Returns false if `deadline` passed first. Callers that signal must set their flag
/// and notify while holding `mutex`.
bool wait_with_help(std::mutex& mutex, std::condition_variable& cv,
                    const std::function<bool()>& done, std::optional<Clock::time_point> deadline);

/// Reference-counted state shared by a future's handles and its producer.
class StateBase {
 public:
  StateBase(const StateBase&) = delete;
  StateBase& operator=(const StateBase&) = delete;

  void add_ref() noexcept { refs_.fetch_add(1, std::memory_order_relaxed); }
  void release() noexcept {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

  Status status() const noexcept { return status_.load(std::memory_order_acquire); }
  bool done() const noexcept {
    const Status s = status();
    return s == Status::finished || s == Status::cancelled;
  }

  /// pending -> running; false if the state was cancelled first.
  bool try_start() noexcept;
  /// pending -> cancelled (true), already cancelled (true), else false.
  bool cancel() noexcept;
  /// Cancels even a running state; used when a producer can no longer deliver.
  bool force_cancel() noexcept;

  void wait() const;
  bool wait_until(Clock::time_point deadline) const;

  /// The stored exception once finished (null on success).
  std::exception_ptr error() const noexcept { return error_; }
  /// Throws CancelledError or the stored exception, as `get()` must.
  void rethrow_if_failed() const;

  /// Gives the state a stop source; a task that takes a std::stop_token asks for it.
  void enable_stop() { stop_ = std::stop_source(); }
  std::stop_token stop_token() const noexcept { return stop_.get_token(); }
  bool request_stop() noexcept { return stop_.request_stop(); }
  bool stop_requested() const noexcept { return stop_.stop_requested(); }

  using Callback = std::function<void(StateBase&)>;
  /// Runs `callback` once the state is done; at once in this thread if it already is.
  void add_callback(Callback callback);

  /// Registers a waiter; false (not registered) if the state is already done.
  bool add_waiter(Waiter* waiter, std::size_t tag);
  void remove_waiter(Waiter* waiter) noexcept;

 protected:
  StateBase() = default;
  virtual ~StateBase() = default;

  /// Locks the state for completion; throws InvalidStateError if it is already done.
  std::unique_lock<std::mutex> lock_open();
  /// Publishes completion (value already stored) and runs the callbacks.
  void complete(std::unique_lock<std::mutex>& lock, std::exception_ptr error);

 private:
  void settle(std::unique_lock<std::mutex>& lock, Status final_status);

  std::atomic<std::uint32_t> refs_{1};
  std::atomic<Status> status_{Status::pending};
  mutable std::mutex mutex_;
  mutable std::condition_variable cv_;
  std::exception_ptr error_;
  std::vector<Callback> callbacks_;
  std::vector<std::pair<Waiter*, std::size_t>> waiters_;
  std::stop_source stop_{std::nostopstate};
};

/// A state holding a value of type T once finished.
template <class T>
class SharedState : public StateBase {
 public:
  template <class... Args>
  void set_value(Args&&... args) {
    auto lock = lock_open();
    value_.emplace(std::forward<Args>(args)...);
    complete(lock, nullptr);
  }
  void set_exception(std::exception_ptr error) {
    auto lock = lock_open();
    complete(lock, std::move(error));
  }
  const T& value() const noexcept { return *value_; }

 private:
  std::optional<T> value_;
};

template <>
class SharedState<void> : public StateBase {
 public:
  void set_value() {
    auto lock = lock_open();
    complete(lock, nullptr);
  }
  void set_exception(std::exception_ptr error) {
    auto lock = lock_open();
    complete(lock, std::move(error));
  }
};

/// An owning pointer to a state: one reference.
template <class S>
class StateRef {
 public:
  StateRef() = default;
  /// Adopts a reference the caller already owns.
  explicit StateRef(S* state) noexcept : state_(state) {}
  StateRef(const StateRef& other) noexcept : state_(other.state_) {
    if (state_ != nullptr) state_->add_ref();
  }
  StateRef(StateRef&& other) noexcept : state_(std::exchange(other.state_, nullptr)) {}
  StateRef& operator=(StateRef other) noexcept {
    std::swap(state_, other.state_);
    return *this;
  }
  ~StateRef() {
    if (state_ != nullptr) state_->release();
  }
  static StateRef share(S* state) noexcept {
    state->add_ref();
    return StateRef(state);
  }
  S* get() const noexcept { return state_; }
  S* operator->() const noexcept { return state_; }
  explicit operator bool() const noexcept { return state_ != nullptr; }
  friend bool operator==(const StateRef& a, const StateRef& b) noexcept {
    return a.state_ == b.state_;
  }

 private:
  S* state_ = nullptr;
};

}  // namespace pardo::detail
