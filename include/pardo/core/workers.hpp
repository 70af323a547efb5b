#pragma once
/// @file
/// How many workers a pool starts when none is given, and how many it accepts.

#include <cstddef>
#include <string>

namespace pardo {

/// The hardware threads of this machine, at least 1.
/// @code
/// std::printf("%zu hardware threads\n", pardo::hardware_concurrency());
/// @endcode
std::size_t hardware_concurrency() noexcept;

/// The CPUs this process may run on, at least 1: those of its affinity mask (taskset, a
/// Slurm cpuset, `mpirun --bind-to core`), no more than its cgroup CPU quota allows (a
/// container's `--cpus`, rounded up), as `nproc` and oneTBB count them.
/// @code
/// std::printf("%zu CPUs available\n", pardo::available_cpus());
/// @endcode
std::size_t available_cpus() noexcept;

/// The default worker count and where it comes from.
/// @code
/// const pardo::WorkerDefault d = pardo::explain_default_workers();
/// std::printf("%zu workers (%s)\n", d.count, d.reason.c_str());
/// @endcode
struct WorkerDefault {
  std::size_t count = 1;
  /// "PARDO_NUM_WORKERS=4", "affinity mask: 2 of 16 CPUs", "cgroup CPU quota: 1.5 CPUs",
  /// or "all 16 hardware threads".
  std::string reason;
};

/// `default_workers()` with its reason. Throws std::invalid_argument naming the value if
/// PARDO_NUM_WORKERS is set to anything but a whole number from 1 to max_workers().
/// @code
/// std::puts(pardo::explain_default_workers().reason.c_str());
/// @endcode
WorkerDefault explain_default_workers();

/// The worker count of `ThreadPool()`, `ProcessPool()` and the CLI when none is given:
/// PARDO_NUM_WORKERS if set, else available_cpus() (on MPI, per rank: each rank's own
/// placement). Throws std::invalid_argument for a bad PARDO_NUM_WORKERS.
/// @code
/// pardo::ThreadPool pool(pardo::default_workers());  // the same as pardo::ThreadPool pool;
/// @endcode
std::size_t default_workers();

/// The largest worker count a pool accepts on this machine: max(256, 64 x hardware threads).
/// Larger counts throw std::invalid_argument naming the count.
/// @code
/// assert(pardo::max_workers() >= 256);
/// @endcode
std::size_t max_workers() noexcept;

}  // namespace pardo
