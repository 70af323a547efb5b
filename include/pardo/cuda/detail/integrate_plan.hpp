#pragma once
// An integration plan as the GPU's threads take it, made on the host.

#include <cstddef>
#include <vector>

#include "pardo/cuda/detail/integrate_kernel.hpp"
#include "pardo/mc/integrate.hpp"
#include "pardo/random/stream.hpp"

namespace pardo::cuda::detail {

/// The widths of the plan's box, upper - lower axis by axis, as integrate_block takes them.
inline std::vector<double> box_widths(const mc::detail::IntegratePlan& plan) {
  std::vector<double> width(plan.lower.size());
  for (std::size_t i = 0; i < width.size(); ++i) width[i] = plan.upper[i] - plan.lower[i];
  return width;
}

/// `plan` with integrand f as a kernel takes it: the box as plan.lower and `width`
/// (box_widths(plan)), both of which must outlive it.
inline IntegrateKernelPlan kernel_plan(const mc::detail::IntegratePlan& plan, Integrand f,
                                       const std::vector<double>& width) {
  const random::Key key = random::derive_key(plan.seed);
  return {key[0],
          key[1],
          f,
          plan.lower.size(),
          plan.strata_axes,
          plan.strata_per_axis,
          mc::detail::strata(plan),
          plan.sweeps_per_block,
          plan.sweeps_total,
          plan.lower.data(),
          width.data()};
}

}  // namespace pardo::cuda::detail
