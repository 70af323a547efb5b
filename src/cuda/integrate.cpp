// Monte Carlo integration on CUDA devices: the host's side (rounds, launches, stops, merging in
// block order); a GPU thread's work is cuda/detail/integrate_kernel.hpp, its kernel runtime.cu.
#include "pardo/cuda/integrate.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cuda/devices.hpp"
#include "cuda/runtime.hpp"
#include "pardo/cuda/detail/integrate_plan.hpp"
#include "pardo/workload/blocks.hpp"

namespace pardo::cuda {

namespace {

// About this many points a launch (each evaluated twice), so that a stop request waits for
// one launch at most.
constexpr std::uint64_t launch_points = std::uint64_t{1} << 32;
// With a grid, a launch's cells' means take at most this much device memory.
constexpr std::uint64_t cell_memory_bytes = std::uint64_t{1} << 30;
constexpr std::uint64_t max_launch_blocks = std::uint64_t{1} << 20;

std::uint64_t blocks_per_launch(const mc::detail::IntegratePlan& plan, const Devices& where) {
  if (where.blocks_per_launch != 0) return where.blocks_per_launch;
  const std::uint64_t cells = mc::detail::strata(plan);
  std::uint64_t n = std::max<std::uint64_t>(1, launch_points / (plan.sweeps_per_block * cells));
  if (cells > 1) n = std::min(n, std::max<std::uint64_t>(1, cell_memory_bytes / (8 * cells)));
  return std::min(n, max_launch_blocks);
}

}  // namespace

mc::IntegrateResult integrate(Integrand f, const mc::Box& box, const mc::IntegrateOptions& options,
                              const RunControl& control, const Devices& where) {
  if (static_cast<std::uint32_t>(f) > static_cast<std::uint32_t>(Integrand::cosine)) {
    throw std::invalid_argument("cuda::integrate: unknown integrand " +
                                std::to_string(static_cast<std::uint32_t>(f)));
  }
  const mc::detail::IntegratePlan plan = mc::detail::make_plan(box, options);
  if (control.checkpoint != nullptr) {
    throw std::invalid_argument("cuda::integrate: checkpoints are not supported on the GPU");
  }
  const std::vector<int> chosen = detail::chosen_devices(where, "integrate");
  const auto started = std::chrono::steady_clock::now();
  const std::vector<double> width = detail::box_widths(plan);
  const detail::IntegrateKernelPlan kernel = detail::kernel_plan(plan, f, width);
  const std::uint64_t cells = kernel.cells;
  const std::uint64_t per_launch = blocks_per_launch(plan, where);
  start_phase(control.progress, "sampling", "samples", plan.sweeps_total * cells);

  // A round's launches dealt round-robin over the devices, as MPI ranks take blocks.
  const auto run_round = [&](std::uint64_t first, std::uint64_t count) {
    const std::uint64_t launches = (count + per_launch - 1) / per_launch;
    std::vector<std::optional<mc::detail::BlockMoments>> blocks(count);
    std::mutex mutex;
    detail::on_each_device(chosen, [&](int device, std::size_t i) {
      std::vector<mc::detail::BlockMoments> moments(std::min(per_launch, count));
      for (std::uint64_t l = i; l < launches; l += chosen.size()) {
        if (control.stop.stop_requested()) return;
        const std::uint64_t begin = l * per_launch;
        const std::uint64_t n = std::min(per_launch, count - begin);
        detail::integrate_blocks(device, kernel, first + begin, n, moments.data());
        std::uint64_t samples = 0;
        const std::lock_guard lock(mutex);
        for (std::uint64_t j = 0; j < n; ++j) {
          blocks[begin + j] = moments[j];
          samples += static_cast<std::uint64_t>(moments[j].n);
        }
        advance_progress(control.progress, samples);
      }
    });
    return blocks;
  };
  const mc::detail::Rounds rounds = mc::detail::run_rounds(plan, options, run_round);
  mc::IntegrateResult result = mc::detail::summarise(plan, rounds);
  // A stopped round merges only the blocks before its first gap: those are what the estimate
  // covers.
  result.run.blocks_done = rounds.totals.blocks;
  result.run.blocks_total = mc::detail::blocks_total(plan);
  result.run.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  result.run.complete = !rounds.stopped;
  result.run.backend = "cuda";
  result.run.workers = chosen.size();
  return result;
}

}  // namespace pardo::cuda
