// Distributions: moments within Monte Carlo error, unbiased integers, bounds, bad arguments.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <numbers>
#include <pardo/random.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using pardo::random::Position;
using pardo::random::Stream;

constexpr std::size_t draws = 1'000'000;

// Sample mean and variance within 5 standard errors of the truth; the standard error of the
// variance comes from the fourth central moment.
void expect_moments(const std::function<double()>& draw, double mean, double variance,
                    double fourth_central_moment) {
  std::vector<double> x(draws);
  for (auto& v : x) v = draw();
  double sum = 0;
  for (double v : x) sum += v;
  const double m = sum / draws;
  double squares = 0;
  for (double v : x) squares += (v - m) * (v - m);
  const double var = squares / (draws - 1);
  EXPECT_NEAR(m, mean, 5 * std::sqrt(variance / draws));
  EXPECT_NEAR(var, variance, 5 * std::sqrt((fourth_central_moment - variance * variance) / draws));
}

double chi_square(const std::vector<std::uint64_t>& counts, double expected_each) {
  double chi2 = 0;
  for (std::uint64_t c : counts) {
    const double d = static_cast<double>(c) - expected_each;
    chi2 += d * d / expected_each;
  }
  return chi2;
}

template <class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no std::invalid_argument)";
}

TEST(Distributions, UniformMoments) {
  Stream s(101, 0);
  const double w = 5.0;
  expect_moments([&] { return pardo::random::uniform(s, -2.0, 3.0); }, 0.5, w * w / 12,
                 w * w * w * w / 80);
}

TEST(Distributions, UniformStaysInItsHalfOpenRange) {
  Stream s(102, 0);
  for (int i = 0; i < 100'000; ++i) {
    const double x = pardo::random::uniform(s, -3.0, -1.0);
    ASSERT_TRUE(x >= -3.0 && x < -1.0) << x;
  }
  // One ulp wide: about half the draws round up to b and must come back down to a.
  const double next = std::nextafter(1.0, 2.0);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(pardo::random::uniform(s, 1.0, next), 1.0);
  EXPECT_EQ(pardo::random::uniform(s, 2.5, 2.5), 2.5);
}

TEST(Distributions, UniformIsOneFusedMultiplyAdd) {
  Stream s(103, 0);
  Stream copy = s;
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(pardo::random::uniform(s, 0.1, 0.7), std::fma(copy.next_double(), 0.7 - 0.1, 0.1));
  }
}

TEST(Distributions, UniformRejectsBadRangesNamingThem) {
  Stream s(104, 0);
  const auto message = [&](double a, double b) {
    return message_of([&] { pardo::random::uniform(s, a, b); });
  };
  EXPECT_NE(message(1.0, 0.0).find("a = 1, b = 0"), std::string::npos) << message(1.0, 0.0);
  EXPECT_NE(message(std::nan(""), 1.0).find("a = nan"), std::string::npos);
  EXPECT_NE(message(0.0, HUGE_VAL).find("b = inf"), std::string::npos);
  EXPECT_NE(message(-1e308, 1e308).find("a = -1e+308, b = 1e+308"), std::string::npos)
      << message(-1e308, 1e308);
  EXPECT_EQ(s.position(), (Position{0, 0})) << "a rejected call must not draw";
}

TEST(Distributions, UniformIntSmallRangeIsUnbiased) {
  Stream s(105, 0);
  std::vector<std::uint64_t> counts(7);
  for (int i = 0; i < 700'000; ++i) {
    const std::uint64_t v = pardo::random::uniform_int(s, 0, 6);
    ASSERT_LE(v, 6u);
    ++counts[v];
  }
  // 6 degrees of freedom: P(chi2 > 27.86) = 1e-4.
  EXPECT_LT(chi_square(counts, 100'000), 27.86);
}

TEST(Distributions, UniformIntRangeThatBreaksNaiveModuloIsUnbiased) {
  // n = 3 * 2^30 words into thirds: x % n would put half the draws in the first third.
  Stream s(106, 0);
  std::vector<std::uint64_t> thirds(3);
  const std::uint64_t n32 = std::uint64_t{3} << 30;
  for (int i = 0; i < 300'000; ++i) ++thirds[pardo::random::uniform_int(s, 0, n32 - 1) >> 30];
  // 2 degrees of freedom: P(chi2 > 18.42) = 1e-4.
  EXPECT_LT(chi_square(thirds, 100'000), 18.42);

  // The same beyond 32 bits, where each attempt draws a u64.
  std::vector<std::uint64_t> thirds64(3);
  const std::uint64_t n64 = std::uint64_t{3} << 62;
  for (int i = 0; i < 300'000; ++i) ++thirds64[pardo::random::uniform_int(s, 0, n64 - 1) >> 62];
  EXPECT_LT(chi_square(thirds64, 100'000), 18.42);
}

TEST(Distributions, UniformIntIsLemiresMultiplyShift) {
  Stream s(107, 0);
  Stream copy = s;
  // Rejection needs a low half below 2^32 mod 7 = 4, which these draws do not hit.
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(pardo::random::uniform_int(s, 10, 16), 10 + ((copy.next_u32() * 7ull) >> 32));
  }
  // n = 2^63 never rejects and keeps the top 63 bits of a u64.
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(pardo::random::uniform_int(s, 0, (std::uint64_t{1} << 63) - 1), copy.next_u64() >> 1);
  }
  EXPECT_EQ(pardo::random::uniform_int(s, 0, 0xFFFFFFFFu), copy.next_u32());
  EXPECT_EQ(pardo::random::uniform_int(s, 0, std::numeric_limits<std::uint64_t>::max()),
            copy.next_u64());
  EXPECT_EQ(s.position(), copy.position());
}

TEST(Distributions, UniformIntBounds) {
  Stream s(108, 0);
  EXPECT_EQ(pardo::random::uniform_int(s, 5, 5), 5u);
  EXPECT_EQ(s.position(), (Position{0, 1})) << "one word per 32-bit attempt";
  const std::uint64_t top = std::numeric_limits<std::uint64_t>::max();
  for (int i = 0; i < 1000; ++i) {
    EXPECT_GE(pardo::random::uniform_int(s, top - 2, top), top - 2);
    const std::uint64_t v = pardo::random::uniform_int(s, 1, std::uint64_t{1} << 40);
    EXPECT_TRUE(v >= 1 && v <= std::uint64_t{1} << 40) << v;
  }
  const std::string what = message_of([&] { pardo::random::uniform_int(s, 7, 3); });
  EXPECT_NE(what.find("lo = 7, hi = 3"), std::string::npos) << what;
}

TEST(Distributions, NormalMoments) {
  Stream s(109, 0);
  expect_moments([&] { return pardo::random::normal(s, 1.5, 2.0); }, 1.5, 4.0, 3 * 16.0);
}

TEST(Distributions, NormalIsBoxMullerWithTheSineDiscarded) {
  Stream s(110, 0);
  Stream copy = s;
  for (int i = 0; i < 100; ++i) {
    const double u1 = 1.0 - copy.next_double();
    const double u2 = copy.next_double();
    const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
    EXPECT_EQ(pardo::random::normal(s, -1.0, 3.0), std::fma(3.0, z, -1.0));
    EXPECT_EQ(s.position(), (Position{std::uint64_t(i) + 1, 0})) << "four words per draw";
  }
  EXPECT_EQ(pardo::random::normal(s, 4.0, 0.0), 4.0);
}

TEST(Distributions, NormalRejectsBadArgumentsNamingThem) {
  Stream s(111, 0);
  std::string what = message_of([&] { pardo::random::normal(s, 0.0, -1.0); });
  EXPECT_NE(what.find("mean = 0, sd = -1"), std::string::npos) << what;
  what = message_of([&] { pardo::random::normal(s, std::nan(""), 1.0); });
  EXPECT_NE(what.find("mean = nan"), std::string::npos) << what;
  what = message_of([&] { pardo::random::normal(s, 0.0, HUGE_VAL); });
  EXPECT_NE(what.find("sd = inf"), std::string::npos) << what;
}

TEST(Distributions, ExponentialMoments) {
  Stream s(112, 0);
  const double rate = 2.0;
  expect_moments([&] { return pardo::random::exponential(s, rate); }, 1 / rate, 1 / (rate * rate),
                 9 / (rate * rate * rate * rate));
}

TEST(Distributions, ExponentialIsInversionAndFinite) {
  Stream s(113, 0);
  Stream copy = s;
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(pardo::random::exponential(s, 0.5), -std::log1p(-copy.next_double()) / 0.5);
  }
  for (int i = 0; i < 100'000; ++i) {
    const double x = pardo::random::exponential(s);
    ASSERT_TRUE(x >= 0.0 && std::isfinite(x)) << x;
  }
}

TEST(Distributions, ExponentialRejectsBadRatesNamingThem) {
  Stream s(114, 0);
  for (double rate : {0.0, -1.0, HUGE_VAL, std::nan("")}) {
    const std::string what = message_of([&] { pardo::random::exponential(s, rate); });
    EXPECT_NE(what.find("rate = "), std::string::npos) << what;
  }
  EXPECT_NE(message_of([&] { pardo::random::exponential(s, -1.0); }).find("rate = -1"),
            std::string::npos);
}

}  // namespace
