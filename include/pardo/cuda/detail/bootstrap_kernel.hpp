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

/// The statistics of `block`'s resamples into out[0, block_resample_count), as the CPU's
/// blocks compute them: the fused mean block for the mean, the statistic of each gathered
/// resample for the others. No index is stored: each pass over a resample replays its
/// indices from a copy of the stream where it starts.
PARDO_HOST_DEVICE inline void bootstrap_block(const BootstrapKernelPlan& plan, std::uint64_t block,
                                              double* out) noexcept {
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
    } else {
      out[r] =
          sequence_variance(x, plan.rows, Scaling{}, plan.statistic == BootstrapStatistic::std_dev);
    }
    for (std::uint32_t i = 0; i < plan.rows; ++i) x.indices.next();
  }
}

}  // namespace pardo::cuda::detail
