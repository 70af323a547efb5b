#pragma once
/// @file
/// `pardo::Channel<T>`: a bounded multi-producer, multi-consumer queue between threads, with
/// close semantics, the shared-queue structure of parallel programs (Go's buffered channels,
/// Boost.Fiber's `buffered_channel`, TBB's `concurrent_bounded_queue`).
///
/// Producers `push` and block while the channel is full, so a slow consumer slows them down
/// (back-pressure) and memory stays bounded by the capacity. Consumers `pop` and block while
/// it is empty. `close()` ends the stream: pushes fail from then on, and consumers take what
/// is left and then see the channel closed, so `for (T x : channel)` ends once the producers
/// have closed it and everything they pushed has been taken.
/// @code
/// pardo::Channel<int> channel(64);
/// std::jthread producer([&] {
///   for (int i = 0; i < 1000; ++i) channel.push(i);
///   channel.close();
/// });
/// long sum = 0;
/// for (int x : channel) sum += x;  // 499500, once the producer has closed the channel
/// @endcode

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <iterator>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "pardo/core/memory.hpp"

namespace pardo {

/// What a channel operation did.
/// @code
/// if (channel.try_push(x) == pardo::ChannelStatus::full) defer(x);
/// @endcode
enum class ChannelStatus {
  success,  ///< the value was pushed or popped
  empty,    ///< try_pop: nothing to take now (the channel is open)
  full,     ///< try_push: no room now (the channel is open)
  timeout,  ///< push_for or pop_for: the time ran out first
  closed,   ///< pushing to a closed channel, or popping one closed and drained
};

template <class T>
class Channel;

/// Pops values from a channel until it is closed and drained: what `for (T x : channel)`
/// uses, for Channel<T> and ProcessChannel<T> alike (`Source`). An input iterator: each
/// value is taken by exactly one iterating thread.
/// @code
/// for (const std::string& line : lines) std::cout << line << '\n';
/// @endcode
template <class T, class Source = Channel<T>>
class ChannelIterator {
 public:
  using value_type = T;
  using difference_type = std::ptrdiff_t;

  ChannelIterator() = default;
  /// At the channel's first value: pops it, waiting like `pop`.
  /// @code
  /// pardo::ChannelIterator<int> it(&numbers);
  /// @endcode
  explicit ChannelIterator(Source* channel) : channel_(channel), current_(channel->pop()) {}
  T& operator*() const { return *current_; }
  ChannelIterator& operator++() {
    current_ = channel_->pop();
    return *this;
  }
  void operator++(int) { ++*this; }
  friend bool operator==(const ChannelIterator& it, std::default_sentinel_t) {
    return !it.current_.has_value();
  }

 private:
  Source* channel_ = nullptr;
  mutable std::optional<T> current_;
};

/// A bounded multi-producer, multi-consumer FIFO queue between threads; see the file's
/// description. Values leave in the order they entered (the order between two producers is
/// the order in which their pushes took the channel's lock). Not copyable or movable: share
/// it by reference. Its destructor drops the values still in it.
/// @code
/// pardo::Channel<std::string> lines(128);
/// lines.push("first");
/// std::optional<std::string> line = lines.pop();  // "first"
/// @endcode
template <class T>
class Channel {
 public:
  /// A channel that holds at most `capacity` values; their slots are allocated now. Throws
  /// std::invalid_argument for a capacity of 0 (a rendezvous channel is not offered) or one
  /// whose slots do not fit in memory, naming it.
  /// @code
  /// pardo::Channel<double> results(1024);
  /// @endcode
  explicit Channel(std::size_t capacity) : capacity_(capacity) {
    if (capacity == 0) {
      throw std::invalid_argument("Channel: capacity is 0; it must be at least 1");
    }
    const double bytes = static_cast<double>(capacity) * sizeof(std::optional<T>);
    if (auto why = memory_shortfall(bytes, "its slots")) {
      throw std::invalid_argument("Channel: capacity " + std::to_string(capacity) + " " + *why);
    }
    slots_.resize(capacity);
  }

  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  /// Appends `value`, waiting while the channel is full. Returns success, or closed if the
  /// channel is closed (before or while waiting): the value is then dropped.
  /// @code
  /// if (channel.push(item) == pardo::ChannelStatus::closed) return;  // consumers are gone
  /// @endcode
  ChannelStatus push(T value) {
    std::unique_lock lock(mutex_);
    wait_for_room(lock, [&](auto ready) {
      not_full_.wait(lock, ready);
      return true;
    });
    return put(lock, std::move(value));
  }

  /// Appends `value` if there is room now; moves from it only on success. Returns success,
  /// full or closed.
  /// @code
  /// std::string item = "x";
  /// if (channel.try_push(item) != pardo::ChannelStatus::success) keep(item);  // unchanged
  /// @endcode
  ChannelStatus try_push(T& value) {
    std::unique_lock lock(mutex_);
    if (closed_) return ChannelStatus::closed;
    if (count_ == capacity_) return ChannelStatus::full;
    return put(lock, std::move(value));
  }

  /// push(), waiting at most `timeout` for room; moves from `value` only on success.
  /// Returns success, timeout or closed.
  /// @code
  /// auto status = channel.push_for(item, std::chrono::milliseconds(100));
  /// @endcode
  template <class Rep, class Period>
  ChannelStatus push_for(T& value, std::chrono::duration<Rep, Period> timeout) {
    std::unique_lock lock(mutex_);
    const bool room =
        wait_for_room(lock, [&](auto ready) { return not_full_.wait_for(lock, timeout, ready); });
    if (!room) return ChannelStatus::timeout;
    return put(lock, std::move(value));
  }

  /// Takes the oldest value into `out`, waiting while the channel is empty and open.
  /// Returns success, or closed once the channel is closed and drained.
  /// @code
  /// int x;
  /// while (channel.pop(x) == pardo::ChannelStatus::success) use(x);
  /// @endcode
  ChannelStatus pop(T& out) {
    std::unique_lock lock(mutex_);
    wait_for_value(lock, [&](auto ready) {
      not_empty_.wait(lock, ready);
      return true;
    });
    return take(lock, out);
  }

  /// The oldest value, waiting while the channel is empty and open; empty once it is closed
  /// and drained.
  /// @code
  /// while (std::optional<int> x = channel.pop()) use(*x);
  /// @endcode
  std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    wait_for_value(lock, [&](auto ready) {
      not_empty_.wait(lock, ready);
      return true;
    });
    return take_optional(lock);
  }

  /// Takes the oldest value into `out` if there is one now. Returns success, empty (the
  /// channel is open) or closed (closed and drained).
  /// @code
  /// if (channel.try_pop(x) == pardo::ChannelStatus::success) use(x);
  /// @endcode
  ChannelStatus try_pop(T& out) {
    std::unique_lock lock(mutex_);
    if (count_ == 0) return closed_ ? ChannelStatus::closed : ChannelStatus::empty;
    return take(lock, out);
  }

  /// pop(out), waiting at most `timeout`. Returns success, timeout or closed.
  /// @code
  /// auto status = channel.pop_for(x, std::chrono::seconds(1));
  /// @endcode
  template <class Rep, class Period>
  ChannelStatus pop_for(T& out, std::chrono::duration<Rep, Period> timeout) {
    std::unique_lock lock(mutex_);
    const bool ready = wait_for_value(
        lock, [&](auto has_value) { return not_empty_.wait_for(lock, timeout, has_value); });
    if (!ready) return ChannelStatus::timeout;
    return take(lock, out);
  }

  /// Closes the channel: pushes fail from now on, waiting producers return closed, and
  /// consumers take the values left before they see it closed. Idempotent.
  /// @code
  /// channel.close();
  /// @endcode
  void close() {
    {
      const std::lock_guard lock(mutex_);
      closed_ = true;
    }
    not_full_.notify_all();
    not_empty_.notify_all();
  }

  /// Whether close() has been called (values may still be left to pop).
  /// @code
  /// if (channel.closed()) stop_producing();
  /// @endcode
  bool closed() const {
    const std::lock_guard lock(mutex_);
    return closed_;
  }

  /// The values in the channel now; by the time it returns, other threads may have changed it.
  /// @code
  /// std::size_t backlog = channel.size();
  /// @endcode
  std::size_t size() const {
    const std::lock_guard lock(mutex_);
    return count_;
  }

  /// The most values the channel holds.
  /// @code
  /// assert(channel.size() <= channel.capacity());
  /// @endcode
  std::size_t capacity() const noexcept { return capacity_; }

  /// Pops values until the channel is closed and drained.
  using iterator = ChannelIterator<T>;

  /// Waits for the first value (or the channel closed and drained).
  /// @code
  /// for (int x : channel) use(x);
  /// @endcode
  iterator begin() { return iterator(this); }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  // `wait(ready)` waits on a condition variable until `ready()`, counted in `waiting` so that
  // the other side signals only when someone waits; false on a timeout. Room means room or
  // closed, a value a value or closed: put() and take() then say which.
  template <class Wait>
  bool wait_for_room(std::unique_lock<std::mutex>&, Wait&& wait) {
    return wait_until(
        waiting_pushers_, [&] { return closed_ || count_ < capacity_; }, wait);
  }
  template <class Wait>
  bool wait_for_value(std::unique_lock<std::mutex>&, Wait&& wait) {
    return wait_until(
        waiting_poppers_, [&] { return closed_ || count_ > 0; }, wait);
  }
  template <class Ready, class Wait>
  static bool wait_until(std::size_t& waiting, Ready ready, Wait& wait) {
    if (ready()) return true;
    ++waiting;
    const bool done = wait(ready);
    --waiting;
    return done;
  }

  ChannelStatus put(std::unique_lock<std::mutex>& lock, T&& value) {
    if (closed_) return ChannelStatus::closed;
    slots_[(head_ + count_) % capacity_].emplace(std::move(value));
    ++count_;
    const bool wake = waiting_poppers_ > 0;
    lock.unlock();
    if (wake) not_empty_.notify_one();
    return ChannelStatus::success;
  }

  ChannelStatus take(std::unique_lock<std::mutex>& lock, T& out) {
    if (count_ == 0) return ChannelStatus::closed;
    out = std::move(*slots_[head_]);
    release_head(lock);
    return ChannelStatus::success;
  }

  std::optional<T> take_optional(std::unique_lock<std::mutex>& lock) {
    if (count_ == 0) return std::nullopt;
    std::optional<T> out(std::move(*slots_[head_]));
    release_head(lock);
    return out;
  }

  void release_head(std::unique_lock<std::mutex>& lock) {
    slots_[head_].reset();
    head_ = (head_ + 1) % capacity_;
    --count_;
    const bool wake = waiting_pushers_ > 0;
    lock.unlock();
    if (wake) not_full_.notify_one();
  }

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
  std::vector<std::optional<T>> slots_;  // a ring: count_ values from head_
  std::size_t head_ = 0;
  std::size_t count_ = 0;
  std::size_t waiting_pushers_ = 0;
  std::size_t waiting_poppers_ = 0;
  bool closed_ = false;
};

}  // namespace pardo
