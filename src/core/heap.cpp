#if __has_include(<malloc.h>)
#include <malloc.h>
#endif

#include "pardo/core/memory.hpp"

namespace pardo {

void keep_freed_memory() {
#if defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD)
  // 32 MiB is the largest mapping threshold glibc takes; setting it also stops glibc raising
  // it on its own. The heap's top is trimmed only past 512 MiB of free memory there.
  static_cast<void>(mallopt(M_MMAP_THRESHOLD, 32 << 20));
  static_cast<void>(mallopt(M_TRIM_THRESHOLD, 512 << 20));
#endif
}

}  // namespace pardo
