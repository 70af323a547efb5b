#include "mcmc/real_fft.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

#include "mcmc/fft_passes.hpp"
#include "pardo/random/bulk.hpp"

namespace pardo::mcmc::detail {

FftLoops baseline_fft_loops() { return {&passes, &add_pairs}; }

FftLoops fastest_fft_loops() {
#if defined(PARDO_X86_KERNELS)
  if (random::simd_level() != random::SimdLevel::scalar) return avx2_fft_loops();
#endif
  return baseline_fft_loops();
}

std::size_t RealFft::length_at_least(std::size_t at_least) {
  // m = 2N = 8 * 2^a * 3^b: for each power of 3, the smallest power of 2 that reaches.
  std::size_t best = 0;
  for (std::size_t three = 8; best == 0 || three < best; three *= 3) {
    std::size_t m = three;
    while (m < at_least) m *= 2;
    if (best == 0 || m < best) best = m;
  }
  return best;
}

void RealFft::plan(std::size_t m) {
  std::size_t rest = m / 8;
  while (rest > 1 && rest % 2 == 0) rest /= 2;
  while (rest > 1 && rest % 3 == 0) rest /= 3;
  if (m % 8 != 0 || rest != 1) {
    throw std::logic_error("RealFft: length " + std::to_string(m) +
                           " is not 8 times a product of 2s and 3s");
  }
  if (m == 2 * n_) return;
  n_ = m / 2;
  radices_.clear();
  rest = n_;
  for (; rest % 4 == 0; rest /= 4) radices_.push_back(4);
  for (; rest % 3 == 0; rest /= 3) radices_.push_back(3);
  if (rest == 2) radices_.push_back(2);
  twiddles_.clear();
  std::size_t n = n_;
  for (const std::size_t r : radices_) {
    const std::size_t sub = n / r;
    if (r == 2) break;
    for (std::size_t k = 1; k < r; ++k) {
      for (const bool sine : {false, true}) {
        for (std::size_t p = 0; p < sub; ++p) {
          const double angle =
              -2 * std::numbers::pi * static_cast<double>(k * p) / static_cast<double>(n);
          twiddles_.push_back(sine ? std::sin(angle) : std::cos(angle));
        }
      }
    }
    n = sub;
  }
  half_cos_.resize(n_ + 1);
  half_sin_.resize(n_ + 1);
  for (std::size_t k = 0; k <= n_; ++k) {
    const double angle = -std::numbers::pi * static_cast<double>(k) / static_cast<double>(n_);
    half_cos_[k] = std::cos(angle);
    half_sin_[k] = std::sin(angle);
  }
  re_.resize(n_);
  im_.resize(n_);
  re_to_.resize(n_);
  im_to_.resize(n_);
}

std::pair<const double*, const double*> RealFft::transform() {
  (*loops_.passes)(re_.data(), im_.data(), re_to_.data(), im_to_.data(), twiddles_.data(),
                   radices_.data(), radices_.size(), n_);
  if (radices_.size() % 2 == 0) return {re_.data(), im_.data()};
  return {re_to_.data(), im_to_.data()};
}

void RealFft::add_power(double* power) {
  const std::size_t n = n_;
  const auto [zr, zi] = transform();
  // k = 0 and N: E and O are Z_0's real and imaginary parts, h_0 = 1 and h_N = -1.
  power[0] += (zr[0] + zi[0]) * (zr[0] + zi[0]);
  power[n] += (zr[0] - zi[0]) * (zr[0] - zi[0]);
  (*loops_.add_pairs)(zr, zi, half_cos_.data(), half_sin_.data(), power, power + n / 2, n);
  // k = N / 2: X = conj Z_{N/2}.
  power[n / 2] += zr[n / 2] * zr[n / 2] + zi[n / 2] * zi[n / 2];
}

void RealFft::inverse(const double* power, double* out) {
  const std::size_t n = n_;
  // The even and odd samples as one complex sequence: its transform is Y_k = (P_k + P_{N+k})
  // + i (P_k - P_{N+k}) conj h_k, with P_{N+k} = P_{N-k}. A forward transform of conj Y,
  // conjugated, is the inverse.
  for (std::size_t k = 0; k < n; ++k) {
    const double sum = power[k] + power[n - k];
    const double difference = power[k] - power[n - k];
    re_[k] = sum + difference * half_sin_[k];
    im_[k] = -difference * half_cos_[k];
  }
  const auto [zr, zi] = transform();
  for (std::size_t r = 0; r < n; ++r) {
    out[2 * r] = zr[r];
    out[2 * r + 1] = -zi[r];
  }
}

}  // namespace pardo::mcmc::detail
