// The bootstrap kernels with AVX-512: sixteen words or eight gathered values per register.
// This file alone is compiled with AVX-512 flags; bootstrap_kernels.cpp calls it only where
// the CPU has them.

#include "bootstrap_kernels.hpp"

#if defined(PARDO_X86_KERNELS)

#include "../random/intrinsics.hpp"

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
  std::size_t used = 0;
  std::size_t made = 0;
  while (used + width <= count && made + width <= out_size) {
    const __m512i w = _mm512_loadu_si512(words + used);
    // Products of the even words, then of the odd ones, as 64-bit lanes.
    const __m512i even = _mm512_mul_epu32(w, bound);
    const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(w, 32), bound);
    const __m512i low = _mm512_mask_blend_epi32(odd_lanes, even, _mm512_slli_epi64(odd, 32));
    if (_mm512_cmplt_epu32_mask(low, below) != 0) {
      // A rejection (rare unless n is near 2^32): these words one at a time.
      const Drawn d = lemire_scalar(words + used, width, n, threshold, out + made, width);
      used += d.used;
      made += d.made;
      continue;
    }
    const __m512i high = _mm512_mask_blend_epi32(odd_lanes, _mm512_srli_epi64(even, 32), odd);
    _mm512_storeu_si512(out + made, high);
    used += width;
    made += width;
  }
  const Drawn tail =
      lemire_scalar(words + used, count - used, n, threshold, out + made, out_size - made);
  return {used + tail.used, made + tail.made};
}

}  // namespace pardo::stats::detail

#endif
