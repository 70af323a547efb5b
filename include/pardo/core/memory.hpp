#pragma once
/// @file
/// Whether a planned allocation fits in memory: the test every workload makes before it starts,
/// for callers that refuse a request in their own words (the CLI names its options).

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

}  // namespace pardo
