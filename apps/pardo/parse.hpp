#pragma once
// Parsing of the counts the CLI takes: 1e10, 10000000000, 10G, 2.5e9, 4Ki.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace pardo::cli {

/// A bad command-line value; the message names the option and the value.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A positive whole count: digits, scientific notation (1e10, 2.5e9) or a suffix k, M, G, T
/// (powers of 1000) or Ki, Mi, Gi, Ti (powers of 1024). Throws UsageError naming `option`.
std::uint64_t parse_count(std::string_view text, std::string_view option);

/// A whole number in [min, max] written in plain decimal digits: parse_count's 1e3 and 4Ki
/// make sense for counts, not for seeds, and strtoull would silently accept "-1" (as
/// 2^64 - 1) and read "010" as octal. Throws UsageError naming `option`.
std::uint64_t parse_decimal(std::string_view text, std::string_view option, std::uint64_t min,
                            std::uint64_t max);

/// Throws UsageError unless `bytes` fit in memory, by the test the library's workloads make
/// before they start (pardo::memory_shortfall): "REQUEST needs 16 EB of memory for PURPOSE;
/// this machine has 24 GB", where REQUEST names the options and the values as typed.
void require_memory(double bytes, std::string_view request, std::string_view purpose);

}  // namespace pardo::cli
