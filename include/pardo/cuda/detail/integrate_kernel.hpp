#pragma once
// One GPU thread's work in integrate's kernel (src/cuda/runtime.cu), as plain functions: a
// thread takes a whole pardo block and sums it in the order of the CPU's integrate_block, so
// the block's moments are the CPU's bit for bit wherever f's values are. The host tests run
// the host instantiation against the CPU's blocks.

#include <cmath>
#include <cstdint>

#include "pardo/mc/detail/block_moments.hpp"
#include "pardo/random/detail/philox_core.hpp"

namespace pardo::cuda {

/// The built-in integrands, as pardo::mc::integrands has them.
/// @code
/// auto r = pardo::cuda::integrate(pardo::cuda::Integrand::gaussian,
///                                 pardo::mc::Box::cube(8, -1, 1));
/// @endcode
enum class Integrand : std::uint32_t {
  unit_ball,       ///< 1 where |x| <= 1, else 0 (mc::integrands::unit_ball)
  cross_polytope,  ///< 1 where sum |x_i| <= 1, else 0 (mc::integrands::cross_polytope)
  gaussian,        ///< exp(-|x|^2) (mc::integrands::gaussian)
  cosine,          ///< cos(sum x_i) (mc::integrands::cosine)
};

}  // namespace pardo::cuda

namespace pardo::cuda::detail {

/// An integration plan as a kernel takes it: mc::detail::IntegratePlan's numbers, the box as
/// its lower corner and widths (in device memory on the GPU) and the stream key.
struct IntegrateKernelPlan {
  std::uint32_t k0 = 0;
  std::uint32_t k1 = 0;
  Integrand f = Integrand::unit_ball;
  std::uint64_t dim = 0;
  std::uint64_t strata_axes = 0;
  std::uint64_t strata_per_axis = 1;
  std::uint64_t cells = 1;
  std::uint64_t sweeps_per_block = 0;
  std::uint64_t sweeps_total = 0;
  const double* lower = nullptr;
  const double* width = nullptr;
};

/// f at point p of `block`: the point's coordinates are doubles [p dim, (p + 1) dim) of
/// stream (seed, block), placed in its stratum and the box as integrate_block places them.
/// The built-ins are finite wherever the box is, so no value needs a check.
PARDO_HOST_DEVICE inline double integrand_at(const IntegrateKernelPlan& plan, std::uint64_t block,
                                             std::uint64_t p) noexcept {
  const double k = static_cast<double>(plan.strata_per_axis);
  std::uint64_t cell = p % plan.cells;
  std::uint64_t q = p * plan.dim;  // the point's first double in the stream
  random::detail::Words4 words{};
  double sum = 0;
  for (std::uint64_t i = 0; i < plan.dim; ++i, ++q) {
    // A Philox block holds two doubles: words 0-1 and 2-3, low word first.
    if (i == 0 || q % 2 == 0) {
      words = random::detail::philox_words(random::detail::stream_words(block, q / 2), plan.k0,
                                           plan.k1, 10);
    }
    const unsigned low = q % 2 == 0 ? 0 : 2;
    const std::uint64_t u = words.w[low] | std::uint64_t{words.w[low + 1]} << 32;
    double t = static_cast<double>(u >> 11) * 0x1p-53;
    if (i < plan.strata_axes) {
      t = (static_cast<double>(cell % plan.strata_per_axis) + t) / k;
      cell /= plan.strata_per_axis;
    }
    const double x = plan.lower[i] + plan.width[i] * t;
    if (plan.f == Integrand::cross_polytope) {
      sum += std::fabs(x);
    } else if (plan.f == Integrand::cosine) {
      sum += x;
    } else {
      sum += x * x;
    }
  }
  switch (plan.f) {
    case Integrand::unit_ball:
    case Integrand::cross_polytope:
      return sum <= 1.0 ? 1.0 : 0.0;
    case Integrand::gaussian:
      return std::exp(-sum);
    case Integrand::cosine:
      return std::cos(sum);
  }
  return 0;
}

/// Sweeps of `block`: the plan's, or what is left for the run's last block.
PARDO_HOST_DEVICE constexpr std::uint64_t block_sweeps(const IntegrateKernelPlan& plan,
                                                       std::uint64_t block) noexcept {
  const std::uint64_t left = plan.sweeps_total - block * plan.sweeps_per_block;
  return left < plan.sweeps_per_block ? left : plan.sweeps_per_block;
}

/// The moments of `block`, summed as integrate_block sums them: the sum and each cell's sum
/// in point order, then the squared deviations from the mean and from the cell's mean in
/// point order. Values are computed again for the second pass instead of stored. With a grid,
/// cell c's mean is kept at cell_mean[c * stride] (the threads' cells interleaved, so that a
/// warp's reads of one cell fall together).
PARDO_HOST_DEVICE inline mc::detail::BlockMoments block_moments(const IntegrateKernelPlan& plan,
                                                                std::uint64_t block,
                                                                double* cell_mean,
                                                                std::uint64_t stride) noexcept {
  const std::uint64_t sweeps = block_sweeps(plan, block);
  const std::uint64_t cells = plan.cells;
  const std::uint64_t n = sweeps * cells;
  const bool grid = cells > 1;
  mc::detail::BlockMoments m;
  m.n = static_cast<double>(n);
  if (grid) {
    for (std::uint64_t c = 0; c < cells; ++c) cell_mean[c * stride] = 0;
  }
  double sum = 0;
  for (std::uint64_t p = 0; p < n; ++p) {
    const double v = integrand_at(plan, block, p);
    sum += v;
    if (grid) cell_mean[(p % cells) * stride] += v;
    m.nonzero += v != 0 ? 1.0 : 0.0;
  }
  m.mean = sum / m.n;
  if (grid) {
    for (std::uint64_t c = 0; c < cells; ++c) cell_mean[c * stride] /= static_cast<double>(sweeps);
  }
  // One cell: its sum is the block's, added in the same order.
  const double only_cell = sum / static_cast<double>(sweeps);
  for (std::uint64_t p = 0; p < n; ++p) {
    const double v = integrand_at(plan, block, p);
    const double d = v - m.mean;
    const double e = v - (grid ? cell_mean[(p % cells) * stride] : only_cell);
    m.m2 += d * d;
    m.within += e * e;
  }
  m.within_df = static_cast<double>(cells * (sweeps - 1));
  return m;
}

}  // namespace pardo::cuda::detail
