#pragma once
// The bootstrap's and the permutation test's plans as the GPU's threads take them, made on the
// host.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "pardo/cuda/detail/resample_kernel.hpp"
#include "pardo/random/stream.hpp"
#include "pardo/stats/bootstrap.hpp"
#include "pardo/stats/descriptive.hpp"
#include "pardo/stats/permutation.hpp"

namespace pardo::cuda::detail {

/// A bootstrap of `statistic` over `data` (which must outlive it) with `options`.
inline BootstrapKernelPlan bootstrap_kernel_plan(std::span<const double> data,
                                                 BootstrapStatistic statistic,
                                                 const stats::BootstrapOptions& options) {
  const random::Key key = random::derive_key(options.seed);
  return {key[0],
          key[1],
          statistic,
          static_cast<std::uint32_t>(data.size()),
          options.resamples,
          options.block_resamples,
          data.data()};
}

/// x and y pooled and centred on their mean, as the CPU's mean-difference path centres them.
/// @throws std::invalid_argument where a sum of the centred values could overflow (the CPU
///         takes its generic path there)
inline std::vector<double> centred_pool(std::span<const double> x, std::span<const double> y) {
  std::vector<double> w(x.begin(), x.end());
  w.insert(w.end(), y.begin(), y.end());
  const double centre = stats::mean(w);
  double largest = 0;
  for (double& v : w) {
    v -= centre;
    largest = std::max(largest, std::abs(v));
  }
  if (!std::isfinite(largest * static_cast<double>(w.size()))) {
    throw std::invalid_argument(
        "cuda::permutation_test: values so large that a sum of the centred values could "
        "overflow (largest |value - mean| " +
        std::to_string(largest) + " times " + std::to_string(w.size()) +
        " values); run the test on a CPU backend, whose generic path takes them");
  }
  return w;
}

/// A randomized permutation test of x against y with mean_difference under `plan` (its
/// observed statistic set), over `centred` (centred_pool(x, y), which must outlive it).
inline PermutationKernelPlan permutation_kernel_plan(std::span<const double> x,
                                                     std::span<const double> y,
                                                     const stats::detail::PermutationPlan& plan,
                                                     const std::vector<double>& centred) {
  const random::Key key = random::derive_key(plan.seed);
  // scipy's tolerance for ties, as the CPU's tally takes it.
  const double gamma = std::max(1e-14, std::abs(1e-14 * plan.observed));
  double total = 0;
  for (const double v : centred) total += v;
  return {key[0],
          key[1],
          static_cast<std::uint32_t>(centred.size()),
          static_cast<std::uint32_t>(std::min(x.size(), y.size())),
          x.size() <= y.size(),
          total,
          plan.observed - gamma,
          plan.observed + gamma,
          plan.total,
          plan.block_permutations,
          centred.data()};
}

}  // namespace pardo::cuda::detail
