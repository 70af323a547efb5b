#pragma once
// The Mandelbrot escape-time kernel on one row of pixels: scalar code in mandelbrot.cpp,
// vector code in escape_kernels_avx2.cpp and escape_kernels_avx512.cpp (compiled with vector
// flags, called only where the CPU has them). Every level takes the same steps in the same
// order, with multiplications and additions rounded one by one (these files are compiled
// with -ffp-contract=off: a fused multiply-add would round differently), so every level gives
// the same counts.
//
// The step, for z = x + y i: x2 = x * x, y2 = y * y; stop if x2 + y2 > 4; else
// y = (x + x) * y + cy, x = (x2 - y2) + cx, and count it. With finite c, x2 + y2 is never
// NaN before the test stops the point: an infinite square fails the test first.

#include <cstddef>
#include <cstdint>

namespace pardo::image::detail {

/// Counts for pixels with real parts cx[0, n) and imaginary part cy, into out[0, n).
void escape_row_scalar(const double* cx, double cy, std::size_t n, std::uint32_t max_iterations,
                       std::uint32_t* out) noexcept;
void escape_row_avx2(const double* cx, double cy, std::size_t n, std::uint32_t max_iterations,
                     std::uint32_t* out) noexcept;
void escape_row_avx512(const double* cx, double cy, std::size_t n, std::uint32_t max_iterations,
                       std::uint32_t* out) noexcept;

/// One pixel's count: the scalar step, which the vector kernels use for the pixels past their
/// last full register.
inline std::uint32_t escape_count(double cx, double cy, std::uint32_t max_iterations) noexcept {
  double x = 0;
  double y = 0;
  std::uint32_t k = 0;
  for (; k < max_iterations; ++k) {
    const double x2 = x * x;
    const double y2 = y * y;
    if (x2 + y2 > 4.0) break;
    y = (x + x) * y + cy;
    x = (x2 - y2) + cx;
  }
  return k;
}

}  // namespace pardo::image::detail
