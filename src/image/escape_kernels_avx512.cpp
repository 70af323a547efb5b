// The escape-time kernel with AVX-512: two registers of eight pixels at once, so that one
// register's multiplications run while the other's wait. This file alone is compiled with
// AVX-512 flags; mandelbrot.cpp calls it only where the CPU has them.

#include "image/escape_kernels.hpp"

#if defined(PARDO_X86_KERNELS)

#include <immintrin.h>

namespace pardo::image::detail {

namespace {

constexpr std::size_t lanes = 8;

// Pixels cx[0, 16): their counts into out.
void escape_sixteen(const double* cx, double cy, std::uint32_t max_iterations,
                    std::uint32_t* out) noexcept {
  const __m512d four = _mm512_set1_pd(4.0);
  const __m512d cy_v = _mm512_set1_pd(cy);
  const __m512d ca = _mm512_loadu_pd(cx);
  const __m512d cb = _mm512_loadu_pd(cx + lanes);
  const __m512i one = _mm512_set1_epi64(1);
  __m512d xa = _mm512_setzero_pd();
  __m512d ya = _mm512_setzero_pd();
  __m512d xb = _mm512_setzero_pd();
  __m512d yb = _mm512_setzero_pd();
  __mmask8 active_a = 0xff;
  __mmask8 active_b = 0xff;
  __m512i count_a = _mm512_setzero_si512();
  __m512i count_b = _mm512_setzero_si512();
  for (std::uint32_t k = 0; k < max_iterations; ++k) {
    const __m512d xa2 = _mm512_mul_pd(xa, xa);
    const __m512d ya2 = _mm512_mul_pd(ya, ya);
    const __m512d xb2 = _mm512_mul_pd(xb, xb);
    const __m512d yb2 = _mm512_mul_pd(yb, yb);
    active_a = _mm512_mask_cmp_pd_mask(active_a, _mm512_add_pd(xa2, ya2), four, _CMP_LE_OQ);
    active_b = _mm512_mask_cmp_pd_mask(active_b, _mm512_add_pd(xb2, yb2), four, _CMP_LE_OQ);
    if ((active_a | active_b) == 0) break;
    count_a = _mm512_mask_add_epi64(count_a, active_a, count_a, one);
    count_b = _mm512_mask_add_epi64(count_b, active_b, count_b, one);
    ya = _mm512_add_pd(_mm512_mul_pd(_mm512_add_pd(xa, xa), ya), cy_v);
    yb = _mm512_add_pd(_mm512_mul_pd(_mm512_add_pd(xb, xb), yb), cy_v);
    xa = _mm512_add_pd(_mm512_sub_pd(xa2, ya2), ca);
    xb = _mm512_add_pd(_mm512_sub_pd(xb2, yb2), cb);
  }
  // The zero-masked conversion: g++ 12 warns falsely of an uninitialised value in the plain one.
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), _mm512_maskz_cvtepi64_epi32(0xff, count_a));
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + lanes),
                      _mm512_maskz_cvtepi64_epi32(0xff, count_b));
}

}  // namespace

void escape_row_avx512(const double* cx, double cy, std::size_t n, std::uint32_t max_iterations,
                       std::uint32_t* out) noexcept {
  std::size_t i = 0;
  for (; i + 2 * lanes <= n; i += 2 * lanes) escape_sixteen(cx + i, cy, max_iterations, out + i);
  for (; i < n; ++i) out[i] = escape_count(cx[i], cy, max_iterations);
}

}  // namespace pardo::image::detail

#endif
