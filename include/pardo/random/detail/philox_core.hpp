#pragma once
// Philox4x32 and the stream layout as plain functions of 32-bit words, compiled for the CPU and,
// under nvcc, for the GPU too: the one source of pardo's random words on both sides
// (pardo/random/philox.hpp wraps it for the CPU; pardo/cuda's kernels call it per thread), so
// that the host instantiation tested against Random123 is the code a GPU thread runs.

#include <cstdint>

#if defined(__CUDACC__)
#define PARDO_HOST_DEVICE __host__ __device__
#else
#define PARDO_HOST_DEVICE
#endif

namespace pardo::random::detail {

inline constexpr std::uint32_t philox_m0 = 0xD2511F53u;
inline constexpr std::uint32_t philox_m1 = 0xCD9E8D57u;
inline constexpr std::uint32_t philox_w0 = 0x9E3779B9u;
inline constexpr std::uint32_t philox_w1 = 0xBB67AE85u;

/// Four words of a Philox counter or output.
struct Words4 {
  std::uint32_t w[4];
};

/// One Philox4x32 round of counter `c` under the round key (k0, k1).
PARDO_HOST_DEVICE constexpr Words4 philox_round(const Words4& c, std::uint32_t k0,
                                                std::uint32_t k1) noexcept {
  const std::uint64_t p0 = std::uint64_t{philox_m0} * c.w[0];
  const std::uint64_t p1 = std::uint64_t{philox_m1} * c.w[2];
  return {{static_cast<std::uint32_t>(p1 >> 32) ^ c.w[1] ^ k0, static_cast<std::uint32_t>(p1),
           static_cast<std::uint32_t>(p0 >> 32) ^ c.w[3] ^ k1, static_cast<std::uint32_t>(p0)}};
}

/// The Philox4x32 bijection with `rounds` rounds of key (k0, k1), the key bumped by the Weyl
/// constants between rounds.
PARDO_HOST_DEVICE constexpr Words4 philox_words(Words4 c, std::uint32_t k0, std::uint32_t k1,
                                                unsigned rounds) noexcept {
  for (unsigned r = 0; r < rounds; ++r) {
    if (r != 0) {
      k0 += philox_w0;
      k1 += philox_w1;
    }
    c = philox_round(c, k0, k1);
  }
  return c;
}

/// The counter of block `block` of stream `stream_id`: the block in words 0-1, the stream id
/// in words 2-3, each little end first.
PARDO_HOST_DEVICE constexpr Words4 stream_words(std::uint64_t stream_id,
                                                std::uint64_t block) noexcept {
  return {{static_cast<std::uint32_t>(block), static_cast<std::uint32_t>(block >> 32),
           static_cast<std::uint32_t>(stream_id), static_cast<std::uint32_t>(stream_id >> 32)}};
}

/// Whether the point (a >> 1, b >> 1) of two words lies inside the quarter disc of radius 2^31:
/// pi's test, exact in 64-bit integers, so that every implementation counts the same.
PARDO_HOST_DEVICE constexpr bool in_quarter_disc(std::uint32_t a, std::uint32_t b) noexcept {
  const std::uint64_t x = a >> 1;
  const std::uint64_t y = b >> 1;
  return x * x + y * y < (std::uint64_t{1} << 62);
}

/// Points inside the quarter disc among Philox blocks [first, first + n) of stream `stream_id`,
/// two points a block (words 0-1 and 2-3): what `pardo pi` counts (with the standard 10 rounds).
PARDO_HOST_DEVICE constexpr std::uint64_t count_quarter_disc(std::uint32_t k0, std::uint32_t k1,
                                                             std::uint64_t stream_id,
                                                             std::uint64_t first, std::uint64_t n,
                                                             unsigned rounds = 10) noexcept {
  std::uint64_t count = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    const Words4 c = philox_words(stream_words(stream_id, first + i), k0, k1, rounds);
    count +=
        (in_quarter_disc(c.w[0], c.w[1]) ? 1u : 0u) + (in_quarter_disc(c.w[2], c.w[3]) ? 1u : 0u);
  }
  return count;
}

/// Whether the first point (words 0-1) of Philox block `block` of stream `stream_id` is inside
/// the quarter disc: the last sample of a pi block of an odd number of samples.
PARDO_HOST_DEVICE constexpr bool first_point_in_quarter_disc(std::uint32_t k0, std::uint32_t k1,
                                                             std::uint64_t stream_id,
                                                             std::uint64_t block) noexcept {
  const Words4 c = philox_words(stream_words(stream_id, block), k0, k1, 10);
  return in_quarter_disc(c.w[0], c.w[1]);
}

}  // namespace pardo::random::detail
