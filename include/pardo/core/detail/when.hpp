#pragma once
// The machinery of wait and as_completed (pardo/core/when.hpp): a queue that finished futures
// post their tags to, and the set of futures it watches.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "pardo/core/future.hpp"

namespace pardo::detail {

/// Collects the tags of finished futures, in completion order.
class CompletionQueue final : public Waiter {
 public:
  void on_done(std::size_t tag) noexcept override {
    std::lock_guard lock(mutex_);
    ready_.push_back(tag);
    cv_.notify_all();
  }
  void push_now(std::size_t tag) {
    std::lock_guard lock(mutex_);
    ready_.push_back(tag);
  }
  /// Waits for the next finished tag; nullopt if the deadline passed first.
  std::optional<std::size_t> pop(std::optional<Clock::time_point> deadline) {
    const bool ready = wait_with_help(
        mutex_, cv_, [this] { return !ready_.empty(); }, deadline);
    std::lock_guard lock(mutex_);
    if (!ready) return std::nullopt;
    const std::size_t tag = ready_.front();
    ready_.pop_front();
    return tag;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::size_t> ready_;
};

/// Registers a CompletionQueue on every future, and unregisters it on destruction.
template <class T>
class WatchedSet {
 public:
  explicit WatchedSet(std::vector<Future<T>> futures) : futures_(std::move(futures)) {
    for (std::size_t i = 0; i < futures_.size(); ++i) {
      if (!detail::state_of(futures_[i]).add_waiter(&queue_, i)) queue_.push_now(i);
    }
  }
  WatchedSet(const WatchedSet&) = delete;
  WatchedSet& operator=(const WatchedSet&) = delete;
  ~WatchedSet() {
    for (auto& f : futures_) detail::state_of(f).remove_waiter(&queue_);
  }
  std::vector<Future<T>>& futures() noexcept { return futures_; }
  CompletionQueue& queue() noexcept { return queue_; }

 private:
  std::vector<Future<T>> futures_;
  CompletionQueue queue_;
};

inline std::optional<Clock::time_point> deadline_after(
    std::optional<std::chrono::nanoseconds> timeout) {
  if (!timeout) return std::nullopt;
  return Clock::now() + std::chrono::ceil<Clock::duration>(*timeout);
}

}  // namespace pardo::detail
