#pragma once
/// @file
/// Whether a planned allocation fits in memory: the test every workload makes before it starts,
/// for callers that refuse a request in their own words (the CLI names its options); and a
/// heap policy for programs whose phases free and allocate large buffers in turn.

#include <optional>
#include <string>
#include <string_view>

namespace pardo {

/// Nothing where `bytes` (a planned allocation, as a double so that absurd requests do not
/// wrap) fit in this machine's physical memory and under RLIMIT_AS and RLIMIT_DATA; otherwise
/// why not, for `purpose`: "needs 8.0 TB of memory for the draws; this machine has 24 GB".
/// The workloads refuse their requests with std::invalid_argument on this same test.
/// @code
/// if (auto why = pardo::memory_shortfall(8.0 * n, "the samples")) {
///   std::fprintf(stderr, "n = %zu %s\n", n, why->c_str());
/// }
/// @endcode
std::optional<std::string> memory_shortfall(double bytes, std::string_view purpose);

/// The memory this process may use, in words, for a message about an allocation that failed:
/// "this machine has 24 GB", or "the process may use (RLIMIT_AS) 410 MB" under a limit.
/// @code
/// catch (const std::bad_alloc&) {
///   std::fprintf(stderr, "out of memory (%s)\n", pardo::describe_memory_limit().c_str());
/// }
/// @endcode
std::string describe_memory_limit();

/// Asks the C library to keep freed memory in the heap for later allocations instead of
/// handing blocks of up to 32 MiB back to the kernel as they are freed. Where a fresh page
/// costs a fault of several microseconds (some VMs), a run's later phase then reuses the pages
/// an earlier one freed: MCMC's diagnostics reuse the chains' (docs/benchmarks.md). A
/// process-wide choice, so the library never makes it itself: `pardo` calls it at start, and
/// so may any program, before its threads start. The price is a resident size that stays at
/// its peak. Without glibc it does nothing.
/// @code
/// int main() {
///   pardo::keep_freed_memory();
///   pardo::ThreadPool pool;
///   // ...
/// }
/// @endcode
void keep_freed_memory();

}  // namespace pardo
