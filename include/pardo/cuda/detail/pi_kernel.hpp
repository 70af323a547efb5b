#pragma once
// One GPU thread's share of pi's kernel (src/cuda/runtime.cu), as a plain function: the host
// tests run every thread of a launch through it and check the blocks' counts against the CPU.

#include <cstdint>

#include "pardo/random/detail/philox_core.hpp"

namespace pardo::cuda::detail {

/// Philox blocks one GPU thread counts: enough to hide the launch, few enough for many threads.
inline constexpr std::uint64_t pi_chunk_pairs = 256;

/// Threads per pardo block of `pairs` Philox blocks: a chunk each, rounded up to whole warps of
/// 32, so that a warp's threads all count for the same block (one atomic add per warp).
PARDO_HOST_DEVICE constexpr std::uint64_t pi_threads_per_block(std::uint64_t pairs) noexcept {
  return ((pairs + pi_chunk_pairs - 1) / pi_chunk_pairs + 31) / 32 * 32;
}

/// What thread `id` of a launch counted: the pardo block (from the launch's first) and its
/// points inside the quarter disc.
struct PiShare {
  std::uint64_t block_offset;
  std::uint64_t hits;
};

/// Thread `id`'s share of a launch over pardo blocks first_block, first_block + 1, ...: of each,
/// Philox blocks [first_pair, first_pair + pairs) of its own stream under key (k0, k1);
/// `per_block` is pi_threads_per_block(pairs). Threads past the last chunk count nothing.
PARDO_HOST_DEVICE constexpr PiShare pi_thread_share(std::uint32_t k0, std::uint32_t k1,
                                                    std::uint64_t first_block,
                                                    std::uint64_t first_pair, std::uint64_t pairs,
                                                    std::uint64_t per_block,
                                                    std::uint64_t id) noexcept {
  const std::uint64_t j = id / per_block;
  const std::uint64_t begin = (id % per_block) * pi_chunk_pairs;
  if (begin >= pairs) return {j, 0};
  const std::uint64_t n = pairs - begin < pi_chunk_pairs ? pairs - begin : pi_chunk_pairs;
  return {j, random::detail::count_quarter_disc(k0, k1, first_block + j, first_pair + begin, n)};
}

}  // namespace pardo::cuda::detail
