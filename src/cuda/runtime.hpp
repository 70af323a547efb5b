#pragma once
// What pardo's CUDA path needs of a GPU, apart from the host logic that uses it: runtime.cu
// where CMake found a CUDA toolkit, runtime_unavailable.cpp (every call throws
// pardo::cuda::Unavailable) where it did not.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "pardo/cuda/detail/bootstrap_kernel.hpp"
#include "pardo/cuda/detail/integrate_kernel.hpp"
#include "pardo/cuda/detail/permutation_kernel.hpp"
#include "pardo/cuda/device.hpp"

namespace pardo::cuda::detail {

/// pardo blocks [first_block, first_block + n) of pi: of each, Philox blocks [first_pair,
/// first_pair + pairs) (two points each) of its own stream under key (k0, k1); counts[i] gets
/// block first_block + i's points inside the quarter disc. Runs on `device` and returns when
/// the counts are back. At most max_launch_pairs Philox blocks in all.
/// @throws Unavailable with the runtime's reason
void count_pi_blocks(int device, std::uint32_t k0, std::uint32_t k1, std::uint64_t first_block,
                     std::size_t n, std::uint64_t first_pair, std::uint64_t pairs,
                     std::uint64_t* counts);

/// The most Philox blocks one launch counts (2^32 points): a launch's threads fit a grid, and
/// a stop request waits at most one launch.
inline constexpr std::uint64_t max_launch_pairs = std::uint64_t{1} << 31;

/// Blocks [first_block, first_block + n) of an integration into moments[0, n): one GPU thread a
/// block (block_moments), with plan.lower and plan.width host arrays of plan.dim values. Runs
/// on `device` and returns when the moments are back.
/// @throws Unavailable with the runtime's reason (out of device memory among them)
void integrate_blocks(int device, const IntegrateKernelPlan& plan, std::uint64_t first_block,
                      std::size_t n, mc::detail::BlockMoments* moments);

/// Blocks [first_block, first_block + n) of a bootstrap: block first_block + i's resamples'
/// statistics into out[i * plan.block_resamples, ...), one GPU thread a block
/// (bootstrap_block; the median's resamples gathered in device memory), with plan.data a host
/// array of plan.rows values a column (two for pearson). Runs on `device` and returns when the
/// statistics are back.
/// @throws Unavailable with the runtime's reason (out of device memory among them)
void bootstrap_blocks(int device, const BootstrapKernelPlan& plan, std::uint64_t first_block,
                      std::size_t n, double* out);

/// Blocks [first_block, first_block + n) of a permutation test: block first_block + i's counts
/// into tallies[i] and, unless `values` is null, its null values into
/// values[i * plan.block_permutations, ...), one GPU thread a block (permutation_block, with a
/// working copy of the pool in device memory), with plan.pool (and for the correlation design
/// plan.x) a host array of plan.pooled values. Runs on `device` and returns when the counts are
/// back.
/// @throws Unavailable with the runtime's reason (out of device memory among them)
void permutation_blocks(int device, const PermutationKernelPlan& plan, std::uint64_t first_block,
                        std::size_t n, PermutationTally* tallies, double* values);

/// The devices, or Unavailable with the reason there are none.
std::vector<Device> list_devices();

/// Whether runtime.cu was built.
bool runtime_compiled_in() noexcept;

}  // namespace pardo::cuda::detail
