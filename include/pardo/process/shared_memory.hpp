#pragma once
/// @file
/// Memory shared between processes: `pardo::SharedArray<T>`, `pardo::SharedValue<T>` and
/// `pardo::ProcessMutex`, each named by a `pardo::SharedHandle` that other processes attach to.
///
/// A segment is an anonymous memory file (`memfd_create`): nothing appears in /dev/shm, and
/// the memory is freed when the last process unmaps it, even if its creator was killed.
/// Another process of the same user attaches through `/proc/<creator pid>/fd/<fd>`, so
/// attaching works while the creating object lives. Linux only.

#include <atomic>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string_view>
#include <type_traits>

#include "pardo/core/shared_handle.hpp"

#include "pardo/process/detail/shared_memory.hpp"

namespace pardo {

/// A fixed-size array of trivially copyable T in memory shared between processes.
///
/// The creator's `handle()` lets other processes `attach` to the same memory. Plain reads
/// and writes from several processes race as they would between threads: use `atomic(i)`,
/// a `ProcessMutex`, or write disjoint elements. Move-only; the destructor unmaps the memory
/// and closes the file descriptor, and the memory goes when the last process has unmapped it.
/// A moved-from array may only be destroyed or assigned to.
/// @code
/// pardo::SharedArray<double> results(n);             // zero-filled
/// // in a worker process, given the handle:
/// auto mine = pardo::SharedArray<double>::attach(handle);
/// mine[i] = compute(i);
/// @endcode
template <class T>
class SharedArray : detail::SharedElementChecks<T> {
 public:
  using value_type = T;
  using iterator = T*;
  using const_iterator = const T*;

  /// Creates `n` zero-filled elements (all bytes zero). Throws std::invalid_argument naming
  /// `n` if it is 0 or its byte count overflows, std::system_error if the system refuses.
  /// @code
  /// pardo::SharedArray<std::uint64_t> counts(64);
  /// @endcode
  explicit SharedArray(std::size_t n)
      : segment_(detail::shared_array_name, detail::element_type<T>(), n) {}

  /// Creates `n` copies of `value`.
  /// @code
  /// pardo::SharedArray<double> xs(100, 1.0);
  /// @endcode
  SharedArray(std::size_t n, const T& value) : SharedArray(n) {
    std::uninitialized_fill_n(data(), n, value);
  }

  /// Maps the array `handle` names, created in another process (or this one) and still
  /// alive there. Throws std::invalid_argument if the handle was made for another element
  /// type, or does not name a live pardo segment of its size; std::system_error if the
  /// creator's descriptor cannot be reached (the creator has exited or closed it). The
  /// messages name the handle's pid and fd.
  /// @code
  /// auto xs = pardo::SharedArray<double>::attach(handle);  // same memory as the creator's
  /// @endcode
  static SharedArray attach(const SharedHandle& handle) {
    return SharedArray(detail::SharedSegment::attach(detail::shared_array_name,
                                                     detail::element_type<T>(), handle, false));
  }

  /// The handle to pass to other processes: the creator's, also in a process that attached.
  /// @code
  /// pool.submit(work, xs.handle());
  /// @endcode
  const SharedHandle& handle() const noexcept { return segment_.handle(); }

  /// The number of elements.
  /// @code
  /// for (std::size_t i = 0; i < xs.size(); ++i) xs[i] = 0.5;
  /// @endcode
  std::size_t size() const noexcept {
    return static_cast<std::size_t>(segment_.handle().bytes / sizeof(T));
  }

  /// The first element.
  /// @code
  /// std::fill_n(xs.data(), xs.size(), 0.0);
  /// @endcode
  T* data() noexcept { return static_cast<T*>(segment_.data()); }
  const T* data() const noexcept { return static_cast<const T*>(segment_.data()); }

  /// Element `i`, unchecked.
  /// @code
  /// xs[3] = 2.5;
  /// @endcode
  T& operator[](std::size_t i) noexcept { return data()[i]; }
  const T& operator[](std::size_t i) const noexcept { return data()[i]; }

  /// Iterators over the elements.
  /// @code
  /// double total = std::accumulate(xs.begin(), xs.end(), 0.0);
  /// @endcode
  T* begin() noexcept { return data(); }
  T* end() noexcept { return data() + size(); }
  const T* begin() const noexcept { return data(); }
  const T* end() const noexcept { return data() + size(); }

  /// The elements as a span.
  /// @code
  /// std::span<double> view = xs.span();
  /// @endcode
  std::span<T> span() noexcept { return {data(), size()}; }
  std::span<const T> span() const noexcept { return {data(), size()}; }

  /// Atomic access to element `i`, visible to every process that maps the array. Only
  /// lock-free atomics work across processes, so T must be one.
  /// @code
  /// hits.atomic(bucket).fetch_add(1, std::memory_order_relaxed);
  /// @endcode
  std::atomic_ref<T> atomic(std::size_t i) noexcept {
    static_assert(std::atomic_ref<T>::is_always_lock_free,
                  "pardo::SharedArray<T>::atomic needs a lock-free std::atomic_ref<T>: a lock "
                  "would live in one process only; use a ProcessMutex instead");
    return std::atomic_ref<T>(data()[i]);
  }

  SharedArray(SharedArray&&) noexcept = default;
  SharedArray& operator=(SharedArray&&) noexcept = default;

 private:
  explicit SharedArray(detail::SharedSegment segment) : segment_(std::move(segment)) {}

  detail::SharedSegment segment_;
};

/// One trivially copyable T in memory shared between processes, with atomic operations
/// when T is lock-free. Move-only, like SharedArray; a moved-from value may only be
/// destroyed or assigned to.
/// @code
/// pardo::SharedValue<long> done(0);
/// // in each worker process:
/// pardo::SharedValue<long>::attach(handle).fetch_add(1);
/// @endcode
template <class T>
class SharedValue : detail::SharedElementChecks<T> {
 public:
  using value_type = T;

  /// Creates the value as a copy of `initial`. Throws std::system_error if the system
  /// refuses.
  /// @code
  /// pardo::SharedValue<double> best(1e300);
  /// @endcode
  explicit SharedValue(T initial = T{})
      : segment_(detail::shared_value_name, detail::element_type<T>(), 1) {
    std::construct_at(&get(), initial);
  }

  /// Maps the value `handle` names; throws as SharedArray::attach does, and also if the
  /// handle names more than one element.
  /// @code
  /// auto best = pardo::SharedValue<double>::attach(handle);
  /// @endcode
  static SharedValue attach(const SharedHandle& handle) {
    return SharedValue(detail::SharedSegment::attach(detail::shared_value_name,
                                                     detail::element_type<T>(), handle, true));
  }

  /// The handle to pass to other processes.
  /// @code
  /// pool.submit(work, best.handle());
  /// @endcode
  const SharedHandle& handle() const noexcept { return segment_.handle(); }

  /// The value itself, for plain (non-atomic) access.
  /// @code
  /// std::lock_guard lock(mutex);
  /// value.get().count += 1;
  /// @endcode
  T& get() noexcept { return *static_cast<T*>(segment_.data()); }
  const T& get() const noexcept { return *static_cast<const T*>(segment_.data()); }
  T& operator*() noexcept { return get(); }
  const T& operator*() const noexcept { return get(); }
  T* operator->() noexcept { return &get(); }
  const T* operator->() const noexcept { return &get(); }

  /// Atomic access to the value; T must be lock-free, as for SharedArray::atomic.
  /// @code
  /// value.atomic().store(7, std::memory_order_release);
  /// @endcode
  std::atomic_ref<T> atomic() noexcept {
    static_assert(std::atomic_ref<T>::is_always_lock_free,
                  "pardo::SharedValue<T>::atomic needs a lock-free std::atomic_ref<T>: a lock "
                  "would live in one process only; use a ProcessMutex instead");
    return std::atomic_ref<T>(get());
  }

  /// Atomic load and store (sequentially consistent).
  /// @code
  /// value.store(3);
  /// long v = value.load();
  /// @endcode
  T load() noexcept { return atomic().load(); }
  void store(T desired) noexcept { atomic().store(desired); }

  /// Atomically adds `delta` and returns the previous value.
  /// @code
  /// long before = counter.fetch_add(1);
  /// @endcode
  T fetch_add(T delta) noexcept requires(std::integral<T> && !std::same_as<T, bool>) ||
      std::floating_point<T> {
    return atomic().fetch_add(delta);
  }

  /// Atomically replaces the value with `desired` if it equals `expected` (byte for byte)
  /// and returns true; otherwise loads the current value into `expected` and returns false.
  /// @code
  /// double seen = best.load();
  /// while (x < seen && !best.compare_exchange(seen, x)) {}
  /// @endcode
  bool compare_exchange(T& expected, T desired) noexcept {
    return atomic().compare_exchange_strong(expected, desired);
  }

  SharedValue(SharedValue&&) noexcept = default;
  SharedValue& operator=(SharedValue&&) noexcept = default;

 private:
  explicit SharedValue(detail::SharedSegment segment) : segment_(std::move(segment)) {}

  detail::SharedSegment segment_;
};

/// A mutex for several processes: a process-shared, robust `pthread_mutex_t` in its own
/// shared segment. Lockable, so it works with std::lock_guard, std::unique_lock and
/// std::scoped_lock.
///
/// If a process (or thread) dies holding the lock, the next `lock()` or `try_lock()`
/// anywhere still succeeds: it marks the mutex consistent again and records that its owner
/// died, which `previous_owner_died()` reports, so the new holder can repair the data the
/// lock protects. Locking again from the owning thread, or unlocking from another, throws
/// std::system_error instead of deadlocking. Move-only; destroy it only when unlocked: the
/// system releases a dead process's lock only if the mutex was still mapped in it. A
/// moved-from mutex may only be destroyed or assigned to.
/// @code
/// pardo::ProcessMutex mutex;
/// // in each worker process, given both handles:
/// auto m = pardo::ProcessMutex::attach(mutex_handle);
/// auto total = pardo::SharedValue<Stats>::attach(stats_handle);
/// std::lock_guard lock(m);
/// if (m.previous_owner_died()) total->recount();
/// total->add(sample);
/// @endcode
class ProcessMutex {
 public:
  /// Creates an unlocked mutex. Throws std::system_error if the system refuses.
  /// @code
  /// pardo::ProcessMutex mutex;
  /// @endcode
  ProcessMutex();

  /// Maps the mutex `handle` names; throws as SharedArray::attach does.
  /// @code
  /// auto mutex = pardo::ProcessMutex::attach(handle);
  /// @endcode
  static ProcessMutex attach(const SharedHandle& handle);

  /// The handle to pass to other processes.
  /// @code
  /// pool.submit(work, mutex.handle());
  /// @endcode
  const SharedHandle& handle() const noexcept { return segment_.handle(); }

  /// Blocks until this thread holds the lock. Throws std::system_error if this thread
  /// already holds it, or if the mutex cannot be recovered.
  /// @code
  /// mutex.lock();
  /// ++shared_total.get();
  /// mutex.unlock();
  /// @endcode
  void lock();

  /// Takes the lock if it is free and returns true, else returns false at once. Throws as
  /// `lock()` does.
  /// @code
  /// if (std::unique_lock lock(mutex, std::try_to_lock); lock.owns_lock()) flush();
  /// @endcode
  bool try_lock();

  /// Releases the lock. Throws std::system_error if this thread does not hold it.
  /// @code
  /// mutex.unlock();
  /// @endcode
  void unlock();

  /// True if the lock was taken over from an owner that died holding it since the last call
  /// (in any process); the call clears it. Ask while holding the lock: the data it guards
  /// may be half-updated.
  /// @code
  /// std::lock_guard lock(mutex);
  /// if (mutex.previous_owner_died()) rebuild(table);
  /// @endcode
  bool previous_owner_died() noexcept;

  ProcessMutex(ProcessMutex&&) noexcept = default;
  ProcessMutex& operator=(ProcessMutex&&) noexcept = default;

 private:
  explicit ProcessMutex(detail::SharedSegment segment) : segment_(std::move(segment)) {}

  detail::SharedSegment segment_;
};

}  // namespace pardo
