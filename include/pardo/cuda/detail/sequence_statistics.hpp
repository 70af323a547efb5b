#pragma once
// pardo::stats' descriptive statistics as one GPU thread computes them, over values it reads
// in order through a cursor instead of a span (a resample's indices replayed from its
// stream, a strided working copy of a pool): the same passes, the same summation order and
// the same fallbacks, so each gives the CPU function's bits. A cursor is any copyable type
// whose `next()` returns the next value; a pass takes a copy, so a sequence can be read again.

#include <cfloat>
#include <cmath>
#include <cstdint>

#include "pardo/random/detail/philox_core.hpp"

namespace pardo::cuda::detail {

/// The powers of two values are scaled by before a statistic reads them, as stats' fallbacks
/// scale their data: by 2^-first, then 2^-second, then 2^-third (a fallback inside a statistic
/// of data a fallback scaled), each step rounded as the CPU's own std::ldexp rounds it.
struct Scaling {
  int first = 0;
  int second = 0;
  int third = 0;
  PARDO_HOST_DEVICE double operator()(double v) const noexcept {
    if (first != 0) v = std::ldexp(v, -first);
    if (second != 0) v = std::ldexp(v, -second);
    if (third != 0) v = std::ldexp(v, -third);
    return v;
  }
  /// This scaling followed by 2^-exponent. No statistic here nests its fallbacks deeper than
  /// three (the values are below 1 by then, and their sums cannot overflow).
  PARDO_HOST_DEVICE Scaling then(int exponent) const noexcept {
    if (first == 0) return {exponent, 0, 0};
    if (second == 0) return {first, exponent, 0};
    return {first, second, exponent};
  }
};

/// std::isnormal, which device code lacks: neither zero, subnormal, infinite nor NaN.
PARDO_HOST_DEVICE inline bool is_normal(double v) noexcept {
  return std::fabs(v) >= DBL_MIN && std::isfinite(v);
}

/// The sum in stats::mean's pattern: value i into running sum i % 8, the eight combined
/// pairwise. Where the values end goes to `end`, unless it is null.
template <class Cursor>
PARDO_HOST_DEVICE double sequence_sum(Cursor c, std::uint64_t n, Scaling s,
                                      Cursor* end = nullptr) noexcept {
  double sums[8] = {};
  for (std::uint64_t i = 0; i < n; ++i) sums[i % 8] += s(c.next());
  if (end != nullptr) *end = c;
  return ((sums[0] + sums[1]) + (sums[2] + sums[3])) + ((sums[4] + sums[5]) + (sums[6] + sums[7]));
}

/// stats::mean: where the sum overflows, the values scaled by 2^-64 summed and the mean scaled
/// back. Where the values end goes to `end`, unless it is null.
template <class Cursor>
PARDO_HOST_DEVICE double sequence_mean(const Cursor& c, std::uint64_t n, Scaling s,
                                       Cursor* end = nullptr) noexcept {
  constexpr int overflow_exponent = 64;  // stats::detail::mean_overflow_exponent
  const double count = static_cast<double>(n);
  const double sum = sequence_sum(c, n, s, end);
  if (std::isfinite(sum)) return sum / count;
  return std::ldexp(sequence_sum(c, n, s.then(overflow_exponent)) / count, overflow_exponent);
}

/// stats' scale exponent: e with max |x| * 2^-e in [0.5, 1); 0 for values all zero (or not
/// finite).
template <class Cursor>
PARDO_HOST_DEVICE int sequence_scale_exponent(Cursor c, std::uint64_t n, Scaling s) noexcept {
  double largest = 0;
  for (std::uint64_t i = 0; i < n; ++i) largest = std::fmax(largest, std::fabs(s(c.next())));
  if (largest == 0 || !std::isfinite(largest)) return 0;
  return std::ilogb(largest) + 1;
}

/// stats::variance (`root` false) or stats::std_dev (`root` true): the two-pass sum of squared
/// deviations in order, trusted where it is finite and not flushed towards zero while the
/// values differ; else the variance of the values scaled into [0.5, 1), scaled back.
template <class Cursor>
PARDO_HOST_DEVICE double sequence_variance(const Cursor& c, std::uint64_t n, Scaling s,
                                           bool root) noexcept {
  const auto squares = [&c, n](Scaling t) {
    const double m = sequence_mean(c, n, t);
    Cursor d = c;
    double total = 0;
    for (std::uint64_t i = 0; i < n; ++i) {
      const double e = t(d.next()) - m;
      total += e * e;
    }
    return total;
  };
  const auto all_equal = [&c, n, s] {
    Cursor d = c;
    const double first = s(d.next());
    bool equal = true;
    for (std::uint64_t i = 1; i < n; ++i) equal = equal && s(d.next()) == first;
    return equal;
  };
  const double divisor = static_cast<double>(n - 1);
  const double sum = squares(s);
  if (std::isfinite(sum) && (sum >= DBL_MIN || all_equal())) {
    return root ? std::sqrt(sum / divisor) : sum / divisor;
  }
  const int e = sequence_scale_exponent(c, n, s);
  const double scaled = squares(s.then(e)) / divisor;
  return root ? std::ldexp(std::sqrt(scaled), e) : std::ldexp(scaled, 2 * e);
}

/// stats::t_statistic's pooled t of x against y, both scaled by `s`.
template <class X, class Y>
PARDO_HOST_DEVICE double pooled_t(const X& x, std::uint64_t nx, const Y& y, std::uint64_t ny,
                                  Scaling s, double* pooled_variance) noexcept {
  const double a = static_cast<double>(nx);
  const double b = static_cast<double>(ny);
  *pooled_variance = ((a - 1) * sequence_variance(x, nx, s, false) +
                      (b - 1) * sequence_variance(y, ny, s, false)) /
                     (a + b - 2);
  return (sequence_mean(x, nx, s) - sequence_mean(y, ny, s)) /
         std::sqrt(*pooled_variance * (1 / a + 1 / b));
}

/// stats::t_statistic: the pooled t, or where its variance overflows or underflows, that of
/// both groups scaled by one power of two.
template <class X, class Y>
PARDO_HOST_DEVICE double sequence_t(const X& x, std::uint64_t nx, const Y& y,
                                    std::uint64_t ny) noexcept {
  double pooled_variance = 0;
  const double t = pooled_t(x, nx, y, ny, Scaling{}, &pooled_variance);
  if (std::isfinite(t) && is_normal(pooled_variance)) return t;
  double largest = 0;
  X cx = x;
  for (std::uint64_t i = 0; i < nx; ++i) largest = std::fmax(largest, std::fabs(cx.next()));
  Y cy = y;
  for (std::uint64_t i = 0; i < ny; ++i) largest = std::fmax(largest, std::fabs(cy.next()));
  if (largest == 0 || !std::isfinite(largest)) return t;
  return pooled_t(x, nx, y, ny, Scaling{}.then(std::ilogb(largest) + 1), &pooled_variance);
}

/// stats::pearson_r of n pairs: the cross products about the means in order, or where their
/// product is not a normal number, those of x and y each scaled into [0.5, 1).
template <class X, class Y>
PARDO_HOST_DEVICE double sequence_pearson(const X& x, const Y& y, std::uint64_t n) noexcept {
  struct Cross {
    double xy;
    double xx;
    double yy;
  };
  const auto cross = [&x, &y, n](Scaling sx, Scaling sy) {
    const double mx = sequence_mean(x, n, sx);
    const double my = sequence_mean(y, n, sy);
    X cx = x;
    Y cy = y;
    Cross c{0, 0, 0};
    for (std::uint64_t i = 0; i < n; ++i) {
      const double dx = sx(cx.next()) - mx;
      const double dy = sy(cy.next()) - my;
      c.xy += dx * dy;
      c.xx += dx * dx;
      c.yy += dy * dy;
    }
    return c;
  };
  const Cross c = cross(Scaling{}, Scaling{});
  const double product = c.xx * c.yy;
  if (is_normal(product) && std::isfinite(c.xy)) return c.xy / std::sqrt(product);
  const Cross d = cross(Scaling{}.then(sequence_scale_exponent(x, n, Scaling{})),
                        Scaling{}.then(sequence_scale_exponent(y, n, Scaling{})));
  return d.xy / std::sqrt(d.xx * d.yy);
}

/// Values [begin, ...) of a strided array: value i at p[(begin + i) * stride].
struct StridedCursor {
  const double* p;
  std::uint64_t stride;
  std::uint64_t position;
  PARDO_HOST_DEVICE double next() noexcept { return p[position++ * stride]; }
};

}  // namespace pardo::cuda::detail
