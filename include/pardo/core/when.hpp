#pragma once
/// @file
/// Waiting on many futures: `when_all`, `wait` and `as_completed`.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "pardo/core/detail/when.hpp"
#include "pardo/core/future.hpp"

namespace pardo {

/// When `pardo::wait` returns (concurrent.futures' FIRST_COMPLETED, FIRST_EXCEPTION,
/// ALL_COMPLETED).
/// @code
/// auto result = pardo::wait(futures, pardo::ReturnWhen::first_exception);
/// @endcode
enum class ReturnWhen { first_completed, first_exception, all_completed };

/// The futures that were done and not done when `pardo::wait` returned, each in input order.
/// @code
/// pardo::WaitResult<int> r = pardo::wait(futures, pardo::ReturnWhen::all_completed, 1s);
/// for (auto& f : r.not_done) f.cancel();
/// @endcode
template <class T>
struct WaitResult {
  std::vector<Future<T>> done;
  std::vector<Future<T>> not_done;
};

/// Waits until the condition `when` holds or `timeout` passes; a timeout returns the
/// partial sets, it does not throw. `first_exception` returns at the first future that
/// failed or was cancelled, or when all are done.
/// @code
/// auto [done, not_done] = pardo::wait(futures, pardo::ReturnWhen::first_completed);
/// @endcode
template <class T>
WaitResult<T> wait(const std::vector<Future<T>>& futures,
                   ReturnWhen when = ReturnWhen::all_completed,
                   std::optional<std::chrono::nanoseconds> timeout = std::nullopt) {
  if (when != ReturnWhen::first_completed && when != ReturnWhen::first_exception &&
      when != ReturnWhen::all_completed) {
    throw std::invalid_argument("pardo::wait: unknown ReturnWhen " +
                                std::to_string(static_cast<int>(when)));
  }
  const auto deadline = detail::deadline_after(timeout);
  const auto failed = [](const Future<T>& f) {
    const detail::StateBase& s = detail::state_of(f);
    return s.status() == detail::Status::cancelled || s.error() != nullptr;
  };
  {
    detail::WatchedSet<T> set(futures);
    std::size_t finished = 0;
    while (finished < futures.size()) {
      if (finished > 0 && when == ReturnWhen::first_completed) break;
      const auto tag = set.queue().pop(deadline);
      if (!tag) break;
      ++finished;
      if (when == ReturnWhen::first_exception && failed(futures[*tag])) break;
    }
  }
  WaitResult<T> result;
  for (const auto& f : futures)
    (detail::state_of(f).done() ? result.done : result.not_done).push_back(f);
  return result;
}

/// A single-pass range over futures in the order they complete (those already done first).
/// Iterating past the deadline throws TimeoutError("N (of M) futures unfinished").
/// @code
/// for (pardo::Future<int>& f : pardo::as_completed(futures, std::chrono::seconds(5)))
///   std::cout << f.get() << '\n';
/// @endcode
template <class T>
class AsCompleted {
 public:
  class iterator {
   public:
    using value_type = Future<T>;
    using difference_type = std::ptrdiff_t;
    using reference = Future<T>&;

    iterator() = default;
    reference operator*() const { return owner_->current_; }
    iterator& operator++() {
      owner_->advance();
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) { return it.at_end(); }

   private:
    friend class AsCompleted;
    explicit iterator(AsCompleted* owner) : owner_(owner) {}
    bool at_end() const noexcept { return owner_ == nullptr || owner_->finished_; }
    AsCompleted* owner_ = nullptr;
  };

  explicit AsCompleted(std::vector<Future<T>> futures,
                       std::optional<std::chrono::nanoseconds> timeout = std::nullopt)
      : set_(std::make_unique<detail::WatchedSet<T>>(std::move(futures))),
        deadline_(detail::deadline_after(timeout)) {}

  /// Waits for the first future; may throw TimeoutError.
  /// @code
  /// auto completed = pardo::as_completed(futures);
  /// for (auto it = completed.begin(); it != completed.end(); ++it) use((*it).get());
  /// @endcode
  iterator begin() {
    if (!started_) {
      started_ = true;
      advance();
    }
    return iterator(this);
  }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  void advance() {
    const std::size_t total = set_->futures().size();
    if (yielded_ == total) {
      finished_ = true;
      return;
    }
    const auto tag = set_->queue().pop(deadline_);
    if (!tag) {
      throw TimeoutError(std::to_string(total - yielded_) + " (of " + std::to_string(total) +
                         ") futures unfinished");
    }
    ++yielded_;
    current_ = set_->futures()[*tag];
  }

  std::unique_ptr<detail::WatchedSet<T>> set_;
  std::optional<detail::Clock::time_point> deadline_;
  Future<T> current_;
  std::size_t yielded_ = 0;
  bool started_ = false;
  bool finished_ = false;
};

/// The futures in completion order, those already done first; see AsCompleted.
/// @code
/// for (auto& f : pardo::as_completed(futures)) total += f.get();
/// @endcode
template <class T>
AsCompleted<T> as_completed(std::vector<Future<T>> futures,
                            std::optional<std::chrono::nanoseconds> timeout = std::nullopt) {
  return AsCompleted<T>(std::move(futures), timeout);
}

/// A future of all the values, in input order. It finishes when every input is done; if any
/// failed or was cancelled, it fails with the error of the first such input by input order.
/// @code
/// std::vector<int> all = pardo::when_all(futures).get();
/// @endcode
template <class T>
auto when_all(std::vector<Future<T>> futures)
    -> Future<std::conditional_t<std::is_void_v<T>, void, std::vector<T>>> {
  using Out = std::conditional_t<std::is_void_v<T>, void, std::vector<T>>;
  Promise<Out> promise;
  Future<Out> result = promise.get_future();
  if (futures.empty()) {
    if constexpr (std::is_void_v<T>) {
      promise.set_value();
    } else {
      promise.set_value(std::vector<T>{});
    }
    return result;
  }
  struct Gather {
    std::vector<Future<T>> inputs;
    Promise<Out> promise;
    std::atomic<std::size_t> remaining;
  };
  auto gather = std::make_shared<Gather>();
  gather->remaining.store(futures.size());
  gather->promise = std::move(promise);
  gather->inputs = std::move(futures);
  for (auto& f : std::vector<Future<T>>(gather->inputs)) {
    f.add_done_callback([gather](const Future<T>&) {
      if (gather->remaining.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
      for (const auto& input : gather->inputs) {
        const detail::StateBase& s = detail::state_of(input);
        if (s.status() == detail::Status::cancelled) {
          gather->promise.set_exception(
              std::make_exception_ptr(CancelledError("when_all: an input was cancelled")));
          return;
        }
        if (s.error()) {
          gather->promise.set_exception(s.error());
          return;
        }
      }
      if constexpr (std::is_void_v<T>) {
        gather->promise.set_value();
      } else {
        std::vector<T> values;
        values.reserve(gather->inputs.size());
        for (const auto& input : gather->inputs) values.push_back(input.get());
        gather->promise.set_value(std::move(values));
      }
    });
  }
  return result;
}

}  // namespace pardo
