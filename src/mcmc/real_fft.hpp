#pragma once
// Transforms of real sequences for the MCMC diagnostics' autocovariances: the power spectrum
// of each chain, added up, and one inverse transform of the sum. A complex transform of half
// the length does the work (a real sequence's transform is its even and odd samples' as one
// complex sequence, untangled after), by Stockham's self-sorting radix-4 and radix-3 passes on
// real and imaginary parts kept in separate arrays, so that each butterfly loop vectorises:
// about twice as fast as Eigen's kissfft was with the baseline instructions, three times with
// AVX2, where the CPU has it, to the same bits (fft_passes.hpp).

#include <cstddef>
#include <utility>
#include <vector>

#include "mcmc/fft_loops.hpp"

namespace pardo::mcmc::detail {

/// Transforms of real sequences of one length m = 2N, N = 2^a 3^b with 4 | N.
class RealFft {
 public:
  /// With the fastest loops this CPU runs.
  RealFft() = default;

  /// With the given loops.
  explicit RealFft(FftLoops loops) : loops_(loops) {}

  /// The smallest valid length m >= at_least.
  static std::size_t length_at_least(std::size_t at_least);

  /// Prepares transforms of length m (a valid length); keeps the plan if m has not changed.
  void plan(std::size_t m);

  /// The length planned for, 0 before the first plan.
  std::size_t length() const { return 2 * n_; }

  /// Where the next sequence x[0, m) to transform goes: its even samples x[0], x[2], ... in
  /// `first`, its odd samples x[1], x[3], ... in `second`, m / 2 of each. Every transform
  /// overwrites them: write every sample again before the next.
  std::pair<double*, double*> samples() { return {re_.data(), im_.data()}; }

  /// power[k] += |X_k|^2 for k = 0 .. m / 2, X = the unscaled transform of the sequence in
  /// samples().
  void add_power(double* power);

  /// out[t] = sum over k < m of P_k e^{2 pi i k t / m} for t < m: the unscaled inverse
  /// transform of the real, even spectrum P_k = P_{m-k} given as power[0 .. m / 2].
  void inverse(const double* power, double* out);

 private:
  /// The complex transform of re_ + i im_: its real and imaginary parts, in re_ and im_ or
  /// in re_to_ and im_to_ (the passes go back and forth between them).
  std::pair<const double*, const double*> transform();

  FftLoops loops_ = fastest_fft_loops();
  std::size_t n_ = 0;
  std::vector<std::size_t> radices_;
  std::vector<double> twiddles_;  // each pass's, as (r - 1) pairs of arrays: cos, then sin
  std::vector<double> half_cos_;  // e^{-i pi k / N}, k <= N
  std::vector<double> half_sin_;
  std::vector<double> re_;
  std::vector<double> im_;
  std::vector<double> re_to_;
  std::vector<double> im_to_;
};

}  // namespace pardo::mcmc::detail
