// Monte Carlo pi on worker processes: each block is a remote call.

#include <chrono>
#include <cstdint>
#include <vector>

#include "pardo/mc/pi.hpp"
#include "pardo/process_pool.hpp"

namespace pardo::mc {

namespace {

struct PiBlock {
  PiOptions options;
  std::uint64_t block;
  std::uint64_t samples;
};

std::uint64_t count_pi_block(PiBlock task) {
  return detail::count_block(task.options, task.block, task.samples);
}
PARDO_REMOTE(count_pi_block);

}  // namespace

PiResult estimate_pi(ProcessPool& pool, const PiOptions& options, const PiControl& control) {
  detail::validate(options);
  const std::uint64_t blocks = options.samples / options.block_samples +
                               (options.samples % options.block_samples != 0 ? 1 : 0);
  const auto start = std::chrono::steady_clock::now();
  std::vector<PiBlock> tasks;
  tasks.reserve(blocks);
  for (std::uint64_t b = 0; b < blocks; ++b) {
    tasks.push_back(
        {options, b, std::min(options.block_samples, options.samples - b * options.block_samples)});
  }
  detail::BlockCount total;
  {
    auto results = pool.imap_unordered(count_pi_block, tasks, MapOptions{.chunksize = 1});
    for (const auto& [b, hits] : results) {
      const std::uint64_t n = tasks[b].samples;
      total = total + detail::BlockCount{hits, n, 1};
      if (control.samples_done != nullptr) {
        control.samples_done->fetch_add(n, std::memory_order_relaxed);
      }
      if (control.stop.stop_requested()) break;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return detail::summarise(total, blocks, seconds);
}

}  // namespace pardo::mc
