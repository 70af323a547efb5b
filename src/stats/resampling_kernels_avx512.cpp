// The resampling kernels with AVX-512: sixteen words or eight gathered values per register.
// This file alone is compiled with AVX-512 flags; resampling_kernels.cpp calls it only where
// the CPU has them.

#include "stats/resampling_kernels.hpp"

#if defined(PARDO_X86_KERNELS)

#include "random/intrinsics.hpp"
#include "stats/resampling_steps.hpp"

namespace pardo::stats::detail {

double gathered_sum_avx512(const double* x, const std::uint32_t* index, std::size_t n) noexcept {
  // Register lane j holds running sum j: mean's pattern, eight values per step.
  __m512d acc = _mm512_setzero_pd();
  std::size_t i = 0;
  for (; i + mean_lanes <= n; i += mean_lanes) {
    const __m256i at = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(index + i));
    acc = _mm512_add_pd(acc, _mm512_i32gather_pd(at, x, 8));
  }
  alignas(64) double sums[mean_lanes];
  _mm512_store_pd(sums, acc);
  for (std::size_t j = 0; i < n; ++i, ++j) sums[j] += x[index[i]];
  return combine_mean_lanes(sums);
}

Drawn lemire_avx512(const std::uint32_t* words, std::size_t count, std::uint32_t n,
                    std::uint32_t threshold, std::uint32_t* out, std::size_t out_size) noexcept {
  constexpr std::size_t width = 16;
  constexpr __mmask16 odd_lanes = 0xAAAA;
  const __m512i bound = _mm512_set1_epi32(static_cast<int>(n));
  const __m512i below = _mm512_set1_epi32(static_cast<int>(threshold));
  const auto step = [&](const std::uint32_t* from, std::uint32_t* to, std::size_t) {
    const __m512i w = _mm512_loadu_si512(from);
    // Products of the even words, then of the odd ones, as 64-bit lanes.
    const __m512i even = _mm512_mul_epu32(w, bound);
    const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(w, 32), bound);
    const __m512i low = _mm512_mask_blend_epi32(odd_lanes, even, _mm512_slli_epi64(odd, 32));
    // A rejection is rare unless n is near 2^32.
    if (_mm512_cmplt_epu32_mask(low, below) != 0) return one_at_a_time;
    _mm512_storeu_si512(to, _mm512_mask_blend_epi32(odd_lanes, _mm512_srli_epi64(even, 32), odd));
    return width;
  };
  const auto scalar = [&](const std::uint32_t* from, std::size_t c, std::uint32_t* to,
                          std::size_t room,
                          std::size_t) { return lemire_scalar(from, c, n, threshold, to, room); };
  return vector_steps(width, width, words, count, out, out_size, step, scalar);
}

Drawn lemire_pairs_avx512(const std::uint32_t* words, std::size_t count, std::uint32_t n,
                          std::uint32_t threshold, std::uint32_t* out,
                          std::size_t out_size) noexcept {
  // One word per 64-bit lane, so each lane's two products end as one pair in output order.
  constexpr std::size_t width = 8;
  const __m512i bound = _mm512_set1_epi64(n);
  const __m512i below = _mm512_set1_epi64(threshold);
  const __m512i low_half = _mm512_set1_epi64(0xFFFFFFFF);
  const auto step = [&](const std::uint32_t* from, std::uint32_t* to, std::size_t) {
    const __m512i w =
        _mm512_cvtepu32_epi64(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(from)));
    const __m512i first = _mm512_mul_epu32(w, bound);
    const __m512i second = _mm512_mul_epu32(first, bound);
    const __m512i pairs = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(first, 32), second);
    // A rejected word leaves no pair; compressing closes the gap, so the kept pairs stay in
    // the order of their words. The whole register is stored whatever it keeps.
    const __mmask8 kept = _mm512_cmpge_epu64_mask(_mm512_and_si512(second, low_half), below);
    _mm512_storeu_si512(to, _mm512_maskz_compress_epi64(kept, pairs));
    return 2 * static_cast<std::size_t>(__builtin_popcount(kept));
  };
  const auto scalar = [&](const std::uint32_t* from, std::size_t c, std::uint32_t* to,
                          std::size_t room, std::size_t) {
    return lemire_pairs_scalar(from, c, n, threshold, to, room);
  };
  return vector_steps(width, 2 * width, words, count, out, out_size, step, scalar);
}

Drawn lemire_descending_avx512(const std::uint32_t* words, std::size_t count, std::uint32_t top,
                               std::uint32_t* out, std::size_t out_size) noexcept {
  constexpr std::size_t width = 16;
  constexpr __mmask16 odd_lanes = 0xAAAA;
  const __m512i lane = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
  const auto step = [&](const std::uint32_t* from, std::uint32_t* to, std::size_t made) {
    const __m512i w = _mm512_loadu_si512(from);
    const __m512i range = _mm512_sub_epi32(_mm512_set1_epi32(static_cast<int>(top - made)), lane);
    const __m512i even = _mm512_mul_epu32(w, range);
    const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(w, 32), _mm512_srli_epi64(range, 32));
    const __m512i low = _mm512_mask_blend_epi32(odd_lanes, even, _mm512_slli_epi64(odd, 32));
    // A low half below its range may be a rejection (rare while top is far below 2^32),
    // which shifts every later range.
    if (_mm512_cmplt_epu32_mask(low, range) != 0) return one_at_a_time;
    _mm512_storeu_si512(to, _mm512_mask_blend_epi32(odd_lanes, _mm512_srli_epi64(even, 32), odd));
    return width;
  };
  const auto scalar = [&](const std::uint32_t* from, std::size_t c, std::uint32_t* to,
                          std::size_t room, std::size_t made) {
    return lemire_descending_scalar(from, c, static_cast<std::uint32_t>(top - made), to, room);
  };
  return vector_steps(width, width, words, count, out, out_size, step, scalar);
}

}  // namespace pardo::stats::detail

#endif
