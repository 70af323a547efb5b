#pragma once
// Chase-Lev work-stealing deque (Le, Pop, Cohen, Zappa Nardelli, PPoPP 2013), with
// sequentially consistent operations where the paper uses fences, which ThreadSanitizer
// does not model. The owner pushes and pops at the bottom; thieves steal at the top.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace pardo::detail {

template <class T>
class WorkStealingDeque {
  static_assert(std::is_pointer_v<T>, "the deque holds pointers");

 public:
  explicit WorkStealingDeque(std::int64_t capacity = 1024) : array_(new Array(capacity)) {
    garbage_.emplace_back(array_.load(std::memory_order_relaxed));
  }
  WorkStealingDeque(const WorkStealingDeque&) = delete;
  WorkStealingDeque& operator=(const WorkStealingDeque&) = delete;

  /// Owner only.
  void push(T item) {
    const std::int64_t b = bottom_.load(std::memory_order_relaxed);
    const std::int64_t t = top_.load(std::memory_order_acquire);
    Array* a = array_.load(std::memory_order_relaxed);
    if (b - t > a->capacity - 1) {
      a = grow(a, b, t);
    }
    a->put(b, item);
    bottom_.store(b + 1, std::memory_order_seq_cst);
  }

  /// Owner only; null if empty.
  T pop() {
    const std::int64_t b = bottom_.load(std::memory_order_relaxed) - 1;
    Array* a = array_.load(std::memory_order_relaxed);
    bottom_.store(b, std::memory_order_seq_cst);
    std::int64_t t = top_.load(std::memory_order_seq_cst);
    if (t > b) {
      bottom_.store(b + 1, std::memory_order_relaxed);
      return nullptr;
    }
    T item = a->get(b);
    if (t == b) {
      if (!top_.compare_exchange_strong(t, t + 1, std::memory_order_seq_cst,
                                        std::memory_order_relaxed)) {
        item = nullptr;
      }
      bottom_.store(b + 1, std::memory_order_relaxed);
    }
    return item;
  }

  /// Any thread; null if empty or if another thief won the race.
  T steal() {
    std::int64_t t = top_.load(std::memory_order_seq_cst);
    const std::int64_t b = bottom_.load(std::memory_order_seq_cst);
    if (t >= b) return nullptr;
    Array* a = array_.load(std::memory_order_acquire);
    T item = a->get(t);
    if (!top_.compare_exchange_strong(t, t + 1, std::memory_order_seq_cst,
                                      std::memory_order_relaxed)) {
      return nullptr;
    }
    return item;
  }

  /// A racy estimate, exact when called by the owner with no thief active.
  bool empty() const noexcept {
    return bottom_.load(std::memory_order_relaxed) <= top_.load(std::memory_order_relaxed);
  }

 private:
  struct Array {
    explicit Array(std::int64_t cap)
        : capacity(cap), mask(cap - 1), slots(new std::atomic<T>[static_cast<std::size_t>(cap)]) {}
    T get(std::int64_t i) const noexcept { return slots[index(i)].load(std::memory_order_relaxed); }
    void put(std::int64_t i, T item) noexcept {
      slots[index(i)].store(item, std::memory_order_relaxed);
    }
    std::size_t index(std::int64_t i) const noexcept { return static_cast<std::size_t>(i & mask); }

    std::int64_t capacity;
    std::int64_t mask;
    std::unique_ptr<std::atomic<T>[]> slots;
  };

  Array* grow(Array* old, std::int64_t b, std::int64_t t) {
    auto* bigger = new Array(old->capacity * 2);
    for (std::int64_t i = t; i < b; ++i) bigger->put(i, old->get(i));
    // Thieves may still read the old array, so it lives until the deque dies.
    garbage_.emplace_back(bigger);
    array_.store(bigger, std::memory_order_release);
    return bigger;
  }

  alignas(64) std::atomic<std::int64_t> top_{0};
  alignas(64) std::atomic<std::int64_t> bottom_{0};
  alignas(64) std::atomic<Array*> array_;
  std::vector<std::unique_ptr<Array>> garbage_;
};

}  // namespace pardo::detail
