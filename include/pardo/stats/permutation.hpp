#pragma once
/// @file
/// Permutation tests: two independent samples, paired samples and correlation, for any
/// statistic, with the p-values of `scipy.stats.permutation_test`, on any executor.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "pardo/executor.hpp"
#include "pardo/remote/remote_function.hpp"
#include "pardo/stats/common.hpp"
#include "pardo/stats/descriptive.hpp"
#include "pardo/workload/blocks.hpp"
#include "pardo/workload/run_control.hpp"
#include "pardo/workload/run_info.hpp"

namespace pardo::stats {

/// What the null hypothesis lets a permutation exchange (scipy's `permutation_type`).
/// @code
/// pardo::stats::PermutationOptions options{.design = pardo::stats::Design::paired};
/// @endcode
enum class Design {
  independent,  ///< pool x and y, re-split into groups of their sizes ('independent')
  paired,       ///< swap x[i] and y[i] within each pair ('samples')
  correlation,  ///< reorder y against x ('pairings')
};

/// "independent", "paired" or "correlation".
/// @code
/// assert(pardo::stats::to_string(pardo::stats::Design::paired) == "paired");
/// @endcode
constexpr std::string_view to_string(Design design) noexcept {
  switch (design) {
    case Design::paired:
      return "paired";
    case Design::correlation:
      return "correlation";
    case Design::independent:
      break;
  }
  return "independent";
}

/// The design named `name` ("independent", "paired", "correlation"), or nullopt.
/// @code
/// auto design = pardo::stats::parse_design("correlation");  // Design::correlation
/// @endcode
constexpr std::optional<Design> parse_design(std::string_view name) noexcept {
  if (name == "independent") return Design::independent;
  if (name == "paired") return Design::paired;
  if (name == "correlation") return Design::correlation;
  return std::nullopt;
}

/// How to test. When the design has at most `permutations` distinct arrangements (C(n, nx)
/// splits, 2^n sign patterns, n! orderings of y) every one is enumerated and the p-value is
/// exact; otherwise `permutations` random ones are drawn. The work is cut into blocks of
/// `block_permutations` and block b draws from random stream (seed, b), so the result
/// depends on these options alone, never on the executor or its worker count.
/// @code
/// pardo::stats::PermutationOptions options{.alternative = pardo::stats::Alternative::greater,
///                                          .permutations = 99'999, .seed = 7};
/// @endcode
struct PermutationOptions {
  Design design = Design::independent;
  Alternative alternative = Alternative::two_sided;
  std::uint64_t permutations = 9999;  ///< scipy's default n_resamples
  std::uint64_t seed = 42;
  std::uint64_t block_permutations = 1024;
  bool keep_distribution = false;  ///< return the null distribution in block order
};

/// A test's outcome and the work behind it.
/// @code
/// auto r = pardo::stats::permutation_test(pool, x, y, pardo::stats::mean_difference);
/// std::printf("d = %g, p = %.4f +- %.4f\n", r.statistic, r.p_value, r.std_error);
/// @endcode
struct PermutationResult {
  double statistic = 0;  ///< the statistic of the data as given
  /// Exact: (count as extreme) / arrangements. Randomized: (count + 1) / (permutations + 1).
  /// Two-sided: twice the smaller one-sided p-value, at most 1. NaN if an exact run was
  /// stopped early.
  double p_value = 0;
  double std_error = 0;                ///< sqrt(p (1 - p) / permutations) if randomized, 0 if exact
  std::uint64_t permutations = 0;      ///< arrangements evaluated
  std::uint64_t less_or_equal = 0;     ///< of them, how many were <= the statistic (+ gamma)
  std::uint64_t greater_or_equal = 0;  ///< and how many >= the statistic (- gamma)
  bool exact = false;                  ///< every arrangement was enumerated
  std::vector<double> null_distribution;  ///< with `keep_distribution`
  RunInfo run{};                          ///< blocks done and planned, seconds, complete, where
};

/// mean(x) - mean(y). A permutation test of the independent design with this statistic
/// takes a fast path that sums only the smaller group (same permutations, same p-values;
/// null values may differ from the generic evaluation in the last bits).
/// @code
/// double d = pardo::stats::mean_difference(x, y);
/// @endcode
double mean_difference(std::span<const double> x, std::span<const double> y);

/// Student's two-sample t with pooled variance, as `scipy.stats.ttest_ind` computes it;
/// where that overflows or underflows (data near the limits of double precision), the same
/// t of both groups scaled by one power of two. +-infinity if both groups are constant and
/// their means differ, NaN if every value is the same.
/// @code
/// double t = pardo::stats::t_statistic(x, y);
/// @endcode
double t_statistic(std::span<const double> x, std::span<const double> y);

/// Checks x, y and `options` as `permutation_test` does (std::invalid_argument naming the
/// bad value) and returns the blocks the test runs: what a progress bar counts
/// `RunControl::blocks_done` up to.
/// @code
/// std::uint64_t total = pardo::stats::permutation_blocks(x, y, {.permutations = 99'999});
/// @endcode
std::uint64_t permutation_blocks(std::span<const double> x, std::span<const double> y,
                                 const PermutationOptions& options);

}  // namespace pardo::stats

#include "pardo/stats/detail/permutation.hpp"
#include "pardo/stats/detail/statistic_checks.hpp"

namespace pardo::stats {

/// Tests whether x and y are exchangeable as `options.design` says, with `statistic`
/// (`double(std::span<const double> x, std::span<const double> y)`) measuring the effect.
/// Matches `scipy.stats.permutation_test`: values within max(1e-14, 1e-14 |statistic|) of
/// the observed one count as equally extreme, randomized p-values carry the +1 correction.
/// On ProcessPool and mpi::Pool the statistic must be (or convert to) a RemoteFunction, i.e.
/// be registered with PARDO_REMOTE_FUNCTION. The bits do not depend on the executor.
/// Throws std::invalid_argument for fewer than 2 values in x or y, a value that is not
/// finite, zero permutations or block size, or x and y of unequal lengths in the paired and
/// correlation designs. A statistic that is NaN or infinite on the data as given throws
/// std::invalid_argument naming the statistic and its value: no p-value means anything then.
/// On the arrangements, +-infinity is a value like any other (more extreme than any finite
/// one, as in scipy), but NaN is not comparable (scipy counts it as less extreme, which
/// shrinks the p-value): a run in which any arrangement gives NaN throws
/// std::invalid_argument naming the statistic and how many of them did.
/// @code
/// pardo::ThreadPool pool;
/// auto r = pardo::stats::permutation_test(pool, treated, control,
///                                         pardo::stats::mean_difference, {.seed = 1});
/// if (r.p_value < 0.05) std::puts("the groups differ");
/// @endcode
template <RemoteExecutor E, class Statistic>
PermutationResult permutation_test(E& executor, std::span<const double> x,
                                   std::span<const double> y, Statistic statistic,
                                   const PermutationOptions& options = {},
                                   const RunControl& control = {}) {
  detail::PermutationPlan plan = detail::plan_permutations(x, y, options);
  BlockRunner runner(
      executor, plan.blocks, control,
      {"permuting", "permutations", plan.total, even_units(plan.block_permutations, plan.total)});
  plan.observed = statistic(x, y);
  using Signature = double(std::span<const double>, std::span<const double>);
  const std::string name = detail::statistic_name<Signature>(statistic);
  detail::require_finite_statistic(plan.observed, "permutation_test", name, "on the observed data");
  const auto handle = remote_handle<detail::RemoteStatistic, E>(statistic);
  const detail::StatisticView view = detail::view_of(statistic);
  const BlockData xy = BlockData::share(executor, {x, y});
  auto blocks = runner.run(
      0, plan.blocks,
      [&](std::uint64_t b) {
        // A block the stop cut short counts as not run, like the blocks it skipped.
        detail::PermutationCounts counts =
            detail::permutation_counts(x, y, view, plan, b, control.stop);
        if (counts.done <
            std::min(plan.block_permutations, plan.total - b * plan.block_permutations)) {
          throw BlockStopped();
        }
        return counts;
      },
      remote_blocks(&detail::permutation_block, [&](std::uint64_t b) {
        return detail::PermutationTask{xy, x.size(), handle, plan, b};
      }));
  PermutationResult result =
      detail::summarise_permutations(plan, options.alternative, blocks, name);
  result.run = runner.info();
  return result;
}

}  // namespace pardo::stats
