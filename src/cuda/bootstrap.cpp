// The bootstrap on CUDA devices: the host's side (launches, stops, the jackknife, the summary);
// a GPU thread's work is cuda/detail/bootstrap_kernel.hpp, its kernel runtime.cu.
#include "pardo/cuda/bootstrap.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "cuda/devices.hpp"
#include "cuda/runtime.hpp"
#include "pardo/cuda/detail/resample_plan.hpp"
#include "pardo/stats/descriptive.hpp"
#include "pardo/workload/blocks.hpp"

namespace pardo::cuda {

namespace {

// About this many rows gathered a launch, so that a stop request waits for one launch at most.
constexpr std::uint64_t launch_rows = std::uint64_t{1} << 32;
// A launch's statistics, and the median's gathered resamples, take at most this much device
// memory.
constexpr std::uint64_t launch_memory_bytes = std::uint64_t{1} << 30;
constexpr std::uint64_t max_launch_blocks = std::uint64_t{1} << 20;

std::uint64_t blocks_per_launch(std::size_t rows, BootstrapStatistic statistic,
                                const stats::BootstrapOptions& options, const Devices& where) {
  if (where.blocks_per_launch != 0) return where.blocks_per_launch;
  const std::uint64_t per_block = options.block_resamples;
  const std::uint64_t by_work = launch_rows / std::max<std::uint64_t>(1, per_block * rows);
  const std::uint64_t bytes =
      8 * (per_block + (statistic == BootstrapStatistic::median ? rows : 0));
  const std::uint64_t by_memory = launch_memory_bytes / bytes;
  return std::max<std::uint64_t>(1, std::min({by_work, by_memory, max_launch_blocks}));
}

std::string_view name_of(BootstrapStatistic statistic) {
  switch (statistic) {
    case BootstrapStatistic::mean:
      return "mean";
    case BootstrapStatistic::variance:
      return "variance";
    case BootstrapStatistic::std_dev:
      return "std_dev";
    case BootstrapStatistic::pearson:
      return "pearson";
    case BootstrapStatistic::median:
      return "median";
  }
  throw std::invalid_argument("cuda::bootstrap: unknown statistic " +
                              std::to_string(static_cast<std::uint32_t>(statistic)));
}

// The statistic as the CPU's blocks evaluate it on a table.
double statistic_of(BootstrapStatistic statistic, const stats::Columns& table) {
  switch (statistic) {
    case BootstrapStatistic::mean:
      return stats::mean(table.column(0));
    case BootstrapStatistic::variance:
      return stats::variance(table.column(0));
    case BootstrapStatistic::std_dev:
      return stats::std_dev(table.column(0));
    case BootstrapStatistic::median:
      return stats::median(table.column(0));
    case BootstrapStatistic::pearson:
      break;
  }
  return stats::pearson(table);
}

}  // namespace

stats::BootstrapResult bootstrap(const stats::Columns& table, BootstrapStatistic statistic,
                                 const stats::BootstrapOptions& options, const RunControl& control,
                                 const Devices& where) {
  const std::string_view name = name_of(statistic);
  const std::size_t columns = statistic == BootstrapStatistic::pearson ? 2 : 1;
  if (table.columns() != columns) {
    throw std::invalid_argument("cuda::bootstrap: " + std::string(name) + " takes " +
                                std::to_string(columns) + " column" + (columns == 1 ? "" : "s") +
                                ", not " + std::to_string(table.columns()));
  }
  stats::validate(table, options);
  if (control.checkpoint != nullptr) {
    throw std::invalid_argument("cuda::bootstrap: checkpoints are not supported on the GPU");
  }
  const auto of_table = [statistic](const stats::Columns& t) { return statistic_of(statistic, t); };
  const double estimate = of_table(table);
  stats::detail::require_finite_statistic(estimate, "bootstrap", name, "on the data");
  const std::vector<int> chosen = detail::chosen_devices(where, "bootstrap");
  const auto started = std::chrono::steady_clock::now();
  const std::size_t rows = table.rows();
  const std::uint64_t resample_blocks = stats::detail::resample_blocks(options);
  const std::uint64_t total_blocks = stats::bootstrap_blocks(rows, options);
  const BlockProgress units = stats::detail::statistic_progress(rows, options);
  start_phase(control.progress, units.phase, units.unit, units.total);

  const detail::BootstrapKernelPlan plan = detail::bootstrap_kernel_plan(table, statistic, options);
  const std::uint64_t per_launch = blocks_per_launch(rows, statistic, options, where);
  const std::uint64_t launches = (resample_blocks + per_launch - 1) / per_launch;
  std::vector<std::optional<std::vector<double>>> blocks(total_blocks);
  std::mutex mutex;
  // The launches dealt round-robin over the devices, as MPI ranks take blocks.
  detail::on_each_device(chosen, [&](int device, std::size_t i) {
    std::vector<double> means(std::min(per_launch, resample_blocks) * options.block_resamples);
    for (std::uint64_t l = i; l < launches; l += chosen.size()) {
      if (control.stop.stop_requested()) return;
      const std::uint64_t first = l * per_launch;
      const std::uint64_t n = std::min(per_launch, resample_blocks - first);
      detail::bootstrap_blocks(device, plan, first, n, means.data());
      std::uint64_t done = 0;
      const std::lock_guard lock(mutex);
      for (std::uint64_t j = 0; j < n; ++j) {
        const auto begin = means.begin() + static_cast<std::ptrdiff_t>(j * options.block_resamples);
        const std::uint64_t count = detail::block_resample_count(plan, first + j);
        blocks[first + j].emplace(begin, begin + static_cast<std::ptrdiff_t>(count));
        done += count;
      }
      advance_progress(control.progress, done);
    }
  });
  // BCa's jackknife on the host: for the mean one pass over the data a block, for the others
  // one a value, as the CPU's blocks compute them.
  for (std::uint64_t b = resample_blocks; b < total_blocks && !control.stop.stop_requested(); ++b) {
    try {
      blocks[b] = statistic == BootstrapStatistic::mean
                      ? stats::detail::run_mean_block(table.column(0), options, b, control.stop)
                      : stats::detail::run_block(table, options, b, of_table, control.stop);
      advance_progress(control.progress, blocks[b]->size());
    } catch (const BlockStopped&) {
      break;
    }
  }
  stats::BootstrapResult result = stats::detail::summarise(estimate, blocks, options, name, rows);
  const auto done = static_cast<std::uint64_t>(std::count_if(
      blocks.begin(), blocks.end(), [](const auto& block) { return block.has_value(); }));
  result.run.blocks_done = done;
  result.run.blocks_total = total_blocks;
  result.run.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  result.run.complete = done == total_blocks;
  result.run.backend = "cuda";
  result.run.workers = chosen.size();
  return result;
}

stats::BootstrapResult bootstrap(std::span<const double> data, BootstrapStatistic statistic,
                                 const stats::BootstrapOptions& options, const RunControl& control,
                                 const Devices& where) {
  return bootstrap(stats::Columns(data, 1), statistic, options, control, where);
}

}  // namespace pardo::cuda
