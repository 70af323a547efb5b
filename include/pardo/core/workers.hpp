#pragma once
/// @file
/// How many workers a pool starts when none is given, and how many it accepts.

#include <cstddef>

namespace pardo {

/// The hardware threads of this machine, at least 1.
/// @code
/// std::printf("%zu hardware threads\n", pardo::hardware_concurrency());
/// @endcode
std::size_t hardware_concurrency() noexcept;

/// The worker count of `ThreadPool()`, `ProcessPool()` and the CLI when none is given: one
/// per hardware thread.
/// @code
/// pardo::ThreadPool pool(pardo::default_workers());  // the same as pardo::ThreadPool pool;
/// @endcode
std::size_t default_workers() noexcept;

/// The largest worker count a pool accepts on this machine: max(256, 64 x hardware threads).
/// Larger counts throw std::invalid_argument naming the count.
/// @code
/// assert(pardo::max_workers() >= 256);
/// @endcode
std::size_t max_workers() noexcept;

}  // namespace pardo
