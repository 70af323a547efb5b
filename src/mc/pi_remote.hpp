#pragma once
// Monte Carlo pi on pools of PARDO_REMOTE functions (worker processes, MPI ranks): each
// block is one remote call, and the hit counts add up exactly in any order.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

#include "pardo/mc/pi.hpp"

namespace pardo::mc::detail {

struct PiBlock {
  PiOptions options;
  std::uint64_t block;
  std::uint64_t samples;
};

/// The hits of one block; registered with PARDO_REMOTE in pi_process.cpp.
std::uint64_t count_pi_block(PiBlock task);

template <class Pool>
PiResult estimate_pi_remote(Pool& pool, const PiOptions& options, const PiControl& control) {
  validate(options);
  const std::uint64_t blocks = options.samples / options.block_samples +
                               (options.samples % options.block_samples != 0 ? 1 : 0);
  const auto start = std::chrono::steady_clock::now();
  std::vector<PiBlock> tasks;
  tasks.reserve(blocks);
  for (std::uint64_t b = 0; b < blocks; ++b) {
    tasks.push_back(
        {options, b, std::min(options.block_samples, options.samples - b * options.block_samples)});
  }
  BlockCount total;
  {
    auto results = pool.imap_unordered(count_pi_block, tasks, MapOptions{.chunksize = 1});
    for (const auto& [b, hits] : results) {
      const std::uint64_t n = tasks[b].samples;
      total = total + BlockCount{hits, n, 1};
      if (control.samples_done != nullptr) {
        control.samples_done->fetch_add(n, std::memory_order_relaxed);
      }
      if (control.stop.stop_requested()) break;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summarise(total, blocks, seconds);
}

}  // namespace pardo::mc::detail
