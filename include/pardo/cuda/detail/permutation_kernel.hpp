#pragma once
// One GPU thread's work in the permutation test's kernel (src/cuda/runtime.cu), as plain
// functions: a thread takes a whole pardo block, shuffles its working copy of the values with
// the block's stream as the CPU does and computes each arrangement's statistic in stats'
// order, so its values are the CPU's bit for bit. The host tests run the host instantiation
// against the CPU's blocks.

#include <cmath>
#include <cstdint>

#include "pardo/cuda/detail/sequence_statistics.hpp"
#include "pardo/cuda/detail/stream_draws.hpp"

namespace pardo::cuda {

/// The statistics the GPU's permutation test computes, as pardo::stats has them.
/// @code
/// auto r = pardo::cuda::permutation_test(x, y, pardo::cuda::PermutationStatistic::t);
/// @endcode
enum class PermutationStatistic : std::uint32_t {
  mean_difference,  ///< stats::mean_difference, independent and paired designs
  t,                ///< stats::t_statistic, independent and paired designs
  pearson,          ///< stats::pearson_r, correlation design
};

}  // namespace pardo::cuda

namespace pardo::cuda::detail {

/// How a design rearranges its data: the independent design splits the pooled values by a
/// partial Fisher-Yates shuffle of the smaller group's positions, the paired design swaps
/// pairs by the bits of random words, the correlation design shuffles y whole against x.
enum class Arrangement : std::uint32_t { splits, sign_patterns, orderings };

/// A randomized permutation test as a kernel takes it. Arrays are in device memory on the
/// GPU.
struct PermutationKernelPlan {
  std::uint32_t k0 = 0;
  std::uint32_t k1 = 0;
  PermutationStatistic statistic = PermutationStatistic::mean_difference;
  Arrangement arrangement = Arrangement::splits;
  /// Values in `pool`: both groups (splits), or y (sign patterns and orderings); every
  /// arrangement but the sign patterns shuffles a working copy of them.
  std::uint32_t pooled = 0;
  std::uint32_t drawn = 0;  ///< the smaller group's size (independent design)
  bool x_drawn = true;      ///< whether the smaller group is x
  /// The mean difference's fast path: the pool is centred on its mean, the drawn group summed
  /// as it is placed and the other's sum `total` minus it.
  bool centred = false;
  double total = 0;
  double low = 0;   ///< the observed statistic less scipy's tolerance for ties
  double high = 0;  ///< and plus it
  std::uint64_t permutations = 0;
  std::uint64_t block_permutations = 0;
  const double* pool = nullptr;  ///< what each working copy starts as
  const double* x = nullptr;     ///< x, for sign patterns and orderings
};

/// What a block counted: as stats' PermutationCounts.
struct PermutationTally {
  std::uint64_t less_or_equal = 0;
  std::uint64_t greater_or_equal = 0;
  std::uint64_t nan = 0;
};

/// Permutations of `block`: the plan's, or what is left for the last block.
PARDO_HOST_DEVICE constexpr std::uint64_t block_permutation_count(const PermutationKernelPlan& plan,
                                                                  std::uint64_t block) noexcept {
  const std::uint64_t left = plan.permutations - block * plan.block_permutations;
  return left < plan.block_permutations ? left : plan.block_permutations;
}

/// The statistic of the next split of the independent design: the CPU's swaps, and its fast
/// path for the mean difference or the statistic of the two groups as placed.
PARDO_HOST_DEVICE inline double next_split(const PermutationKernelPlan& plan, StreamWords& words,
                                           double* w, std::uint64_t stride) noexcept {
  const std::uint32_t n = plan.pooled;
  const std::uint32_t k = plan.drawn;
  double sums[8] = {};
  for (std::uint32_t i = 0; i < k; ++i) {
    const std::uint64_t j = i + words.below(n - i);
    const double v = w[j * stride];
    w[j * stride] = w[i * stride];
    w[i * stride] = v;
    sums[i % 8] += v;
  }
  if (plan.centred) {
    const double drawn_sum =
        ((sums[0] + sums[1]) + (sums[2] + sums[3])) + ((sums[4] + sums[5]) + (sums[6] + sums[7]));
    const double difference =
        drawn_sum / static_cast<double>(k) - (plan.total - drawn_sum) / static_cast<double>(n - k);
    return plan.x_drawn ? difference : -difference;
  }
  const StridedCursor drawn{w, stride, 0};
  const StridedCursor rest{w, stride, k};
  const StridedCursor& a = plan.x_drawn ? drawn : rest;
  const StridedCursor& b = plan.x_drawn ? rest : drawn;
  const std::uint64_t na = plan.x_drawn ? k : n - k;
  const std::uint64_t nb = n - na;
  if (plan.statistic == PermutationStatistic::t) return sequence_t(a, na, b, nb);
  return sequence_mean(a, na, Scaling{}) - sequence_mean(b, nb, Scaling{});
}

/// The statistic of the next ordering of the correlation design: the CPU's full shuffle of y
/// (swap m puts a value at position n - 1 - m, drawn from the n - m positions up to it), then
/// pearson_r against x.
PARDO_HOST_DEVICE inline double next_ordering(const PermutationKernelPlan& plan, StreamWords& words,
                                              double* w, std::uint64_t stride) noexcept {
  const std::uint32_t n = plan.pooled;
  for (std::uint32_t m = 0; m + 1 < n; ++m) {
    const std::uint64_t j = words.below(n - m);
    const std::uint64_t last = n - 1 - m;
    const double v = w[last * stride];
    w[last * stride] = w[j * stride];
    w[j * stride] = v;
  }
  return sequence_pearson(StridedCursor{plan.x, 1, 0}, StridedCursor{w, stride, 0}, n);
}

/// One side of a pair's sign pattern: value i is y[i] where bit i of the pattern is set, else
/// x[i] (`swapped` false), or the other way round; bit i is bit i % 32 of the pattern's word
/// i / 32, the pattern's words read from a copy of the stream where they start.
struct SignPatternCursor {
  StreamWords words;
  const double* x;
  const double* y;
  bool swapped;
  std::uint32_t i = 0;
  std::uint32_t word = 0;
  PARDO_HOST_DEVICE double next() noexcept {
    if (i % 32 == 0) word = words.next();
    const bool set = (word >> (i % 32) & 1u) != 0;
    const double v = set != swapped ? y[i] : x[i];
    ++i;
    return v;
  }
};

/// The statistic of the next sign pattern of the paired design: as the CPU's, the pairs
/// swapped by the bits of the pattern's words (32 pairs a word), then the statistic of the two
/// sides. `words` moves past the pattern's words.
PARDO_HOST_DEVICE inline double next_sign_pattern(const PermutationKernelPlan& plan,
                                                  StreamWords& words) noexcept {
  const std::uint32_t n = plan.pooled;
  const SignPatternCursor a{words, plan.x, plan.pool, false};
  const SignPatternCursor b{words, plan.x, plan.pool, true};
  for (std::uint32_t i = 0; i < n; i += 32) words.next();
  if (plan.statistic == PermutationStatistic::t) return sequence_t(a, n, b, n);
  return sequence_mean(a, n, Scaling{}) - sequence_mean(b, n, Scaling{});
}

/// `block`'s arrangements, as the CPU's block draws and evaluates them: a working copy is
/// w[i * stride] (the threads' copies interleaved, so that a warp's accesses to one position
/// fall together), carried from one arrangement to the next. Each value goes to values[p]
/// unless `values` is null.
PARDO_HOST_DEVICE inline PermutationTally permutation_block(const PermutationKernelPlan& plan,
                                                            std::uint64_t block, double* w,
                                                            std::uint64_t stride,
                                                            double* values) noexcept {
  if (plan.arrangement != Arrangement::sign_patterns) {
    for (std::uint64_t i = 0; i < plan.pooled; ++i) w[i * stride] = plan.pool[i];
  }
  StreamWords words(plan.k0, plan.k1, block);
  const std::uint64_t count = block_permutation_count(plan, block);
  PermutationTally tally;
  for (std::uint64_t p = 0; p < count; ++p) {
    double value = 0;
    switch (plan.arrangement) {
      case Arrangement::splits:
        value = next_split(plan, words, w, stride);
        break;
      case Arrangement::sign_patterns:
        value = next_sign_pattern(plan, words);
        break;
      case Arrangement::orderings:
        value = next_ordering(plan, words, w, stride);
        break;
    }
    tally.nan += std::isnan(value) ? 1u : 0u;
    tally.less_or_equal += value <= plan.high ? 1u : 0u;
    tally.greater_or_equal += value >= plan.low ? 1u : 0u;
    if (values != nullptr) values[p] = value;
  }
  return tally;
}

}  // namespace pardo::cuda::detail
