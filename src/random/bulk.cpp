#include "pardo/random/bulk.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace pardo::random {

namespace {

void philox_blocks_scalar(const Key& key, std::uint64_t stream_id, std::uint64_t first_block,
                          std::span<std::uint32_t> out, unsigned rounds) {
  for (std::size_t i = 0; i < out.size() / 4; ++i) {
    const Counter c = philox4x32(stream_counter(stream_id, first_block + i), key, rounds);
    for (std::size_t w = 0; w < 4; ++w) out[4 * i + w] = c[w];
  }
}

constexpr std::uint64_t quarter_disc_radius_squared = std::uint64_t{1} << 62;

bool inside(std::uint32_t a, std::uint32_t b) noexcept {
  const std::uint64_t x = a >> 1;
  const std::uint64_t y = b >> 1;
  return x * x + y * y < quarter_disc_radius_squared;
}

std::uint64_t count_scalar(const Key& key, std::uint64_t stream_id, std::uint64_t first_block,
                           std::uint64_t n_blocks, unsigned rounds) {
  std::uint64_t count = 0;
  for (std::uint64_t i = 0; i < n_blocks; ++i) {
    const Counter c = philox4x32(stream_counter(stream_id, first_block + i), key, rounds);
    count += static_cast<std::uint64_t>(inside(c[0], c[1])) +
             static_cast<std::uint64_t>(inside(c[2], c[3]));
  }
  return count;
}

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

bool supported(SimdLevel level) noexcept { return level == SimdLevel::scalar; }

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
  return count_scalar(key, stream_id, first_block, n_blocks, rounds);
}

}  // namespace pardo::random
