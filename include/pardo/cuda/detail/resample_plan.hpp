#pragma once
// The bootstrap's and the permutation test's plans as the GPU's threads take them, made on the
// host.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "pardo/cuda/detail/bootstrap_kernel.hpp"
#include "pardo/cuda/detail/permutation_kernel.hpp"
#include "pardo/random/stream.hpp"
#include "pardo/stats/bootstrap.hpp"
#include "pardo/stats/descriptive.hpp"
#include "pardo/stats/permutation.hpp"

namespace pardo::cuda::detail {

/// A bootstrap of `statistic` over `table` (whose values must outlive it) with `options`.
inline BootstrapKernelPlan bootstrap_kernel_plan(const stats::Columns& table,
                                                 BootstrapStatistic statistic,
                                                 const stats::BootstrapOptions& options) {
  const random::Key key = random::derive_key(options.seed);
  return {key[0],
          key[1],
          statistic,
          static_cast<std::uint32_t>(table.rows()),
          options.resamples,
          options.block_resamples,
          table.data().data()};
}

/// What every thread's working copy of a permutation test starts as: y for the paired and
/// correlation designs (the paired design's sign patterns need no copy); for the independent
/// design x and y pooled, centred on their mean for the mean
/// difference's fast path (as the CPU centres them) unless a sum of the centred values could
/// overflow, where the CPU takes its generic path too.
struct WorkingPool {
  std::vector<double> values;
  bool centred = false;
};

inline WorkingPool working_pool(std::span<const double> x, std::span<const double> y,
                                stats::Design design, PermutationStatistic statistic) {
  if (design != stats::Design::independent) return {{y.begin(), y.end()}, false};
  WorkingPool pool{{x.begin(), x.end()}, false};
  pool.values.insert(pool.values.end(), y.begin(), y.end());
  if (statistic != PermutationStatistic::mean_difference) return pool;
  std::vector<double> centred = pool.values;
  const double centre = stats::mean(centred);
  double largest = 0;
  for (double& v : centred) {
    v -= centre;
    largest = std::max(largest, std::abs(v));
  }
  if (!std::isfinite(largest * static_cast<double>(centred.size()))) return pool;
  return {std::move(centred), true};
}

/// A randomized permutation test of x against y with `statistic` under `plan` (its observed
/// statistic set), over `pool` (working_pool(x, y, ...)); x and the pool must outlive it.
inline PermutationKernelPlan permutation_kernel_plan(std::span<const double> x,
                                                     std::span<const double> y,
                                                     const stats::detail::PermutationPlan& plan,
                                                     PermutationStatistic statistic,
                                                     const WorkingPool& pool) {
  const random::Key key = random::derive_key(plan.seed);
  // scipy's tolerance for ties, as the CPU's tally takes it.
  const double gamma = std::max(1e-14, std::abs(1e-14 * plan.observed));
  double total = 0;
  if (pool.centred) {
    for (const double v : pool.values) total += v;
  }
  return {key[0],
          key[1],
          statistic,
          plan.design == stats::Design::independent ? Arrangement::splits
          : plan.design == stats::Design::paired    ? Arrangement::sign_patterns
                                                    : Arrangement::orderings,
          static_cast<std::uint32_t>(pool.values.size()),
          static_cast<std::uint32_t>(std::min(x.size(), y.size())),
          x.size() <= y.size(),
          pool.centred,
          total,
          plan.observed - gamma,
          plan.observed + gamma,
          plan.total,
          plan.block_permutations,
          pool.values.data(),
          x.data()};
}

}  // namespace pardo::cuda::detail
