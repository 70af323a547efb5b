// The permutation test on CUDA devices: the host's side (the working pool, launches, stops, the
// summary); a GPU thread's work is cuda/detail/permutation_kernel.hpp, its kernel runtime.cu.
#include "pardo/cuda/permutation.hpp"

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
#include "pardo/workload/blocks.hpp"

namespace pardo::cuda {

namespace {

// About this many values placed a launch, so that a stop request waits for one launch at most.
constexpr std::uint64_t launch_draws = std::uint64_t{1} << 32;
// A launch's copies of the pool, and its null values if kept, take at most this much device
// memory.
constexpr std::uint64_t launch_memory_bytes = std::uint64_t{1} << 30;
constexpr std::uint64_t max_launch_blocks = std::uint64_t{1} << 20;

std::uint64_t blocks_per_launch(const detail::PermutationKernelPlan& plan, bool keep,
                                const Devices& where) {
  if (where.blocks_per_launch != 0) return where.blocks_per_launch;
  const std::uint64_t by_work =
      launch_draws / std::max<std::uint64_t>(1, plan.block_permutations * plan.drawn);
  const std::uint64_t bytes = 8 * (plan.pooled + (keep ? plan.block_permutations : 0));
  return std::max<std::uint64_t>(
      1, std::min({by_work, launch_memory_bytes / bytes, max_launch_blocks}));
}

}  // namespace

stats::PermutationResult permutation_test(std::span<const double> x, std::span<const double> y,
                                          PermutationStatistic statistic,
                                          const stats::PermutationOptions& options,
                                          const RunControl& control, const Devices& where) {
  using Function = double (*)(std::span<const double>, std::span<const double>);
  Function function = nullptr;
  std::string_view name;
  bool correlation = false;
  switch (statistic) {
    case PermutationStatistic::mean_difference:
      function = &stats::mean_difference;
      name = "mean_difference";
      break;
    case PermutationStatistic::t:
      function = &stats::t_statistic;
      name = "t_statistic";
      break;
    case PermutationStatistic::pearson:
      function = &stats::pearson_r;
      name = "pearson_r";
      correlation = true;
      break;
  }
  if (function == nullptr) {
    throw std::invalid_argument("cuda::permutation_test: unknown statistic " +
                                std::to_string(static_cast<std::uint32_t>(statistic)));
  }
  stats::detail::PermutationPlan plan = stats::detail::plan_permutations(x, y, options);
  if ((plan.design == stats::Design::correlation) != correlation) {
    throw std::invalid_argument(
        "cuda::permutation_test: pearson is for the correlation design, mean_difference and t "
        "for the independent and paired designs; not " +
        std::string(name) + " on the " + std::string(stats::to_string(plan.design)) + " design");
  }
  if (control.checkpoint != nullptr) {
    throw std::invalid_argument("cuda::permutation_test: checkpoints are not supported on the GPU");
  }
  plan.observed = function(x, y);
  stats::detail::require_finite_statistic(plan.observed, "permutation_test", name,
                                          "on the observed data");
  const detail::WorkingPool pool =
      plan.exact ? detail::WorkingPool{} : detail::working_pool(x, y, plan.design, statistic);
  const std::vector<int> chosen = detail::chosen_devices(where, "permutation_test");
  const auto started = std::chrono::steady_clock::now();
  start_phase(control.progress, "permuting", "permutations", plan.total);
  std::vector<std::optional<stats::detail::PermutationCounts>> blocks(plan.blocks);

  if (plan.exact) {
    // Every arrangement, no more than the permutations asked for: the CPU's enumeration.
    const stats::detail::StatisticView view = stats::detail::view_of(function);
    for (std::uint64_t b = 0; b < plan.blocks && !control.stop.stop_requested(); ++b) {
      stats::detail::PermutationCounts counts =
          stats::detail::permutation_counts(x, y, view, plan, b, control.stop);
      if (counts.done < std::min(plan.block_permutations, plan.total - b * plan.block_permutations))
        break;
      advance_progress(control.progress, counts.done);
      blocks[b] = std::move(counts);
    }
  } else {
    const detail::PermutationKernelPlan kernel =
        detail::permutation_kernel_plan(x, y, plan, statistic, pool);
    const std::uint64_t per_launch = blocks_per_launch(kernel, plan.keep, where);
    const std::uint64_t launches = (plan.blocks + per_launch - 1) / per_launch;
    std::mutex mutex;
    // The launches dealt round-robin over the devices, as MPI ranks take blocks.
    detail::on_each_device(chosen, [&](int device, std::size_t i) {
      const std::uint64_t most = std::min(per_launch, plan.blocks);
      std::vector<detail::PermutationTally> tallies(most);
      std::vector<double> values(plan.keep ? most * plan.block_permutations : 0);
      for (std::uint64_t l = i; l < launches; l += chosen.size()) {
        if (control.stop.stop_requested()) return;
        const std::uint64_t first = l * per_launch;
        const std::uint64_t n = std::min(per_launch, plan.blocks - first);
        detail::permutation_blocks(device, kernel, first, n, tallies.data(),
                                   plan.keep ? values.data() : nullptr);
        std::uint64_t done = 0;
        const std::lock_guard lock(mutex);
        for (std::uint64_t j = 0; j < n; ++j) {
          stats::detail::PermutationCounts& counts = blocks[first + j].emplace();
          counts.less_or_equal = tallies[j].less_or_equal;
          counts.greater_or_equal = tallies[j].greater_or_equal;
          counts.nan = tallies[j].nan;
          counts.done = detail::block_permutation_count(kernel, first + j);
          if (plan.keep) {
            const auto begin =
                values.begin() + static_cast<std::ptrdiff_t>(j * plan.block_permutations);
            counts.values.assign(begin, begin + static_cast<std::ptrdiff_t>(counts.done));
          }
          done += counts.done;
        }
        advance_progress(control.progress, done);
      }
    });
  }
  stats::PermutationResult result =
      stats::detail::summarise_permutations(plan, options.alternative, blocks, name);
  const auto done = static_cast<std::uint64_t>(std::count_if(
      blocks.begin(), blocks.end(), [](const auto& block) { return block.has_value(); }));
  result.run.blocks_done = done;
  result.run.blocks_total = plan.blocks;
  result.run.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  result.run.complete = done == plan.blocks;
  result.run.backend = "cuda";
  result.run.workers = chosen.size();
  return result;
}

}  // namespace pardo::cuda
