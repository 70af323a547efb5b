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

#include "pardo/core/errors.hpp"

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

/// A pool's own error handler (its set_error_handler), for the errors its ErrorSink hears.
class PoolErrorHandler {
 public:
  void set(ErrorHandler handler);
  /// Calls the handler or, without one, report_error past the calling thread's sink (the
  /// pool's own, which would hear the error again); a handler that throws is noted on stderr.
  void report(std::exception_ptr error, std::string_view where) noexcept;

 private:
  std::mutex mutex_;
  ErrorHandler handler_;
};

/// Waits until `done()` under `mutex`/`cv`; a pool worker runs other jobs meanwhile.
/// Returns false if `deadline` passed first. Callers that signal must set their flag
/// and notify while holding `mutex`.
bool wait_with_help(std::mutex& mutex, std::condition_variable& cv,
                    const std::function<bool()>& done, std::optional<Clock::time_point> deadline);

/// Reference-counted state shared by a future's handles and its producer.
///
/// One 32-bit word holds the status and a "someone sleeps" bit; sleepers wait on it with a
/// futex, so completing a future nobody waits on costs no system call and no lock.
/// Callbacks and waiters live in a block allocated on first registration.
class StateBase {
 public:
  StateBase(const StateBase&) = delete;
  StateBase& operator=(const StateBase&) = delete;

  void add_ref() noexcept { refs_.fetch_add(1, std::memory_order_relaxed); }
  void release() noexcept {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

  Status status() const noexcept { return decode(word_.load(std::memory_order_acquire)); }
  bool done() const noexcept { return is_done(word_.load(std::memory_order_acquire)); }

  /// pending -> running; false if the state was cancelled first.
  bool try_start() noexcept;
  /// pending -> cancelled (true), already cancelled (true), else false.
  bool cancel() noexcept;
  /// Cancels a pending or running state; used when a producer can no longer deliver.
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

  using Callback = std::function<void(StateBase&)>;
  /// Runs `callback` once the state is done; at once in this thread if it already is.
  void add_callback(Callback callback);

  /// Registers a waiter; false (not registered) if the state is already done. `on_done`
  /// runs under the state's list lock, so after remove_waiter returns it never runs again.
  bool add_waiter(Waiter* waiter, std::size_t tag);
  void remove_waiter(Waiter* waiter) noexcept;

 protected:
  StateBase() = default;
  virtual ~StateBase();

  /// Claims the right to store a result; throws InvalidStateError if the state is done or
  /// another producer is storing one.
  void begin_completion();
  /// Publishes the result stored since begin_completion and runs the callbacks.
  void end_completion(std::exception_ptr error) noexcept;

 private:
  enum Raw : std::uint32_t {
    raw_pending,
    raw_running,
    raw_completing,
    raw_finished,
    raw_cancelled
  };
  static constexpr std::uint32_t status_mask = 7;
  static constexpr std::uint32_t sleepers_bit = 8;
  struct Listeners;

  static Status decode(std::uint32_t word) noexcept {
    switch (word & status_mask) {
      case raw_pending:
        return Status::pending;
      case raw_running:
      case raw_completing:
        return Status::running;
      case raw_finished:
        return Status::finished;
      default:
        return Status::cancelled;
    }
  }
  static bool is_done(std::uint32_t word) noexcept { return (word & status_mask) >= raw_finished; }

  /// Moves from one of `from` (a bit set of Raw values) to `to`; returns the old word, or
  /// nullopt if the status was not in `from`.
  std::optional<std::uint32_t> transition(std::uint32_t from, Raw to) noexcept;
  /// After a move to a done status: wakes sleepers and runs listeners.
  void settle(std::uint32_t old_word) noexcept;
  bool sleep_until(std::optional<Clock::time_point> deadline) const;
  bool wait_until_impl(std::optional<Clock::time_point> deadline) const;
  void lock_lists() const noexcept;
  void unlock_lists() const noexcept;

  std::atomic<std::uint32_t> refs_{1};
  mutable std::atomic<std::uint32_t> word_{raw_pending};
  mutable std::atomic<bool> list_lock_{false};
  std::atomic<bool> has_listeners_{false};
  std::exception_ptr error_;
  Listeners* listeners_ = nullptr;
  std::stop_source stop_{std::nostopstate};
};

/// A state holding a value of type T once finished.
template <class T>
class SharedState : public StateBase {
 public:
  /// Stores the value; if constructing it throws, the future fails with that exception.
  template <class... Args>
  void set_value(Args&&... args) {
    begin_completion();
    try {
      value_.emplace(std::forward<Args>(args)...);
    } catch (...) {
      end_completion(std::current_exception());
      return;
    }
    end_completion(nullptr);
  }
  void set_exception(std::exception_ptr error) {
    begin_completion();
    end_completion(std::move(error));
  }
  const T& value() const noexcept { return *value_; }
  /// For a producer that holds the only handle of a finished state (ProcessPool::map).
  T& mutable_value() noexcept { return *value_; }

 private:
  std::optional<T> value_;
};

template <>
class SharedState<void> : public StateBase {
 public:
  void set_value() {
    begin_completion();
    end_completion(nullptr);
  }
  void set_exception(std::exception_ptr error) {
    begin_completion();
    end_completion(std::move(error));
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
