#pragma once
// Lets idle workers sleep without missing work pushed while they decided to.
// A sleeper calls prepare_wait(), checks the queues once more, then cancel_wait() or
// commit_wait(); a producer pushes, then notifies. Every queue write that precedes a notify
// and every queue read that follows prepare_wait is seq_cst, as are the reads and writes of
// the waiter count here, so at least one side sees the other: no wake-up is lost.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace pardo::detail {

class EventCount {
 public:
  using Key = std::uint32_t;

  Key prepare_wait() noexcept {
    const std::uint64_t state = state_.fetch_add(1, std::memory_order_seq_cst);
    return static_cast<Key>(state >> 32);
  }

  void cancel_wait() noexcept { state_.fetch_sub(1, std::memory_order_seq_cst); }

  void commit_wait(Key key) {
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] {
        return static_cast<Key>(state_.load(std::memory_order_seq_cst) >> 32) != key;
      });
    }
    state_.fetch_sub(1, std::memory_order_seq_cst);
  }

  void notify_one() { notify(false); }
  void notify_all() { notify(true); }

 private:
  void notify(bool all) {
    if ((state_.load(std::memory_order_seq_cst) & waiter_mask) == 0) return;
    {
      std::lock_guard lock(mutex_);
      state_.fetch_add(std::uint64_t{1} << 32, std::memory_order_seq_cst);
      if (all) {
        cv_.notify_all();
      } else {
        cv_.notify_one();
      }
    }
  }

  static constexpr std::uint64_t waiter_mask = 0xffffffffu;
  std::atomic<std::uint64_t> state_{0};
  std::mutex mutex_;
  std::condition_variable cv_;
};

}  // namespace pardo::detail
