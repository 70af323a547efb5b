#pragma once
/// @file
/// `pardo::SharedHandle`: names a segment of memory shared between processes
/// (pardo/process/shared_memory.hpp makes them), so that another process can attach to it.

#include <cstdint>
#include <type_traits>

namespace pardo {

/// Names a shared segment so that another process can attach to it. Trivially copyable:
/// send it to a worker process by memcpy, as a task argument or through a pipe.
/// @code
/// pardo::SharedArray<double> xs(1000);
/// pardo::SharedHandle h = xs.handle();
/// write(pipe_fd, &h, sizeof h);  // the worker reads it and calls SharedArray<double>::attach(h)
/// @endcode
struct SharedHandle {
  /// The creator's process id (a `pid_t`).
  std::int32_t pid = 0;
  /// The segment's file descriptor in the creator.
  std::int32_t fd = -1;
  /// The size of the shared data in bytes.
  std::uint64_t bytes = 0;
  /// sizeof the element type; attaching with another type throws.
  std::uint32_t element_size = 0;
  /// alignof the element type.
  std::uint32_t element_align = 0;
  /// A hash of the element type's name.
  std::uint64_t type_tag = 0;
  /// Unique to the segment, so a stale handle whose fd number was reused is refused.
  std::uint64_t id = 0;

  /// Equal handles name the same segment.
  /// @code
  /// assert(pardo::SharedArray<double>::attach(h).handle() == h);
  /// @endcode
  friend bool operator==(const SharedHandle&, const SharedHandle&) = default;
};
static_assert(std::is_trivially_copyable_v<SharedHandle>);

}  // namespace pardo
