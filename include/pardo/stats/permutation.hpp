#pragma once
/// @file
/// Permutation tests: two independent samples, paired samples and correlation, for any
/// statistic, with the p-values of `scipy.stats.permutation_test`, on any executor.

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

#include "pardo/detail/blocks.hpp"
#include "pardo/remote/remote_function.hpp"
#include "pardo/stats/common.hpp"
#include "pardo/stats/descriptive.hpp"
#include "pardo/workload/run_control.hpp"

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
  std::uint64_t blocks_done = 0;
  std::uint64_t blocks_total = 0;
  double seconds = 0;
  bool complete = false;  ///< false if stopped before every block ran
};

/// mean(x) - mean(y). A permutation test of the independent design with this statistic
/// takes a fast path that sums only the smaller group (same permutations, same p-values;
/// null values may differ from the generic evaluation in the last bits).
/// @code
/// double d = pardo::stats::mean_difference(x, y);
/// @endcode
double mean_difference(std::span<const double> x, std::span<const double> y);

/// Student's two-sample t with pooled variance, as `scipy.stats.ttest_ind` computes it.
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

namespace detail {

/// What a remote block receives: the statistic travels as a registered function.
using RemoteStatistic = RemoteFunction<double(std::span<const double>, std::span<const double>)>;

/// The run, fixed by the data sizes and options alone.
struct PermutationPlan {
  Design design = Design::independent;
  bool exact = false;
  bool keep = false;
  std::uint64_t seed = 0;
  std::uint64_t total = 0;  ///< arrangements to evaluate
  std::uint64_t block_permutations = 0;
  std::uint64_t blocks = 0;
  double observed = 0;
  template <class Archive>
  void serialize(Archive& archive) {
    auto code = static_cast<std::uint8_t>(design);
    archive(code, exact, keep, seed, total, block_permutations, blocks, observed);
    design = static_cast<Design>(code);
  }
};

/// A statistic without its type: how blocks call any callable.
struct StatisticView {
  const void* object = nullptr;
  double (*call)(const void*, std::span<const double>, std::span<const double>) = nullptr;
  bool is_mean_difference = false;  ///< take the independent design's fast path
  double operator()(std::span<const double> x, std::span<const double> y) const {
    return call(object, x, y);
  }
};

template <class F>
StatisticView view_of(const F& f) {
  using Pointer = double (*)(std::span<const double>, std::span<const double>);
  StatisticView view{&f, [](const void* o, std::span<const double> x, std::span<const double> y) {
                       return static_cast<double>((*static_cast<const F*>(o))(x, y));
                     }};
  if constexpr (std::is_same_v<F, RemoteStatistic>) {
    view.is_mean_difference = f.get() == &mean_difference;
  } else if constexpr (std::is_convertible_v<const F&, Pointer> && !std::is_class_v<F>) {
    view.is_mean_difference = static_cast<Pointer>(f) == &mean_difference;
  }
  return view;
}

/// Counts of one block; what a remote block sends back.
struct PermutationCounts {
  std::uint64_t less_or_equal = 0;
  std::uint64_t greater_or_equal = 0;
  std::uint64_t done = 0;
  std::vector<double> values;
  template <class Archive>
  void serialize(Archive& archive) {
    archive(less_or_equal, greater_or_equal, done, values);
  }
};

/// Checks the data and options (std::invalid_argument naming the bad value) and plans the
/// run; `observed` is left for the caller.
PermutationPlan plan_permutations(std::span<const double> x, std::span<const double> y,
                                  const PermutationOptions& options);

/// Block `block` of the plan.
PermutationCounts permutation_block(std::span<const double> x, std::span<const double> y,
                                    StatisticView statistic, const PermutationPlan& plan,
                                    std::uint64_t block);

/// Gathers the blocks in order into a result.
PermutationResult summarise_permutations(const PermutationPlan& plan, Alternative alternative,
                                         std::vector<std::optional<PermutationCounts>>& blocks,
                                         double seconds);

/// One block on a worker process or MPI rank.
struct PermutationTask {
  std::vector<double> x;
  std::vector<double> y;
  RemoteStatistic statistic;
  PermutationPlan plan;
  std::uint64_t block = 0;
  template <class Archive>
  void serialize(Archive& archive) {
    archive(x, y, statistic, plan, block);
  }
};

/// `permutation_block` in a worker: the block's counts. Registered with PARDO_REMOTE.
PermutationCounts permutation_block_remote(PermutationTask task);

}  // namespace detail

/// Tests whether x and y are exchangeable as `options.design` says, with `statistic`
/// (`double(std::span<const double> x, std::span<const double> y)`) measuring the effect.
/// Matches `scipy.stats.permutation_test`: values within max(1e-14, 1e-14 |statistic|) of
/// the observed one count as equally extreme, randomized p-values carry the +1 correction.
/// On ProcessPool and mpi::Pool the statistic must be (or convert to) a RemoteFunction, i.e.
/// be registered with PARDO_REMOTE_FUNCTION. The bits do not depend on the executor.
/// Throws std::invalid_argument for fewer than 2 values in x or y, a value that is not
/// finite, zero permutations or block size, or x and y of unequal lengths in the paired and
/// correlation designs.
/// @code
/// pardo::ThreadPool pool;
/// auto r = pardo::stats::permutation_test(pool, treated, control,
///                                         pardo::stats::mean_difference, {.seed = 1});
/// if (r.p_value < 0.05) std::puts("the groups differ");
/// @endcode
template <class Executor, class Statistic>
PermutationResult permutation_test(Executor& executor, std::span<const double> x,
                                   std::span<const double> y, Statistic statistic,
                                   const PermutationOptions& options = {},
                                   const RunControl& control = {}) {
  const auto start = std::chrono::steady_clock::now();
  detail::PermutationPlan plan = detail::plan_permutations(x, y, options);
  plan.observed = statistic(x, y);
  std::vector<std::optional<detail::PermutationCounts>> blocks;
  if constexpr (pardo::detail::is_remote_pool_v<Executor>) {
    static_assert(std::is_convertible_v<Statistic, detail::RemoteStatistic>,
                  "permutation_test on a remote pool: pass a RemoteFunction (a function "
                  "registered with PARDO_REMOTE_FUNCTION)");
    const detail::RemoteStatistic remote(statistic);
    std::vector<detail::PermutationTask> tasks(plan.blocks);
    for (std::uint64_t b = 0; b < plan.blocks; ++b) {
      tasks[b] = {{x.begin(), x.end()}, {y.begin(), y.end()}, remote, plan, b};
    }
    blocks = pardo::detail::map_remote_blocks(executor, &detail::permutation_block_remote, tasks,
                                              control);
  } else {
    const detail::StatisticView view = detail::view_of(statistic);
    blocks = pardo::detail::map_blocks(
        executor, plan.blocks,
        [&](std::uint64_t b) { return detail::permutation_block(x, y, view, plan, b); }, control);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return detail::summarise_permutations(plan, options.alternative, blocks, seconds);
}

}  // namespace pardo::stats
