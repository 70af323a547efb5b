#pragma once
// Transforms of real sequences for the MCMC diagnostics' autocovariances: the power spectrum
// of each chain, added up, and one inverse transform of the sum. A complex transform of half
// the length does the work (a real sequence's transform is its even and odd samples' as one
// complex sequence, untangled after), by Stockham's self-sorting radix-4 and radix-3 passes on
// real and imaginary parts kept in separate arrays, so that each butterfly loop vectorises
// with the compiler's baseline instructions: about twice as fast as Eigen's kissfft was.

#include <cstddef>
#include <utility>
#include <vector>

namespace pardo::mcmc::detail {

/// Transforms of real sequences of one length m = 2N, N = 2^a 3^b with 4 | N.
class RealFft {
 public:
  /// The smallest valid length m >= at_least.
  static std::size_t length_at_least(std::size_t at_least);

  /// Prepares transforms of length m (a valid length); keeps the plan if m has not changed.
  void plan(std::size_t m);

  /// The length planned for, 0 before the first plan.
  std::size_t length() const { return 2 * n_; }

  /// power[k] += |X_k|^2 for k = 0 .. m / 2, X = the unscaled transform of x[0, m).
  void add_power(const double* x, double* power);

  /// out[t] = sum over k < m of P_k e^{2 pi i k t / m} for t < m: the unscaled inverse
  /// transform of the real, even spectrum P_k = P_{m-k} given as power[0 .. m / 2].
  void inverse(const double* power, double* out);

 private:
  /// The complex transform of re_ + i im_: its real and imaginary parts, in re_ and im_ or
  /// in re_to_ and im_to_ (the passes go back and forth between them).
  std::pair<const double*, const double*> transform();

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
