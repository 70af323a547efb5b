#pragma once
// One GPU thread's work in the bootstrap's and the permutation test's kernels
// (src/cuda/runtime.cu), as plain functions: a thread takes a whole pardo block and draws from
// its stream exactly as the CPU's block does (the same words, the same Lemire rejections, the
// same summation order), so its values are the CPU's bit for bit. The host tests run the host
// instantiation against the CPU's blocks.

#include <cfloat>
#include <cmath>
#include <cstdint>

#include "pardo/random/detail/philox_core.hpp"

namespace pardo::cuda {

/// The statistics the GPU's bootstrap computes, as pardo::stats has them.
/// @code
/// auto r = pardo::cuda::bootstrap(data, pardo::cuda::BootstrapStatistic::std_dev);
/// @endcode
enum class BootstrapStatistic : std::uint32_t {
  mean,      ///< stats::mean
  variance,  ///< stats::variance
  std_dev,   ///< stats::std_dev
};

}  // namespace pardo::cuda

namespace pardo::cuda::detail {

/// The 32-bit words of random stream (seed, stream) in order, as random::Stream gives them.
class StreamWords {
 public:
  PARDO_HOST_DEVICE StreamWords(std::uint32_t k0, std::uint32_t k1, std::uint64_t stream) noexcept
      : k0_(k0), k1_(k1), stream_(stream) {}
  PARDO_HOST_DEVICE std::uint32_t next() noexcept {
    if (position_ % 4 == 0) {
      words_ = random::detail::philox_words(random::detail::stream_words(stream_, position_ / 4),
                                            k0_, k1_, 10);
    }
    return words_.w[position_++ % 4];
  }

 private:
  std::uint32_t k0_;
  std::uint32_t k1_;
  std::uint64_t stream_;
  std::uint64_t position_ = 0;
  random::detail::Words4 words_{};
};

/// The rows past which a resample index takes a word of its own (stats' ResampleIndices):
/// below, one word gives two indices.
inline constexpr std::uint32_t pair_rows_limit = 65535;

/// The row indices of a bootstrap block's resamples, one after another, as the CPU's
/// ResampleIndices makes them: Lemire's multiply-and-reject on [0, rows), two indices a word
/// (the range rows^2 split into two digits) up to pair_rows_limit rows. A resample of an odd
/// number of rows ends inside a pair; the next one starts with the pair's second index.
class ResampleIndexStream {
 public:
  PARDO_HOST_DEVICE ResampleIndexStream(std::uint32_t k0, std::uint32_t k1, std::uint64_t block,
                                        std::uint32_t rows) noexcept
      : words_(k0, k1, block),
        rows_(rows),
        pairs_(rows <= pair_rows_limit),
        threshold_(static_cast<std::uint32_t>((std::uint64_t{1} << 32) %
                                              (pairs_ ? std::uint64_t{rows} * rows : rows))) {}
  PARDO_HOST_DEVICE std::uint32_t next() noexcept {
    if (pending_) {
      pending_ = false;
      return second_;
    }
    for (;;) {
      const std::uint64_t first = std::uint64_t{words_.next()} * rows_;
      if (!pairs_) {
        if (static_cast<std::uint32_t>(first) < threshold_) continue;
        return static_cast<std::uint32_t>(first >> 32);
      }
      const std::uint64_t second = (first & 0xFFFFFFFFu) * rows_;
      if (static_cast<std::uint32_t>(second) < threshold_) continue;
      second_ = static_cast<std::uint32_t>(second >> 32);
      pending_ = true;
      return static_cast<std::uint32_t>(first >> 32);
    }
  }

 private:
  StreamWords words_;
  std::uint32_t rows_;
  bool pairs_;
  std::uint32_t threshold_;
  bool pending_ = false;
  std::uint32_t second_ = 0;
};

/// A bootstrap as a kernel takes it: the statistic, the data (in device memory on the GPU) and
/// the options' numbers.
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

/// The statistics of one resample, each a pass over its indices from `start` (a copy of the
/// stream where the resample begins, replayed rather than stored), in stats' order; a value is
/// scaled by 2^-scale first.
class ResamplePasses {
 public:
  PARDO_HOST_DEVICE ResamplePasses(const ResampleIndexStream& start, const double* x,
                                   std::uint32_t rows) noexcept
      : start_(start), end_(start), x_(x), rows_(rows) {}

  /// Where the resample ends: the next one's start, once a pass has run.
  PARDO_HOST_DEVICE const ResampleIndexStream& end() const noexcept { return end_; }

  /// The values summed in stats::mean's pattern (value i into running sum i % 8, the eight
  /// combined pairwise).
  PARDO_HOST_DEVICE double sum(int scale) const noexcept {
    ResampleIndexStream indices = start_;
    double sums[8] = {};
    for (std::uint32_t i = 0; i < rows_; ++i) sums[i % 8] += value(indices, scale);
    end_ = indices;
    return ((sums[0] + sums[1]) + (sums[2] + sums[3])) +
           ((sums[4] + sums[5]) + (sums[6] + sums[7]));
  }
  /// stats::mean: where the sum overflows, summed again scaled by 2^-64 and scaled back.
  PARDO_HOST_DEVICE double mean(int scale) const noexcept {
    constexpr int overflow_exponent = 64;  // stats::detail::mean_overflow_exponent
    const double n = static_cast<double>(rows_);
    const double total = sum(scale);
    if (std::isfinite(total)) return total / n;
    return std::ldexp(sum(scale + overflow_exponent) / n, overflow_exponent);
  }
  /// The squared deviations from m, summed in order (stats' two-pass variance).
  PARDO_HOST_DEVICE double squared_deviations(int scale, double m) const noexcept {
    ResampleIndexStream indices = start_;
    double total = 0;
    for (std::uint32_t i = 0; i < rows_; ++i) {
      const double d = value(indices, scale) - m;
      total += d * d;
    }
    end_ = indices;
    return total;
  }
  /// stats' scale exponent: e with max |x| * 2^-e in [0.5, 1); 0 for values all zero.
  PARDO_HOST_DEVICE int scale_exponent() const noexcept {
    ResampleIndexStream indices = start_;
    double largest = 0;
    for (std::uint32_t i = 0; i < rows_; ++i)
      largest = std::fmax(largest, std::fabs(value(indices, 0)));
    if (largest == 0 || !std::isfinite(largest)) return 0;
    return std::ilogb(largest) + 1;
  }
  PARDO_HOST_DEVICE bool all_equal() const noexcept {
    ResampleIndexStream indices = start_;
    const double first = value(indices, 0);
    bool equal = true;
    for (std::uint32_t i = 1; i < rows_; ++i) equal = equal && value(indices, 0) == first;
    return equal;
  }

 private:
  PARDO_HOST_DEVICE double value(ResampleIndexStream& indices, int scale) const noexcept {
    const double v = x_[indices.next()];
    return scale == 0 ? v : std::ldexp(v, -scale);
  }
  ResampleIndexStream start_;
  mutable ResampleIndexStream end_;
  const double* x_;
  std::uint32_t rows_;
};

/// stats::variance (`root` false) or stats::std_dev (`root` true) of one resample: the two-pass
/// sum of squared deviations, trusted where it is finite and not flushed towards zero while the
/// values differ; else the variance of the values scaled by a power of two, scaled back.
PARDO_HOST_DEVICE inline double resample_spread(const ResamplePasses& passes, std::uint32_t rows,
                                                bool root) noexcept {
  const double divisor = static_cast<double>(rows - 1);
  const double squares = passes.squared_deviations(0, passes.mean(0));
  if (std::isfinite(squares) && (squares >= DBL_MIN || passes.all_equal())) {
    return root ? std::sqrt(squares / divisor) : squares / divisor;
  }
  const int e = passes.scale_exponent();
  const double scaled = passes.squared_deviations(e, passes.mean(e)) / divisor;
  return root ? std::ldexp(std::sqrt(scaled), e) : std::ldexp(scaled, 2 * e);
}

/// The statistics of `block`'s resamples into out[0, block_resample_count), as the CPU's
/// blocks compute them: the fused mean block for the mean, stats::variance and stats::std_dev
/// of each gathered resample for the others.
PARDO_HOST_DEVICE inline void bootstrap_block(const BootstrapKernelPlan& plan, std::uint64_t block,
                                              double* out) noexcept {
  ResampleIndexStream indices(plan.k0, plan.k1, block, plan.rows);
  const std::uint64_t count = block_resample_count(plan, block);
  for (std::uint64_t r = 0; r < count; ++r) {
    const ResamplePasses passes(indices, plan.data, plan.rows);
    switch (plan.statistic) {
      case BootstrapStatistic::mean:
        out[r] = passes.mean(0);
        break;
      case BootstrapStatistic::variance:
      case BootstrapStatistic::std_dev:
        out[r] = resample_spread(passes, plan.rows, plan.statistic == BootstrapStatistic::std_dev);
        break;
    }
    indices = passes.end();
  }
}

/// A permutation test of the independent design with the difference of means, as a kernel
/// takes it: random splits of the pooled values, centred on their mean (in device memory on
/// the GPU), by a partial Fisher-Yates shuffle of the smaller group's `drawn` positions.
struct PermutationKernelPlan {
  std::uint32_t k0 = 0;
  std::uint32_t k1 = 0;
  std::uint32_t pooled = 0;  ///< values in both groups
  std::uint32_t drawn = 0;   ///< the smaller group's size
  bool x_drawn = true;       ///< whether the smaller group is x
  double total = 0;          ///< the centred values' sum, in order
  double low = 0;            ///< the observed statistic less scipy's tolerance for ties
  double high = 0;           ///< and plus it
  std::uint64_t permutations = 0;
  std::uint64_t block_permutations = 0;
  const double* centred = nullptr;
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

/// `block`'s splits, as the CPU's mean-difference path shuffles and sums them: the pool's
/// working copy is w[i * stride] (the threads' copies interleaved, so that a warp's accesses
/// to one position fall together), carried from one split to the next; swap i draws on
/// [0, pooled - i) with Lemire's multiply-and-reject. Each value goes to values[p] unless
/// `values` is null.
PARDO_HOST_DEVICE inline PermutationTally permutation_block(const PermutationKernelPlan& plan,
                                                            std::uint64_t block, double* w,
                                                            std::uint64_t stride,
                                                            double* values) noexcept {
  for (std::uint64_t i = 0; i < plan.pooled; ++i) w[i * stride] = plan.centred[i];
  StreamWords words(plan.k0, plan.k1, block);
  const double drawn_size = static_cast<double>(plan.drawn);
  const double rest_size = static_cast<double>(plan.pooled - plan.drawn);
  const std::uint64_t count = block_permutation_count(plan, block);
  PermutationTally tally;
  for (std::uint64_t p = 0; p < count; ++p) {
    double sums[8] = {};
    for (std::uint32_t i = 0; i < plan.drawn; ++i) {
      const std::uint32_t range = plan.pooled - i;
      std::uint64_t m = 0;
      for (;;) {
        m = std::uint64_t{words.next()} * range;
        const auto low = static_cast<std::uint32_t>(m);
        if (!(low < range && low < (0u - range) % range)) break;
      }
      const std::uint64_t j = i + (m >> 32);
      const double v = w[j * stride];
      w[j * stride] = w[i * stride];
      w[i * stride] = v;
      sums[i % 8] += v;
    }
    const double drawn_sum =
        ((sums[0] + sums[1]) + (sums[2] + sums[3])) + ((sums[4] + sums[5]) + (sums[6] + sums[7]));
    const double difference = drawn_sum / drawn_size - (plan.total - drawn_sum) / rest_size;
    const double value = plan.x_drawn ? difference : -difference;
    tally.nan += std::isnan(value) ? 1u : 0u;
    tally.less_or_equal += value <= plan.high ? 1u : 0u;
    tally.greater_or_equal += value >= plan.low ? 1u : 0u;
    if (values != nullptr) values[p] = value;
  }
  return tally;
}

}  // namespace pardo::cuda::detail
