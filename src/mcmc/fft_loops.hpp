#pragma once
// Which loops pardo's FFT (real_fft.hpp) runs: those of fft_passes.hpp at one instruction set.
// No library types, so that real_fft_avx2.cpp, compiled with AVX2, includes no library code.

#include <cstddef>

namespace pardo::mcmc::detail {

/// The loops a RealFft runs, at one instruction set (fft_passes.hpp).
struct FftLoops {
  /// The complex transform of n points x = xr + i xi by Stockham passes of the given radices,
  /// back and forth between x and y: the result is in x after an even number of passes.
  void (*passes)(double* xr, double* xi, double* yr, double* yi, const double* twiddles,
                 const std::size_t* radices, std::size_t count, std::size_t n);
  /// |X_k|^2 and |X_{N-k}|^2 for 0 < k < N / 2 added to low[k] and high[N / 2 - k].
  void (*add_pairs)(const double* zr, const double* zi, const double* hr, const double* hi,
                    double* low, double* high, std::size_t n);
};

/// The loops at the baseline instruction set.
FftLoops baseline_fft_loops();

/// The loops with AVX2 (x86-64 only), for a CPU that has it: the baseline's bits, faster.
FftLoops avx2_fft_loops();

/// The fastest loops this CPU runs, as pardo::random::simd_level() says.
FftLoops fastest_fft_loops();

}  // namespace pardo::mcmc::detail
