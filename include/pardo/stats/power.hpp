#pragma once
/// @file
/// Power by simulation: how often a test rejects at level alpha when the second group's
/// mean is shifted by `effect` standard deviations, with a binomial interval; and the
/// smallest sample size that reaches a target power.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

#include "pardo/executor.hpp"
#include "pardo/remote/remote_function.hpp"
#include "pardo/stats/common.hpp"
#include "pardo/workload/run_control.hpp"
#include "pardo/workload/run_info.hpp"

namespace pardo::stats {

/// The tests `power` knows by name.
/// @code
/// pardo::stats::PowerOptions options{.test = pardo::stats::PowerTest::welch};
/// @endcode
enum class PowerTest : std::uint8_t {
  student,      ///< Student's pooled two-sample t-test
  welch,        ///< Welch's t-test
  permutation,  ///< permutation test of the difference in means (stats::permutation_test)
};

/// "t", "welch" or "permutation".
/// @code
/// assert(pardo::stats::to_string(pardo::stats::PowerTest::welch) == "welch");
/// @endcode
std::string_view to_string(PowerTest test) noexcept;

/// The test named `name` ("t", "welch", "permutation"), or nullopt.
/// @code
/// auto test = pardo::stats::parse_power_test("t");  // PowerTest::student
/// @endcode
std::optional<PowerTest> parse_power_test(std::string_view name) noexcept;

/// The experiment to simulate. Replication r draws x, n1 values from N(0, 1), from random
/// stream (seed, 2r), and y, n2 values from N(effect, 1), from stream (seed, 2r + 1), with
/// pardo::random::normal; the test's p-value below `alpha` counts as a rejection. So the
/// result depends on these options alone, never on the executor or the block size, and a
/// larger n extends the same draws (common random numbers across sample sizes).
/// @code
/// pardo::stats::PowerOptions options{.effect = 0.5, .n1 = 64, .replications = 20'000};
/// @endcode
struct PowerOptions {
  double effect = 0.5;  ///< mean(y) - mean(x), in standard deviations
  std::size_t n1 = 30;
  std::size_t n2 = 0;  ///< 0: the same as n1
  double alpha = 0.05;
  /// `greater`: the alternative is effect > 0 (the built-in tests compare y with x).
  Alternative alternative = Alternative::two_sided;
  std::uint64_t replications = 10'000;
  std::uint64_t seed = 42;
  PowerTest test = PowerTest::student;  ///< ignored when a test function is given
  /// PowerTest::permutation: random permutations per replication (exact enumeration when
  /// the groups have fewer arrangements); replication r's are seeded by the first word of
  /// stream (~seed, r).
  std::uint64_t permutations = 999;
  std::uint64_t block_replications = 256;  ///< replications per block (scheduling only)
};

/// An estimated power with its uncertainty and the work behind it.
/// @code
/// auto r = pardo::stats::power(pool, {.effect = 0.5, .n1 = 64});
/// std::printf("%.3f [%.3f, %.3f]\n", r.power, r.interval.low, r.interval.high);
/// @endcode
struct PowerResult {
  double power = 0;      ///< rejections / replications
  double std_error = 0;  ///< sqrt(power (1 - power) / replications)
  Interval interval{};   ///< Wilson score interval, 95%
  std::size_t n1 = 0;
  std::size_t n2 = 0;
  std::uint64_t replications = 0;  ///< replications run (all requested, unless stopped)
  std::uint64_t rejections = 0;
  RunInfo run{};  ///< blocks done and planned, seconds, complete, backend, workers
};

/// A user's test: the p-value of samples x and y. On worker processes and MPI ranks it must
/// be a registered function (PARDO_REMOTE_FUNCTION).
/// @code
/// double my_test(std::span<const double> x, std::span<const double> y);
/// PARDO_REMOTE_FUNCTION(my_test);
/// pardo::stats::PowerTestFunction test(my_test);
/// @endcode
using PowerTestFunction = RemoteFunction<double(std::span<const double>, std::span<const double>)>;

/// How `find_sample_size` searches: n1 = n, n2 = ceil(ratio * n).
/// @code
/// pardo::stats::SampleSizeOptions search{.target_power = 0.9, .max_n = 10'000};
/// @endcode
struct SampleSizeOptions {
  double target_power = 0.8;
  double ratio = 1.0;
  std::size_t min_n = 2;
  std::size_t max_n = 1'000'000;
};

/// One power estimate the search made.
/// @code
/// for (const auto& e : r.evaluations) std::printf("%zu: %.3f\n", e.n1, e.power);
/// @endcode
struct PowerEvaluation {
  std::size_t n1 = 0;
  std::size_t n2 = 0;
  double power = 0;
  std::uint64_t rejections = 0;
};

/// The smallest n whose estimated power reaches the target, and how it was found.
/// @code
/// auto r = pardo::stats::find_sample_size(pool, {.effect = 0.5}, {.target_power = 0.8});
/// std::printf("n = %zu per group\n", r.n1);
/// @endcode
struct SampleSizeResult {
  std::size_t n1 = 0;  ///< 0 if even max_n falls short (`found` is false)
  std::size_t n2 = 0;
  PowerResult at_n{};  ///< the estimate at the answer (at max_n if not found)
  std::vector<PowerEvaluation> evaluations{};  ///< in the order made
  bool found = false;
  /// Blocks over every evaluation, the search's seconds, complete unless a stop cut it short.
  RunInfo run{};
};

/// Throws std::invalid_argument naming a bad effect, group size, alpha or replication count:
/// what `power` checks first.
/// @code
/// pardo::stats::validate(pardo::stats::PowerOptions{.alpha = 2});  // throws: alpha 2 ...
/// @endcode
void validate(const PowerOptions& options);

/// Throws std::invalid_argument naming a target power outside (0, 1), a ratio that is not
/// positive and finite, or a search range that is empty: what `find_sample_size` checks.
/// @code
/// pardo::stats::validate(pardo::stats::SampleSizeOptions{.target_power = 0.9});
/// @endcode
void validate(const SampleSizeOptions& search);

/// The blocks `power` runs for `options`: what a progress bar counts
/// `RunControl::blocks_done` up to.
/// @code
/// std::uint64_t total = pardo::stats::power_blocks({.replications = 10'000});
/// @endcode
std::uint64_t power_blocks(const PowerOptions& options);

}  // namespace pardo::stats

#include "pardo/stats/detail/power.hpp"

namespace pardo::stats {

/// The power of options.test, estimated from options.replications simulated experiments
/// on `executor` (any pardo executor). Rejections are counted as integers, so the result is
/// bit-identical for any executor, worker count and schedule. Throws std::invalid_argument
/// naming a non-finite effect, a group below 2, alpha outside (0, 1) or zero replications.
/// @code
/// pardo::ThreadPool pool;
/// auto r = pardo::stats::power(pool, {.effect = 0.5, .n1 = 64, .replications = 20'000});
/// // r.power ~ 0.80, the analytic t_test_power(0.5, 64, 64)
/// @endcode
template <RemoteExecutor E>
PowerResult power(E& executor, const PowerOptions& options, const RunControl& control = {}) {
  validate(options);
  return detail::run_power(executor, options, static_cast<const PowerTestFunction*>(nullptr),
                           control);
}

/// The power of a user's test: `test(x, y)` returns a p-value (a PowerTestFunction on
/// worker processes and MPI ranks; any callable on threads). options.test is ignored.
/// @code
/// double median_test(std::span<const double> x, std::span<const double> y);
/// PARDO_REMOTE_FUNCTION(median_test);
/// pardo::ProcessPool pool(4);
/// auto r = pardo::stats::power(pool, pardo::stats::PowerTestFunction(median_test), {.n1 = 40});
/// @endcode
template <RemoteExecutor E, class Test>
PowerResult power(E& executor, const Test& test, const PowerOptions& options,
                  const RunControl& control = {}) {
  validate(options);
  return detail::run_power(executor, options, &test, control);
}

/// The smallest n (n1 = n, n2 = ceil(ratio n)) whose simulated power reaches
/// search.target_power: doubling from min_n to bracket it, then bisection. Every n is
/// estimated from the same options (seed included), so the answer is reproducible and the
/// estimates rise smoothly with n. options.n1 and n2 are ignored. Throws
/// std::invalid_argument for bad options or a target power outside (0, 1).
/// @code
/// auto r = pardo::stats::find_sample_size(pool, {.effect = 0.5, .replications = 20'000},
///                                         {.target_power = 0.8});  // r.n1 ~ 64
/// @endcode
template <RemoteExecutor E>
SampleSizeResult find_sample_size(E& executor, const PowerOptions& options,
                                  const SampleSizeOptions& search, const RunControl& control = {}) {
  return detail::run_search(executor, options, search,
                            static_cast<const PowerTestFunction*>(nullptr), control);
}

/// `find_sample_size` for a user's test, as `power` takes one.
/// @code
/// auto r = pardo::stats::find_sample_size(pool, my_test, {.effect = 0.8}, {});
/// @endcode
template <RemoteExecutor E, class Test>
SampleSizeResult find_sample_size(E& executor, const Test& test, const PowerOptions& options,
                                  const SampleSizeOptions& search, const RunControl& control = {}) {
  return detail::run_search(executor, options, search, &test, control);
}

}  // namespace pardo::stats
