#pragma once
// The checks every workload makes of its input, each throwing std::invalid_argument with a
// message that names the caller, the argument and the bad value.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "pardo/core/errors.hpp"

namespace pardo::detail {

/// "caller: what: message" as std::invalid_argument.
[[noreturn]] void throw_invalid(std::string_view caller, std::string_view message);

/// Throws unless every value is finite, naming the first that is not and its index.
void require_finite(std::span<const double> values, std::string_view caller, std::string_view what);

/// Throws if `size` is below `minimum`, saying how many `what` there are.
void require_at_least(std::size_t size, std::size_t minimum, std::string_view caller,
                      std::string_view what);

/// Throws unless `count` > 0.
void require_positive(std::uint64_t count, std::string_view caller, std::string_view what);

/// Throws unless 0 < `level` < 1 (a confidence level, a target power).
void require_open_unit(double level, std::string_view caller, std::string_view what);

/// Throws unless `a` and `b` have the same size, naming both.
void require_same_size(std::size_t a, std::size_t b, std::string_view caller,
                       std::string_view what_a, std::string_view what_b);

/// `bytes` in decimal units with two or three significant digits: "7.3 TB", "24 GB", "512 B".
std::string format_bytes(double bytes);

/// Throws unless `bytes` (a planned allocation, as a double so that absurd requests do not
/// wrap) fits in this machine's physical memory and under RLIMIT_AS and RLIMIT_DATA, naming
/// the request, the size and the limit: "caller: chains = 1000000000 needs 8 TB of memory for
/// the draws; this machine has 24 GB". The test is pardo::memory_shortfall's.
void require_memory(double bytes, std::string_view caller, std::string_view request,
                    std::string_view purpose);

}  // namespace pardo::detail
