#pragma once
// One GPU thread's work in the bootstrap's kernel (src/cuda/runtime.cu), as plain functions: a
// thread takes a whole pardo block, draws its resamples' rows from the block's stream as the
// CPU does and computes each resample's statistic in stats' order, so its values are the CPU's
// bit for bit. The host tests run the host instantiation against the CPU's blocks.

#include <cstdint>

#include "pardo/cuda/detail/sequence_statistics.hpp"
#include "pardo/cuda/detail/stream_draws.hpp"

namespace pardo::cuda {

/// The statistics the GPU's bootstrap computes, as pardo::stats has them.
/// @code
/// auto r = pardo::cuda::bootstrap(data, pardo::cuda::BootstrapStatistic::std_dev);
/// @endcode
enum class BootstrapStatistic : std::uint32_t {
  mean,      ///< stats::mean of one column
  variance,  ///< stats::variance of one column
  std_dev,   ///< stats::std_dev of one column
  pearson,   ///< stats::pearson of two columns, their rows resampled together
  median,    ///< stats::median of one column
};

}  // namespace pardo::cuda

namespace pardo::cuda::detail {

/// A bootstrap as a kernel takes it: the statistic, the table column by column (in device
/// memory on the GPU) and the options' numbers.
struct BootstrapKernelPlan {
  std::uint32_t k0 = 0;
  std::uint32_t k1 = 0;
  BootstrapStatistic statistic = BootstrapStatistic::mean;
  std::uint32_t rows = 0;
  std::uint64_t resamples = 0;
  std::uint64_t block_resamples = 0;
  const double* data = nullptr;
};

/// Resamples of `block`: the plan's, or what is left for the last block.
PARDO_HOST_DEVICE constexpr std::uint64_t block_resample_count(const BootstrapKernelPlan& plan,
                                                               std::uint64_t block) noexcept {
  const std::uint64_t left = plan.resamples - block * plan.block_resamples;
  return left < plan.block_resamples ? left : plan.block_resamples;
}

/// A column's values at a resample's rows, in resample order.
struct ResampleCursor {
  ResampleIndexStream indices;
  const double* column;
  PARDO_HOST_DEVICE double next() noexcept { return column[indices.next()]; }
};

/// The k-th smallest of v[0, n) (v[i * stride]), the values rearranged so that none before
/// position k is larger: Wirth's selection (Hoare's partition around v[k]). The k-th smallest
/// value is unique, so it is the one std::nth_element finds; where the data hold both +0 and
/// -0, which of them stands at k may differ.
PARDO_HOST_DEVICE inline double select_smallest(double* v, std::uint64_t stride, std::int64_t n,
                                                std::int64_t k) noexcept {
  const auto at = [v, stride](std::int64_t i) -> double& {
    return v[static_cast<std::uint64_t>(i) * stride];
  };
  std::int64_t low = 0;
  std::int64_t high = n - 1;
  while (low < high) {
    const double pivot = at(k);
    std::int64_t i = low;
    std::int64_t j = high;
    do {
      while (at(i) < pivot) ++i;
      while (pivot < at(j)) --j;
      if (i <= j) {
        const double t = at(i);
        at(i) = at(j);
        at(j) = t;
        ++i;
        --j;
      }
    } while (i <= j);
    if (j < k) low = i;
    if (k < i) high = j;
  }
  return at(k);
}

/// stats::median of a resample, gathered into v[0, n) (v[i * stride]): the middle value, or
/// the midpoint of the two middle ones (halved first where their difference overflows).
PARDO_HOST_DEVICE inline double resample_median(ResampleCursor x, std::uint32_t n, double* v,
                                                std::uint64_t stride) noexcept {
  for (std::uint64_t i = 0; i < n; ++i) v[i * stride] = x.next();
  const std::int64_t half = n / 2;
  const double upper = select_smallest(v, stride, n, half);
  if (n % 2 == 1) return upper;
  double lower = v[0];
  for (std::int64_t i = 1; i < half; ++i) {
    const double w = v[static_cast<std::uint64_t>(i) * stride];
    if (lower < w) lower = w;
  }
  const double gap = upper - lower;
  return std::isfinite(gap) ? lower + gap / 2 : lower / 2 + upper / 2;
}

/// The statistics of `block`'s resamples into out[0, block_resample_count), as the CPU's
/// blocks compute them: the fused mean block for the mean, the statistic of each gathered
/// resample for the others. No index is stored: each pass over a resample replays its
/// indices from a copy of the stream where it starts. The median gathers each resample into
/// `scratch` (scratch[i * stride], plan.rows values; unused by the other statistics).
PARDO_HOST_DEVICE inline void bootstrap_block(const BootstrapKernelPlan& plan, std::uint64_t block,
                                              double* out, double* scratch,
                                              std::uint64_t stride) noexcept {
  ResampleCursor x{ResampleIndexStream(plan.k0, plan.k1, block, plan.rows), plan.data};
  const std::uint64_t count = block_resample_count(plan, block);
  for (std::uint64_t r = 0; r < count; ++r) {
    if (plan.statistic == BootstrapStatistic::mean) {
      // The sum's pass ends where the next resample starts.
      ResampleCursor next = x;
      out[r] = sequence_mean(x, plan.rows, Scaling{}, &next);
      x = next;
      continue;
    }
    if (plan.statistic == BootstrapStatistic::pearson) {
      out[r] = sequence_pearson(x, ResampleCursor{x.indices, plan.data + plan.rows}, plan.rows);
    } else if (plan.statistic == BootstrapStatistic::median) {
      out[r] = resample_median(x, plan.rows, scratch, stride);
    } else {
      out[r] =
          sequence_variance(x, plan.rows, Scaling{}, plan.statistic == BootstrapStatistic::std_dev);
    }
    for (std::uint32_t i = 0; i < plan.rows; ++i) x.indices.next();
  }
}

}  // namespace pardo::cuda::detail
