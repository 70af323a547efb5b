// The escape-time kernel with AVX2: two registers of four pixels at once, so that one
// register's multiplications run while the other's wait. This file alone is compiled with
// AVX2 flags; mandelbrot.cpp calls it only where the CPU has them.

#include "image/escape_kernels.hpp"

#if defined(PARDO_X86_KERNELS)

#include <immintrin.h>

namespace pardo::image::detail {

namespace {

constexpr std::size_t lanes = 4;

// Pixels cx[0, 8): their counts into out.
void escape_eight(const double* cx, double cy, std::uint32_t max_iterations,
                  std::uint32_t* out) noexcept {
  const __m256d four = _mm256_set1_pd(4.0);
  const __m256d cy_v = _mm256_set1_pd(cy);
  const __m256d ca = _mm256_loadu_pd(cx);
  const __m256d cb = _mm256_loadu_pd(cx + lanes);
  __m256d xa = _mm256_setzero_pd();
  __m256d ya = _mm256_setzero_pd();
  __m256d xb = _mm256_setzero_pd();
  __m256d yb = _mm256_setzero_pd();
  // All ones in a lane while its point has not escaped; a count grows by subtracting it.
  __m256i active_a = _mm256_set1_epi64x(-1);
  __m256i active_b = active_a;
  __m256i count_a = _mm256_setzero_si256();
  __m256i count_b = _mm256_setzero_si256();
  for (std::uint32_t k = 0; k < max_iterations; ++k) {
    const __m256d xa2 = _mm256_mul_pd(xa, xa);
    const __m256d ya2 = _mm256_mul_pd(ya, ya);
    const __m256d xb2 = _mm256_mul_pd(xb, xb);
    const __m256d yb2 = _mm256_mul_pd(yb, yb);
    active_a = _mm256_and_si256(
        active_a, _mm256_castpd_si256(_mm256_cmp_pd(_mm256_add_pd(xa2, ya2), four, _CMP_LE_OQ)));
    active_b = _mm256_and_si256(
        active_b, _mm256_castpd_si256(_mm256_cmp_pd(_mm256_add_pd(xb2, yb2), four, _CMP_LE_OQ)));
    if (_mm256_testz_si256(_mm256_or_si256(active_a, active_b),
                           _mm256_or_si256(active_a, active_b)) != 0) {
      break;
    }
    count_a = _mm256_sub_epi64(count_a, active_a);
    count_b = _mm256_sub_epi64(count_b, active_b);
    ya = _mm256_add_pd(_mm256_mul_pd(_mm256_add_pd(xa, xa), ya), cy_v);
    yb = _mm256_add_pd(_mm256_mul_pd(_mm256_add_pd(xb, xb), yb), cy_v);
    xa = _mm256_add_pd(_mm256_sub_pd(xa2, ya2), ca);
    xb = _mm256_add_pd(_mm256_sub_pd(xb2, yb2), cb);
  }
  alignas(32) std::int64_t counts[2 * lanes];
  _mm256_store_si256(reinterpret_cast<__m256i*>(counts), count_a);
  _mm256_store_si256(reinterpret_cast<__m256i*>(counts + lanes), count_b);
  for (std::size_t i = 0; i < 2 * lanes; ++i) out[i] = static_cast<std::uint32_t>(counts[i]);
}

}  // namespace

void escape_row_avx2(const double* cx, double cy, std::size_t n, std::uint32_t max_iterations,
                     std::uint32_t* out) noexcept {
  std::size_t i = 0;
  for (; i + 2 * lanes <= n; i += 2 * lanes) escape_eight(cx + i, cy, max_iterations, out + i);
  for (; i < n; ++i) out[i] = escape_count(cx[i], cy, max_iterations);
}

}  // namespace pardo::image::detail

#endif
