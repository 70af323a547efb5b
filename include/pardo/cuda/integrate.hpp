#pragma once
/// @file
/// Monte Carlo integration of the built-in integrands on CUDA devices, with the CPU's blocks:
/// block b evaluates the points of stream (seed, b), placed in the box and its strata as
/// mc::integrate places them, and one GPU thread sums a block in the CPU's order.

#include "pardo/cuda/detail/integrate_kernel.hpp"
#include "pardo/cuda/device.hpp"
#include "pardo/mc/integrate.hpp"
#include "pardo/workload/run_control.hpp"

namespace pardo::cuda {

/// Integrates a built-in integrand over `box` as mc::integrate does with the matching
/// mc::integrands function, on CUDA devices: the same blocks, rounds and tolerances. A block's
/// moments are the CPU's bit for bit where f's values are: always for unit_ball and
/// cross_polytope; gaussian and cosine take the device's exp and cos (within 1 and 2 ulps of
/// the correctly rounded value, CUDA's documented bounds, where glibc's are within 1), so
/// their estimates agree with the CPU's to about 1e-15 relative. The blocks are merged in
/// block order on the host, so a run gives the same bits on one GPU or several. A GPU thread
/// takes one block: give it many (the default 16384 samples a block does); with a grid, each
/// of a launch's blocks keeps its cells' means in device memory (8 bytes a cell).
/// RunInfo::backend is "cuda" and workers the devices used; a stop request ends the run
/// between launches with the blocks merged so far.
/// @throws std::invalid_argument for a box or options mc::integrate refuses, an unknown
///         integrand, or a checkpoint (not supported on the GPU)
/// @throws Unavailable when no GPU can run it (the reason in the message)
/// @code
/// pardo::mc::IntegrateResult r =
///     pardo::cuda::integrate(pardo::cuda::Integrand::unit_ball, pardo::mc::Box::cube(5, -1, 1),
///                            {.samples = 10'000'000'000});
/// @endcode
mc::IntegrateResult integrate(Integrand f, const mc::Box& box,
                              const mc::IntegrateOptions& options = {},
                              const RunControl& control = {}, const Devices& where = {});

}  // namespace pardo::cuda
