#include "pardo/random/bulk.hpp"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "random/bulk_kernels.hpp"

namespace pardo::random {

namespace {

void philox_blocks_scalar(const Key& key, std::uint64_t stream_id, std::uint64_t first_block,
                          std::span<std::uint32_t> out, unsigned rounds) {
  for (std::size_t i = 0; i < out.size() / 4; ++i) {
    const Counter c = philox(stream_counter(stream_id, first_block + i), key, rounds);
    for (std::size_t w = 0; w < 4; ++w) out[4 * i + w] = c[w];
  }
}

std::uint64_t count_scalar(const Key& key, std::uint64_t stream_id, std::uint64_t first_block,
                           std::uint64_t n_blocks, unsigned rounds) {
  return detail::count_quarter_disc(key[0], key[1], stream_id, first_block, n_blocks, rounds);
}

struct CpuFeatures {
  bool avx2 = false;
  bool avx512 = false;
};

CpuFeatures probe_cpu() noexcept {
  CpuFeatures features;
#if defined(PARDO_X86_KERNELS)
  __builtin_cpu_init();
  features.avx2 = __builtin_cpu_supports("avx2") != 0;
  // Every extension bulk_avx512.cpp is compiled with, not only the instructions it names.
  features.avx512 =
      __builtin_cpu_supports("avx512f") != 0 && __builtin_cpu_supports("avx512dq") != 0 &&
      __builtin_cpu_supports("avx512vl") != 0 && __builtin_cpu_supports("avx512bw") != 0;
#endif
  return features;
}

const CpuFeatures& cpu() noexcept {
  static const CpuFeatures features = probe_cpu();
  return features;
}

#if defined(PARDO_X86_KERNELS)

bool vector_rounds(unsigned rounds) noexcept {
  return rounds >= 1 && rounds <= detail::simd_max_rounds;
}

// Calls kernel(segment, blocks before it) for each run of blocks that share the counter's
// high word: the vector kernels never carry from word 0 into word 1. Block indices wrap at
// 2^64 like the scalar code's.
template <class Kernel>
void for_each_segment(const Key& key, std::uint64_t stream_id, std::uint64_t first_block,
                      std::uint64_t n_blocks, unsigned rounds, Kernel&& kernel) {
  std::uint64_t block = first_block;
  for (std::uint64_t done = 0; done < n_blocks;) {
    const auto lo = static_cast<std::uint32_t>(block);
    const std::uint64_t n = std::min((std::uint64_t{1} << 32) - lo, n_blocks - done);
    kernel(detail::Segment{key[0], key[1], stream_id, static_cast<std::uint32_t>(block >> 32), lo,
                           n, rounds},
           done);
    done += n;
    block += n;
  }
}

#endif

SimdLevel detect() noexcept {
  SimdLevel best = SimdLevel::scalar;
  for (SimdLevel level : {SimdLevel::avx2, SimdLevel::avx512}) {
    if (supported(level)) best = level;
  }
  if (const char* forced = std::getenv("PARDO_SIMD")) {
    const std::string name(forced);
    for (SimdLevel level : {SimdLevel::scalar, SimdLevel::avx2, SimdLevel::avx512}) {
      if (name == to_string(level) && level <= best) return level;
    }
  }
  return best;
}

void require(SimdLevel level) {
  if (!supported(level)) {
    throw std::invalid_argument("SIMD level " + std::string(to_string(level)) +
                                " is not supported by this CPU or build");
  }
}

void require_whole_blocks(std::span<std::uint32_t> out) {
  if (out.size() % 4 != 0) {
    throw std::invalid_argument("philox_blocks: output size " + std::to_string(out.size()) +
                                " is not a multiple of 4");
  }
}

}  // namespace

std::string_view to_string(SimdLevel level) noexcept {
  switch (level) {
    case SimdLevel::scalar:
      return "scalar";
    case SimdLevel::avx2:
      return "avx2";
    case SimdLevel::avx512:
      return "avx512";
  }
  return "unknown";
}

bool supported(SimdLevel level) noexcept {
  switch (level) {
    case SimdLevel::scalar:
      return true;
    case SimdLevel::avx2:
      return cpu().avx2;
    case SimdLevel::avx512:
      return cpu().avx512;
  }
  return false;
}

SimdLevel simd_level() noexcept {
  static const SimdLevel level = detect();
  return level;
}

void philox_blocks(const Key& key, std::uint64_t stream_id, std::uint64_t first_block,
                   std::span<std::uint32_t> out, unsigned rounds) {
  philox_blocks(simd_level(), key, stream_id, first_block, out, rounds);
}

void philox_blocks(SimdLevel level, const Key& key, std::uint64_t stream_id,
                   std::uint64_t first_block, std::span<std::uint32_t> out, unsigned rounds) {
  require(level);
  require_whole_blocks(out);
#if defined(PARDO_X86_KERNELS)
  if (level != SimdLevel::scalar && vector_rounds(rounds)) {
    const auto kernel =
        level == SimdLevel::avx512 ? detail::philox_segment_avx512 : detail::philox_segment_avx2;
    for_each_segment(key, stream_id, first_block, out.size() / 4, rounds,
                     [&](const detail::Segment& segment, std::uint64_t done) {
                       kernel(segment, out.data() + 4 * done);
                     });
    return;
  }
#endif
  philox_blocks_scalar(key, stream_id, first_block, out, rounds);
}

std::uint64_t count_in_quarter_disc(const Key& key, std::uint64_t stream_id,
                                    std::uint64_t first_block, std::uint64_t n_blocks,
                                    unsigned rounds) {
  return count_in_quarter_disc(simd_level(), key, stream_id, first_block, n_blocks, rounds);
}

std::uint64_t count_in_quarter_disc(SimdLevel level, const Key& key, std::uint64_t stream_id,
                                    std::uint64_t first_block, std::uint64_t n_blocks,
                                    unsigned rounds) {
  require(level);
#if defined(PARDO_X86_KERNELS)
  if (level != SimdLevel::scalar && vector_rounds(rounds)) {
    const auto kernel =
        level == SimdLevel::avx512 ? detail::count_segment_avx512 : detail::count_segment_avx2;
    std::uint64_t count = 0;
    for_each_segment(
        key, stream_id, first_block, n_blocks, rounds,
        [&](const detail::Segment& segment, std::uint64_t) { count += kernel(segment); });
    return count;
  }
#endif
  return count_scalar(key, stream_id, first_block, n_blocks, rounds);
}

}  // namespace pardo::random
