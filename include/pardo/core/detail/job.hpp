#pragma once
// Units of work in a pool's queues: futures' tasks and the pieces of parallel loops.

#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include "pardo/core/detail/state.hpp"
#include "pardo/core/detail/trace.hpp"
#include "pardo/core/future.hpp"

namespace pardo::detail {

/// The callable a task runs: `f(args...)`, or `f(token, args...)` if f takes a stop token.
template <class F, class... Args>
auto bind_task(F&& f, Args&&... args) {
  if constexpr (std::is_invocable_v<std::decay_t<F>&, std::stop_token, std::decay_t<Args>&...>) {
    return [f = std::forward<F>(f),
            ... args = std::forward<Args>(args)](std::stop_token token) mutable {
      return std::invoke(f, std::move(token), std::move(args)...);
    };
  } else {
    return [f = std::forward<F>(f), ... args = std::forward<Args>(args)]() mutable {
      return std::invoke(f, std::move(args)...);
    };
  }
}

template <class Task, bool = std::is_invocable_v<Task&, std::stop_token>>
struct TaskResultOf {
  using type = std::invoke_result_t<Task&>;
};
template <class Task>
struct TaskResultOf<Task, true> {
  using type = std::invoke_result_t<Task&, std::stop_token>;
};
template <class Task>
using TaskResult = typename TaskResultOf<Task>::type;

/// Something a worker runs once. `execute` and `abandon` each dispose of the job.
class Job {
 public:
  virtual void execute() noexcept = 0;
  /// Disposes of the job without running it (shutdown with cancel_pending).
  virtual void abandon() noexcept = 0;

  /// The next job in a worker's inbox (a lock-free list); owned by the pool.
  Job* next_in_inbox = nullptr;

 protected:
  ~Job() = default;
};

/// A submitted callable and the state of its future, in one allocation. The queue owns
/// one reference; the callable is destroyed as soon as it has run.
template <class R, class F>
class TaskState final : public SharedState<R>, public Job {
 public:
  static constexpr bool takes_stop_token = std::is_invocable_v<F&, std::stop_token>;

  explicit TaskState(F fn) : fn_(std::move(fn)) {
    if constexpr (takes_stop_token) this->enable_stop();
  }

  void execute() noexcept override {
    if (this->try_start()) {
      if (trace::on()) [[unlikely]] {
        run_timed();
      } else {
        run(*fn_);
      }
    }
    fn_.reset();
    this->release();
  }

  void abandon() noexcept override {
    this->cancel();
    fn_.reset();
    this->release();
  }

 private:
  template <class G>
  void run(G&& g) noexcept {
    if constexpr (takes_stop_token) {
      fulfil(*this, std::forward<G>(g), this->stop_token());
    } else {
      fulfil(*this, std::forward<G>(g));
    }
  }

  /// Runs the task as one event of the trace, recorded before its future is set: whoever
  /// the result wakes finds the event recorded.
  void run_timed() noexcept {
    run([this](auto... token) -> decltype(auto) {
      const trace::TaskTimer timer(typeid(F).name());
      return std::invoke(*fn_, std::move(token)...);
    });
  }

  std::optional<F> fn_;
};

/// The first error of a parallel loop by input index. Chunks that start after it are
/// skipped, chunks before it still run, so the error reported is the first by input order.
class LoopErrors {
 public:
  static constexpr std::size_t none = static_cast<std::size_t>(-1);

  bool skip(std::size_t begin) const noexcept {
    return begin > first_.load(std::memory_order_relaxed);
  }
  void record(std::size_t index, std::exception_ptr error) noexcept {
    std::lock_guard lock(mutex_);
    if (index < first_.load(std::memory_order_relaxed)) {
      first_.store(index, std::memory_order_relaxed);
      error_ = std::move(error);
    }
  }
  void rethrow() const {
    std::lock_guard lock(mutex_);
    if (error_) std::rethrow_exception(error_);
  }
  /// Moves the error out, so that the one who reports it holds its only reference.
  std::exception_ptr take() noexcept {
    std::lock_guard lock(mutex_);
    return std::move(error_);
  }

 private:
  std::atomic<std::size_t> first_{none};
  mutable std::mutex mutex_;
  std::exception_ptr error_;
};

/// The body of a parallel loop over [0, n), type-erased so scheduling lives in src/.
class RangeBody {
 public:
  /// Runs iterations [begin, end) in order, recording the first error in `errors`.
  virtual void run(std::size_t begin, std::size_t end) noexcept = 0;
  LoopErrors errors;

 protected:
  ~RangeBody() = default;
};

/// A RangeBody calling `f(i)` for each index.
template <class F>
class IndexBody final : public RangeBody {
 public:
  explicit IndexBody(F& f) : f_(f) {}
  void run(std::size_t begin, std::size_t end) noexcept override {
    if (errors.skip(begin)) return;
    std::size_t i = begin;
    try {
      for (; i < end; ++i) f_(i);
    } catch (...) {
      errors.record(i, std::current_exception());
    }
  }

 private:
  F& f_;
};

}  // namespace pardo::detail
