#pragma once
/// @file
/// Distributions over a pardo::random::Stream with fixed, documented algorithms, so a seed
/// gives the same draws with any compiler and standard library (the `<random>` distributions
/// leave their algorithms to the implementation). Results that go through std::log, std::cos
/// or std::log1p are as reproducible as the math library: identical on one platform, but
/// libms differ in the last bit, so compare across platforms with a tolerance.

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>

#include "pardo/random/stream.hpp"

namespace pardo::random {

namespace detail {

/// Round-trippable text for a double in error messages (std::to_string prints 6 decimals).
inline std::string show(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", x);
  return text;
}

/// The high and low halves of a 64 x 64 -> 128-bit product, without a 128-bit type.
struct Wide {
  std::uint64_t hi;
  std::uint64_t lo;
};

constexpr Wide multiply(std::uint64_t a, std::uint64_t b) noexcept {
  constexpr std::uint64_t half = 0xFFFFFFFFu;
  const std::uint64_t p0 = (a & half) * (b & half);
  const std::uint64_t p1 = (a & half) * (b >> 32);
  const std::uint64_t p2 = (a >> 32) * (b & half);
  const std::uint64_t p3 = (a >> 32) * (b >> 32);
  const std::uint64_t mid = (p0 >> 32) + (p1 & half) + (p2 & half);
  return {p3 + (p1 >> 32) + (p2 >> 32) + (mid >> 32), (p0 & half) | mid << 32};
}

}  // namespace detail

/// A double in [a, b): `std::fma(u, b - a, a)` with u = s.next_double(), one explicit
/// rounding whatever the compiler contracts. A result that rounds up to b is replaced by
/// the largest double below b; a == b gives a. Throws std::invalid_argument naming a and b
/// if either is not finite, a > b, or b - a overflows.
/// @code
/// pardo::random::Stream s(42, 0);
/// double x = pardo::random::uniform(s, -1.0, 1.0);
/// @endcode
inline double uniform(Stream& s, double a, double b) {
  const double width = b - a;
  if (!std::isfinite(a) || !std::isfinite(b) || !(a <= b) || !std::isfinite(width)) {
    throw std::invalid_argument(
        "pardo::random::uniform: need finite a <= b with finite b - a, got a = " + detail::show(a) +
        ", b = " + detail::show(b));
  }
  const double x = std::fma(s.next_double(), width, a);
  return x < b ? x : std::nextafter(b, a);
}

/// An integer uniform on [lo, hi], unbiased, by Lemire's multiply-and-reject ("Fast random
/// integer generation in an interval", 2019): n = hi - lo + 1, x a random word,
/// the high half of x * n is the draw unless the low half falls below 2^L mod n, which
/// rejects x. When n <= 2^32 each attempt draws one next_u32() (L = 32), otherwise one
/// next_u64() (L = 64); [0, 2^64 - 1] is next_u64() itself. Throws std::invalid_argument
/// naming lo and hi if lo > hi.
/// @code
/// std::uint64_t die = pardo::random::uniform_int(s, 1, 6);
/// @endcode
inline std::uint64_t uniform_int(Stream& s, std::uint64_t lo, std::uint64_t hi) {
  if (lo > hi) {
    throw std::invalid_argument("pardo::random::uniform_int: need lo <= hi, got lo = " +
                                std::to_string(lo) + ", hi = " + std::to_string(hi));
  }
  const std::uint64_t range = hi - lo;
  if (range <= 0xFFFFFFFFu) {
    const std::uint64_t n = range + 1;
    constexpr std::uint64_t low = 0xFFFFFFFFu;
    std::uint64_t m = s.next_u32() * n;
    if ((m & low) < n) {
      const std::uint64_t threshold = ((std::uint64_t{1} << 32) - n) % n;
      while ((m & low) < threshold) m = s.next_u32() * n;
    }
    return lo + (m >> 32);
  }
  if (range == std::numeric_limits<std::uint64_t>::max()) return s.next_u64();
  const std::uint64_t n = range + 1;
  detail::Wide m = detail::multiply(s.next_u64(), n);
  if (m.lo < n) {
    const std::uint64_t threshold = (std::uint64_t{0} - n) % n;
    while (m.lo < threshold) m = detail::multiply(s.next_u64(), n);
  }
  return lo + m.hi;
}

/// A normal variate by the Box-Muller transform on two doubles: u1 = 1 - s.next_double()
/// in (0, 1] (so log never sees 0), u2 = s.next_double(), z = sqrt(-2 log u1) cos(2 pi u2),
/// result `std::fma(sd, z, mean)`. The sine partner is discarded rather than cached, so
/// every call draws exactly four words and the function keeps no state of its own.
/// Throws std::invalid_argument naming mean and sd unless both are finite and sd >= 0.
/// @code
/// double height = pardo::random::normal(s, 170.0, 10.0);
/// @endcode
inline double normal(Stream& s, double mean = 0.0, double sd = 1.0) {
  if (!std::isfinite(mean) || !std::isfinite(sd) || sd < 0.0) {
    throw std::invalid_argument(
        "pardo::random::normal: need finite mean and finite sd >= 0, got mean = " +
        detail::show(mean) + ", sd = " + detail::show(sd));
  }
  const double u1 = 1.0 - s.next_double();
  const double u2 = s.next_double();
  const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  return std::fma(sd, z, mean);
}

/// An exponential variate by inversion: `-std::log1p(-u) / rate` with u = s.next_double()
/// in [0, 1), so the log's argument stays above -1 and the result is finite. Throws
/// std::invalid_argument naming rate unless it is finite and > 0.
/// @code
/// double wait = pardo::random::exponential(s, /*rate=*/2.0);  // mean 0.5
/// @endcode
inline double exponential(Stream& s, double rate = 1.0) {
  if (!std::isfinite(rate) || !(rate > 0.0)) {
    throw std::invalid_argument("pardo::random::exponential: need finite rate > 0, got rate = " +
                                detail::show(rate));
  }
  return -std::log1p(-s.next_double()) / rate;
}

}  // namespace pardo::random
