#pragma once
// An allocator for large scratch buffers that asks Linux for transparent huge pages: on
// some VMs first touching fresh memory costs 2.4 ms per MB in 4 KiB page faults and about
// 0.1 ms per MB in 2 MiB ones, more than the work done on a buffer of sorted draws.

#include <sys/mman.h>

#include <cstddef>
#include <cstdlib>
#include <limits>
#include <new>

namespace pardo::detail {

/// std::allocator's contract; blocks of at least 1 MiB are 2 MiB aligned, rounded up to
/// 2 MiB and advised MADV_HUGEPAGE (a hint: without huge pages they are plain memory).
template <class T>
struct HugePageAllocator {
  using value_type = T;

  HugePageAllocator() = default;
  template <class U>
  explicit HugePageAllocator(const HugePageAllocator<U>& /*other*/) noexcept {}

  T* allocate(std::size_t n) {
    if (n > max_size()) throw std::bad_array_new_length();
    const std::size_t bytes = n * sizeof(T);
    if (bytes < huge_page / 2) return static_cast<T*>(::operator new(bytes));
    const std::size_t rounded = (bytes + huge_page - 1) / huge_page * huge_page;
    void* p = std::aligned_alloc(huge_page, rounded);
    if (p == nullptr) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
    madvise(p, rounded, MADV_HUGEPAGE);
#endif
    return static_cast<T*>(p);
  }

  void deallocate(T* p, std::size_t n) noexcept {
    if (n * sizeof(T) < huge_page / 2) {
      ::operator delete(p);
    } else {
      std::free(p);
    }
  }

  /// No object may be larger than PTRDIFF_MAX bytes, after rounding up to a huge page.
  static constexpr std::size_t max_size() noexcept {
    return (static_cast<std::size_t>(std::numeric_limits<std::ptrdiff_t>::max()) - huge_page) /
           sizeof(T);
  }

  template <class U>
  bool operator==(const HugePageAllocator<U>& /*other*/) const noexcept {
    return true;
  }

 private:
  static constexpr std::size_t huge_page = std::size_t{2} << 20;
};

}  // namespace pardo::detail
