// The MCMC diagnostics' real transform (src/mcmc/real_fft.hpp) against the DFT's definition,
// summed term by term in long double, at lengths that take each kind of pass; and its loops at
// each instruction set against each other, bit for bit.

#include <gmock/gmock.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

#include "mcmc/real_fft.hpp"
#include "pardo/random/bulk.hpp"
#include "pardo/random/distributions.hpp"
#include "pardo/random/stream.hpp"

namespace {

using pardo::mcmc::detail::RealFft;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

std::vector<double> normal_draws(std::size_t m, std::uint64_t seed) {
  pardo::random::Stream stream(seed, 0);
  std::vector<double> x(m);
  for (double& v : x) v = pardo::random::normal(stream);
  return x;
}

// sum_t x_t e^{sign 2 pi i k t / m}, for k < bins.
std::vector<std::complex<long double>> dft(const std::vector<double>& x, std::size_t bins,
                                           int sign) {
  const std::size_t m = x.size();
  std::vector<std::complex<long double>> out(bins);
  for (std::size_t k = 0; k < bins; ++k) {
    std::complex<long double> sum = 0;
    for (std::size_t t = 0; t < m; ++t) {
      // k t mod m keeps the angle small, and exact.
      const long double angle = sign * 2 * std::numbers::pi_v<long double> *
                                static_cast<long double>((k * t) % m) / static_cast<long double>(m);
      sum += static_cast<long double>(x[t]) * std::polar(1.0L, angle);
    }
    out[k] = sum;
  }
  return out;
}

// x's power spectrum added to `power`, x written as the transform takes it.
void add_power_of(RealFft& fft, const std::vector<double>& x, double* power) {
  const auto [even, odd] = fft.samples();
  for (std::size_t i = 0; i < x.size(); ++i) (i % 2 == 0 ? even : odd)[i / 2] = x[i];
  fft.add_power(power);
}

// Lengths 8 * 2^a * 3^b: radix-4 passes only, with a last radix-2 pass, with radix-3 passes,
// and both.
const std::vector<std::size_t> lengths = {8, 16, 24, 48, 72, 96, 128, 144, 432, 1152};

TEST(RealFft, PowerSpectraAreTheDftsSquaredModulusAddedToWhatWasThere) {
  for (const std::size_t m : lengths) {
    const auto x = normal_draws(m, m);
    const auto y = normal_draws(m, 2 * m);
    RealFft fft;
    fft.plan(m);
    ASSERT_EQ(fft.length(), m);
    std::vector<double> power(m / 2 + 1, 1.0);
    add_power_of(fft, x, power.data());
    add_power_of(fft, y, power.data());
    const auto of_x = dft(x, m / 2 + 1, -1);
    const auto of_y = dft(y, m / 2 + 1, -1);
    long double largest = 0;
    for (std::size_t k = 0; k <= m / 2; ++k) {
      largest = std::max(largest, std::norm(of_x[k]) + std::norm(of_y[k]));
    }
    for (std::size_t k = 0; k <= m / 2; ++k) {
      const double expected = 1.0 + static_cast<double>(std::norm(of_x[k]) + std::norm(of_y[k]));
      EXPECT_NEAR(power[k], expected, 1e-14 * static_cast<double>(largest))
          << "m " << m << ", k " << k;
    }
  }
}

TEST(RealFft, InverseOfAnEvenSpectrumIsTheDftsUnscaledInverse) {
  for (const std::size_t m : lengths) {
    const auto half = normal_draws(m / 2 + 1, 1000 + m);
    std::vector<double> full(m);
    for (std::size_t k = 0; k < m; ++k) full[k] = half[k <= m / 2 ? k : m - k];
    RealFft fft;
    fft.plan(m);
    std::vector<double> out(m);
    fft.inverse(half.data(), out.data());
    const auto reference = dft(full, m, 1);
    for (std::size_t t = 0; t < m; ++t) {
      EXPECT_NEAR(out[t], static_cast<double>(reference[t].real()), 1e-13 * static_cast<double>(m))
          << "m " << m << ", t " << t;
    }
  }
}

TEST(RealFft, AutocovarianceOfAZeroPaddedSequenceIsItsLaggedSums) {
  // The diagnostics' use: x padded with zeros, |X|^2, inverse: sum_i x_i x_{i+lag} unwrapped.
  const std::size_t n = 1000;
  const std::size_t m = RealFft::length_at_least(n + 100);
  auto x = normal_draws(n, 7);
  x.resize(m, 0.0);
  RealFft fft;
  fft.plan(m);
  std::vector<double> power(m / 2 + 1, 0.0);
  add_power_of(fft, x, power.data());
  std::vector<double> out(m);
  fft.inverse(power.data(), out.data());
  for (std::size_t lag = 0; lag <= 100; ++lag) {
    double sum = 0;
    for (std::size_t i = 0; i + lag < n; ++i) sum += x[i] * x[i + lag];
    EXPECT_NEAR(out[lag] / static_cast<double>(m), sum, 1e-10) << "lag " << lag;
  }
}

TEST(RealFft, LengthsAreTheSmallestEightTimesAProductOfTwosAndThrees) {
  EXPECT_EQ(RealFft::length_at_least(0), 8u);
  EXPECT_EQ(RealFft::length_at_least(8), 8u);
  EXPECT_EQ(RealFft::length_at_least(9), 16u);
  EXPECT_EQ(RealFft::length_at_least(17), 24u);
  EXPECT_EQ(RealFft::length_at_least(25), 32u);
  EXPECT_EQ(RealFft::length_at_least(33), 48u);
  // 8 chains of 10^5 draws: split chains of 50000, n / 16 lags of margin.
  EXPECT_EQ(RealFft::length_at_least(53125), 55296u);
  for (std::size_t at_least = 1; at_least < 5000; at_least += 37) {
    const std::size_t m = RealFft::length_at_least(at_least);
    EXPECT_GE(m, at_least);
    EXPECT_LT(m, at_least * 4 / 3 + 8) << at_least;
    RealFft fft;
    EXPECT_NO_THROW(fft.plan(m)) << m;
  }
}

// R-hat and ESS must not depend on the CPU: the AVX2 loops give the baseline's bits.
TEST(RealFft, EveryInstructionSetGivesTheSameBits) {
#if defined(__x86_64__)
  if (pardo::random::simd_level() == pardo::random::SimdLevel::scalar) {
    GTEST_SKIP() << "this CPU has no AVX2";
  }
  auto sizes = lengths;
  sizes.push_back(55296);  // the diagnostics' length for split chains of 50000
  for (const std::size_t m : sizes) {
    const auto x = normal_draws(m, 3 * m);
    RealFft baseline(pardo::mcmc::detail::baseline_fft_loops());
    RealFft avx2(pardo::mcmc::detail::avx2_fft_loops());
    baseline.plan(m);
    avx2.plan(m);
    std::vector<double> baseline_power(m / 2 + 1, 0.0);
    std::vector<double> avx2_power(m / 2 + 1, 0.0);
    add_power_of(baseline, x, baseline_power.data());
    add_power_of(avx2, x, avx2_power.data());
    ASSERT_EQ(avx2_power, baseline_power) << "m " << m;
    std::vector<double> baseline_out(m);
    std::vector<double> avx2_out(m);
    baseline.inverse(baseline_power.data(), baseline_out.data());
    avx2.inverse(avx2_power.data(), avx2_out.data());
    ASSERT_EQ(avx2_out, baseline_out) << "m " << m;
  }
#else
  GTEST_SKIP() << "the AVX2 loops are x86-64's";
#endif
}

TEST(RealFft, OtherLengthsAreRejectedByValue) {
  RealFft fft;
  EXPECT_EQ(fft.length(), 0u);
  for (const std::size_t m : {0U, 4U, 12U, 40U, 56U, 1000U}) {
    EXPECT_THAT([&] { fft.plan(m); },
                ThrowsMessage<std::logic_error>(HasSubstr("length " + std::to_string(m) + " ")))
        << m;
  }
}

}  // namespace
