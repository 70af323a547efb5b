// The resampling kernels with AVX2: eight words or four gathered values per register. This
// file alone is compiled with AVX2 flags; resampling_kernels.cpp calls it only where the CPU
// has them.

#include "stats/resampling_kernels.hpp"

#if defined(PARDO_X86_KERNELS)

#include "random/intrinsics.hpp"
#include "stats/resampling_steps.hpp"

namespace pardo::stats::detail {

double gathered_sum_avx2(const double* x, const std::uint32_t* index, std::size_t n) noexcept {
  // Running sums 0-3 in `first`, 4-7 in `second`: mean's pattern, eight values per step.
  __m256d first = _mm256_setzero_pd();
  __m256d second = _mm256_setzero_pd();
  std::size_t i = 0;
  for (; i + mean_lanes <= n; i += mean_lanes) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(index + i));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(index + i + 4));
    first = _mm256_add_pd(first, _mm256_i32gather_pd(x, a, 8));
    second = _mm256_add_pd(second, _mm256_i32gather_pd(x, b, 8));
  }
  alignas(32) double sums[mean_lanes];
  _mm256_store_pd(sums, first);
  _mm256_store_pd(sums + 4, second);
  for (std::size_t j = 0; i < n; ++i, ++j) sums[j] += x[index[i]];
  return combine_mean_lanes(sums);
}

Drawn lemire_avx2(const std::uint32_t* words, std::size_t count, std::uint32_t n,
                  std::uint32_t threshold, std::uint32_t* out, std::size_t out_size) noexcept {
  constexpr std::size_t width = 8;
  constexpr int odd_lanes = 0xAA;
  const __m256i bound = _mm256_set1_epi32(static_cast<int>(n));
  // AVX2 compares signed: flipping the sign bits orders unsigned values.
  const __m256i sign = _mm256_set1_epi32(static_cast<int>(0x80000000u));
  const __m256i below = _mm256_xor_si256(_mm256_set1_epi32(static_cast<int>(threshold)), sign);
  const auto step = [&](const std::uint32_t* from, std::uint32_t* to, std::size_t) {
    const __m256i w = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(from));
    // Products of the even words, then of the odd ones, as 64-bit lanes.
    const __m256i even = _mm256_mul_epu32(w, bound);
    const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(w, 32), bound);
    const __m256i low = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), odd_lanes);
    // A rejection is rare unless n is near 2^32.
    const __m256i rejected = _mm256_cmpgt_epi32(below, _mm256_xor_si256(low, sign));
    if (_mm256_testz_si256(rejected, rejected) == 0) return one_at_a_time;
    const __m256i high = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, odd_lanes);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(to), high);
    return width;
  };
  const auto scalar = [&](const std::uint32_t* from, std::size_t c, std::uint32_t* to,
                          std::size_t room,
                          std::size_t) { return lemire_scalar(from, c, n, threshold, to, room); };
  return vector_steps(width, width, words, count, out, out_size, step, scalar);
}

Drawn lemire_pairs_avx2(const std::uint32_t* words, std::size_t count, std::uint32_t n,
                        std::uint32_t threshold, std::uint32_t* out,
                        std::size_t out_size) noexcept {
  // One word per 64-bit lane, so each lane's two products end as one pair in output order.
  constexpr std::size_t width = 4;
  const __m256i bound = _mm256_set1_epi64x(n);
  // Both sides of the compare are below 2^32, where a signed 64-bit compare orders them.
  const __m256i below = _mm256_set1_epi64x(threshold);
  const __m256i low_half = _mm256_set1_epi64x(0xFFFFFFFF);
  const auto step = [&](const std::uint32_t* from, std::uint32_t* to, std::size_t) {
    const __m256i w =
        _mm256_cvtepu32_epi64(_mm_loadu_si128(reinterpret_cast<const __m128i*>(from)));
    const __m256i first = _mm256_mul_epu32(w, bound);
    const __m256i second = _mm256_mul_epu32(first, bound);
    // AVX2 has no compress: a rejection sends these words one at a time.
    const __m256i rejected = _mm256_cmpgt_epi64(below, _mm256_and_si256(second, low_half));
    if (_mm256_testz_si256(rejected, rejected) == 0) return one_at_a_time;
    const __m256i pairs = _mm256_blend_epi32(_mm256_srli_epi64(first, 32), second, 0xAA);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(to), pairs);
    return 2 * width;
  };
  const auto scalar = [&](const std::uint32_t* from, std::size_t c, std::uint32_t* to,
                          std::size_t room, std::size_t) {
    return lemire_pairs_scalar(from, c, n, threshold, to, room);
  };
  return vector_steps(width, 2 * width, words, count, out, out_size, step, scalar);
}

Drawn lemire_descending_avx2(const std::uint32_t* words, std::size_t count, std::uint32_t top,
                             std::uint32_t* out, std::size_t out_size) noexcept {
  constexpr std::size_t width = 8;
  constexpr int odd_lanes = 0xAA;
  const __m256i lane = _mm256_set_epi32(7, 6, 5, 4, 3, 2, 1, 0);
  // AVX2 compares signed: flipping the sign bits orders unsigned values.
  const __m256i sign = _mm256_set1_epi32(static_cast<int>(0x80000000u));
  const auto step = [&](const std::uint32_t* from, std::uint32_t* to, std::size_t made) {
    const __m256i w = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(from));
    const __m256i range = _mm256_sub_epi32(_mm256_set1_epi32(static_cast<int>(top - made)), lane);
    const __m256i even = _mm256_mul_epu32(w, range);
    const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(w, 32), _mm256_srli_epi64(range, 32));
    const __m256i low = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), odd_lanes);
    // A low half below its range may be a rejection, which shifts every later range.
    const __m256i small =
        _mm256_cmpgt_epi32(_mm256_xor_si256(range, sign), _mm256_xor_si256(low, sign));
    if (_mm256_testz_si256(small, small) == 0) return one_at_a_time;
    const __m256i high = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, odd_lanes);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(to), high);
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
