#pragma once
/// @file
/// The bootstrap on CUDA devices, with the CPU's blocks: block b draws its resamples' rows from
/// stream (seed, b) as stats::bootstrap does, and one GPU thread computes a block's statistics
/// in the CPU's order.

#include <span>

#include "pardo/cuda/detail/bootstrap_kernel.hpp"
#include "pardo/cuda/device.hpp"
#include "pardo/stats/bootstrap.hpp"
#include "pardo/workload/run_control.hpp"

namespace pardo::cuda {

/// stats::bootstrap of `statistic` over `table` on CUDA devices (one column for mean, variance,
/// std_dev and median, two for pearson, their rows resampled together): the same blocks, the same
/// resamples and every resample's statistic bit for bit (a GPU thread draws a block's rows
/// from its stream with the CPU's Lemire rejections and computes each resample's statistic
/// in stats' order: stats::mean's eight running sums, the squared deviations and cross
/// products in order, with stats' fallbacks where a sum overflows or underflows), so the
/// distribution, the interval and the standard error are the CPU's bits (the median: the same
/// order statistics, chosen by a selection of its own, so only the sign of a zero median may
/// differ where the data hold both +0 and -0). No resample is stored but the median's, in
/// device memory (8 bytes a row a block in a launch): a thread replays its indices for each
/// pass. BCa's jackknife runs on the host. The
/// launches are dealt round-robin over the devices, and the blocks gathered in block order,
/// so one GPU or several give the same bits. A GPU thread takes one block: for a GPU's width
/// give it many blocks, as `block_resamples` 1 to 16 for 10^5 resamples. RunInfo::backend is
/// "cuda" and workers the devices used; a stop request ends the run between launches, with the
/// resamples done so far.
/// @throws std::invalid_argument for data or options stats::bootstrap refuses, a table of the
///         wrong width, an unknown statistic, a statistic that is not finite on the data, or
///         a checkpoint (not supported on the GPU)
/// @throws Unavailable when no GPU can run it (the reason in the message)
/// @code
/// std::vector<double> xy = pardo::stats::stack_columns({x, y});
/// pardo::stats::BootstrapResult r = pardo::cuda::bootstrap(
///     pardo::stats::Columns(xy, 2), pardo::cuda::BootstrapStatistic::pearson,
///     {.resamples = 1'000'000, .block_resamples = 4});
/// @endcode
stats::BootstrapResult bootstrap(const stats::Columns& table, BootstrapStatistic statistic,
                                 const stats::BootstrapOptions& options = {},
                                 const RunControl& control = {}, const Devices& where = {});

/// The bootstrap of a one-column `statistic` over `data`: bootstrap(Columns(data, 1), ...).
/// @code
/// pardo::stats::BootstrapResult r = pardo::cuda::bootstrap(
///     data, pardo::cuda::BootstrapStatistic::mean, {.resamples = 1'000'000, .block_resamples =
///     4});
/// @endcode
stats::BootstrapResult bootstrap(std::span<const double> data, BootstrapStatistic statistic,
                                 const stats::BootstrapOptions& options = {},
                                 const RunControl& control = {}, const Devices& where = {});

}  // namespace pardo::cuda
