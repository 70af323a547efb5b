#pragma once
/// @file
/// The permutation test on CUDA devices, with the CPU's blocks: block b draws its splits from
/// stream (seed, b) as stats::permutation_test does, and one GPU thread runs a block's
/// shuffles and sums in the CPU's order.

#include <cstdint>
#include <span>

#include "pardo/cuda/device.hpp"
#include "pardo/stats/permutation.hpp"
#include "pardo/workload/run_control.hpp"

namespace pardo::cuda {

/// The statistics the GPU's permutation test computes, as pardo::stats has them.
/// @code
/// auto r = pardo::cuda::permutation_test(x, y,
///                                        pardo::cuda::PermutationStatistic::mean_difference);
/// @endcode
enum class PermutationStatistic : std::uint32_t {
  mean_difference,  ///< stats::mean_difference
};

/// stats::permutation_test of `statistic` on CUDA devices, for the independent design: the
/// same blocks and random splits (a GPU thread shuffles its block's copy of the pooled values
/// with the CPU's Lemire draws and sums the smaller group in the CPU's order), so the counts,
/// the p-value and every null value are the CPU's bits. A test whose every arrangement is
/// enumerated (there are at most `permutations` of them) runs on the host, as the CPU does
/// it. A GPU thread takes one block and keeps a copy of the pooled values in device memory
/// (8 bytes a value): for a GPU's width give it many blocks, as `block_permutations` 1 to 64.
/// RunInfo::backend is "cuda" and workers the devices used; a stop request ends the run
/// between launches, with the permutations done so far.
/// @throws std::invalid_argument for data or options stats::permutation_test refuses, a design
///         other than independent, an unknown statistic, values so large that the centred
///         sums could overflow (|x - mean| times the values' count is not finite: the CPU's
///         generic path takes those), or a checkpoint (not supported on the GPU)
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
