#pragma once
/// @file
/// The permutation test on CUDA devices, with the CPU's blocks: block b draws its arrangements
/// from stream (seed, b) as stats::permutation_test does, and one GPU thread runs a block's
/// shuffles and statistics in the CPU's order.

#include <span>

#include "pardo/cuda/detail/permutation_kernel.hpp"
#include "pardo/cuda/device.hpp"
#include "pardo/stats/permutation.hpp"
#include "pardo/workload/run_control.hpp"

namespace pardo::cuda {

/// stats::permutation_test of `statistic` on CUDA devices: mean_difference and t for the
/// independent and paired designs, pearson for the correlation design. The same blocks and
/// random arrangements (a GPU thread shuffles its block's working copy with the CPU's Lemire
/// draws, or swaps pairs by the bits of the same words, and computes each statistic in stats'
/// order, with stats' fallbacks), so the counts, the
/// p-value and every null value are the CPU's bits. A test whose every arrangement is
/// enumerated (there are at most `permutations` of them) runs on the host, as the CPU does
/// it. A GPU thread takes one block and keeps a working copy of the values in device memory
/// (8 bytes a value): for a GPU's width give it many blocks, as `block_permutations` 1 to 64.
/// RunInfo::backend is "cuda" and workers the devices used; a stop request ends the run
/// between launches, with the permutations done so far.
/// @throws std::invalid_argument for data or options stats::permutation_test refuses, a
///         statistic that does not fit the design, an unknown statistic, or a checkpoint (not
///         supported on the GPU)
/// @throws Unavailable when no GPU can run it (the reason in the message)
/// @code
/// pardo::stats::PermutationResult r = pardo::cuda::permutation_test(
///     treated, control, pardo::cuda::PermutationStatistic::mean_difference,
///     {.permutations = 10'000'000, .block_permutations = 16});
/// @endcode
stats::PermutationResult permutation_test(std::span<const double> x, std::span<const double> y,
                                          PermutationStatistic statistic,
                                          const stats::PermutationOptions& options = {},
                                          const RunControl& control = {},
                                          const Devices& where = {});

}  // namespace pardo::cuda
