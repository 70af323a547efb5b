#include "pardo/stats/descriptive.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "core/validate.hpp"
#include "pardo/core/errors.hpp"
#include "pardo/remote/remote_function.hpp"
#include "pardo/stats/detail/statistic_checks.hpp"
#include "stats/resampling_kernels.hpp"

namespace pardo::stats {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// The exponent e with max |x| * 2^-e in [0.5, 1); 0 for data all zero or not finite.
// Multiplying by a power of two is exact short of underflow, so a statistic of x * 2^-e is
// the statistic of x scaled, to the bit, wherever neither overflows.
int scale_exponent(std::span<const double> x) {
  double largest = 0;
  for (const double v : x) largest = std::max(largest, std::abs(v));
  if (largest == 0 || !std::isfinite(largest)) return 0;
  return std::ilogb(largest) + 1;
}

std::vector<double> scaled(std::span<const double> x, int exponent) {
  std::vector<double> y(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) y[i] = std::ldexp(x[i], -exponent);
  return y;
}

// The two-pass sum of squared deviations from the mean.
double squared_deviations(std::span<const double> x) {
  const double m = mean(x);
  double sum = 0;
  for (const double v : x) sum += (v - m) * (v - m);
  return sum;
}

// Whether a sum of squares can be trusted: finite, and not flushed towards zero while the
// data differ (squares below the smallest normal double).
bool trustworthy_squares(double sum, std::span<const double> x) {
  if (!std::isfinite(sum)) return false;
  if (sum >= std::numeric_limits<double>::min()) return true;
  return std::all_of(x.begin(), x.end(), [&x](double v) { return v == x.front(); });
}

// The variance of x * 2^-exponent, exponent chosen from max |x|: free of overflow and of
// underflow for any finite data. variance(x) is this times 2^(2 exponent).
struct ScaledVariance {
  double variance;
  int exponent;
};
ScaledVariance scaled_variance(std::span<const double> x) {
  const int exponent = scale_exponent(x);
  const std::vector<double> y = scaled(x, exponent);
  return {squared_deviations(y) / static_cast<double>(x.size() - 1), exponent};
}

}  // namespace

double mean(std::span<const double> x) {
  if (x.empty()) return nan;
  const auto n = static_cast<double>(x.size());
  const double sum = detail::mean_sum(x.data(), x.size());
  if (std::isfinite(sum)) return sum / n;
  const std::vector<double> y = scaled(x, detail::mean_overflow_exponent);
  return std::ldexp(detail::mean_sum(y.data(), y.size()) / n, detail::mean_overflow_exponent);
}

double variance(std::span<const double> x) {
  if (x.size() < 2) return nan;
  const double sum = squared_deviations(x);
  if (trustworthy_squares(sum, x)) return sum / static_cast<double>(x.size() - 1);
  const ScaledVariance s = scaled_variance(x);
  return std::ldexp(s.variance, 2 * s.exponent);
}

double std_dev(std::span<const double> x) {
  if (x.size() < 2) return nan;
  const double sum = squared_deviations(x);
  if (trustworthy_squares(sum, x)) return std::sqrt(sum / static_cast<double>(x.size() - 1));
  const ScaledVariance s = scaled_variance(x);
  return std::ldexp(std::sqrt(s.variance), s.exponent);
}

double median(std::span<const double> x) {
  if (x.empty()) return nan;
  std::vector<double> copy(x.begin(), x.end());
  const std::size_t half = copy.size() / 2;
  std::nth_element(copy.begin(), copy.begin() + static_cast<std::ptrdiff_t>(half), copy.end());
  const double upper = copy[half];
  if (copy.size() % 2 == 1) return upper;
  const double lower =
      *std::max_element(copy.begin(), copy.begin() + static_cast<std::ptrdiff_t>(half));
  const double gap = upper - lower;
  // The gap overflows only between huge values of opposite signs; halve them first there.
  return std::isfinite(gap) ? lower + gap / 2 : lower / 2 + upper / 2;
}

double quantile_sorted(std::span<const double> sorted, double p) {
  if (sorted.empty()) return nan;
  p = std::clamp(p, 0.0, 1.0);
  const double position = p * static_cast<double>(sorted.size() - 1);
  const double below = std::floor(position);
  const auto i = static_cast<std::size_t>(below);
  if (i + 1 >= sorted.size()) return sorted.back();
  const double fraction = position - below;
  return sorted[i] + fraction * (sorted[i + 1] - sorted[i]);
}

namespace {

struct CrossProducts {
  double sxy = 0;
  double sxx = 0;
  double syy = 0;
};

CrossProducts cross_products(std::span<const double> x, std::span<const double> y) {
  const double mx = mean(x);
  const double my = mean(y);
  double sxy = 0;
  double sxx = 0;
  double syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double dx = x[i] - mx;
    const double dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return {sxy, sxx, syy};
}

}  // namespace

double pearson_r(std::span<const double> x, std::span<const double> y) {
  if (x.size() != y.size() || x.size() < 2) return nan;
  const CrossProducts s = cross_products(x, y);
  const double product = s.sxx * s.syy;
  if (std::isnormal(product) && std::isfinite(s.sxy)) {
    return s.sxy / std::sqrt(product);
  }
  // Overflow, underflow or constant data: r does not change when x or y is scaled, so bring
  // each to max |.| in [0.5, 1), where the squares and their product stay in range.
  const std::vector<double> xs = scaled(x, scale_exponent(x));
  const std::vector<double> ys = scaled(y, scale_exponent(y));
  const CrossProducts t = cross_products(xs, ys);
  return t.sxy / std::sqrt(t.sxx * t.syy);
}

PARDO_REMOTE_FUNCTION(mean);
PARDO_REMOTE_FUNCTION(variance);
PARDO_REMOTE_FUNCTION(std_dev);
PARDO_REMOTE_FUNCTION(median);
PARDO_REMOTE_FUNCTION(pearson_r);

}  // namespace pardo::stats

namespace pardo::stats::detail {

namespace {

std::string statistic_label(std::string_view name) {
  return name.empty() ? "the statistic" : "statistic " + std::string(name);
}

// Why a statistic can come out NaN or infinite on finite data, for the built-in ones.
std::string_view hint(std::string_view name, double value) {
  if (name == "t_statistic") {
    return std::isnan(value) ? " (both groups are constant?)"
                             : " (both groups are constant, with different means?)";
  }
  if (name == "pearson_r" || name == "pearson") return " (is x or y constant?)";
  if (std::isinf(value)) return " (the values overflow double precision?)";
  return "";
}

}  // namespace

void require_finite_statistic(double value, std::string_view caller, std::string_view name,
                              std::string_view where) {
  if (std::isfinite(value)) return;
  pardo::detail::throw_invalid(caller, statistic_label(name) + " is " + format_number(value) + " " +
                                           std::string(where) + std::string(hint(name, value)));
}

void require_finite_statistics(std::span<const double> values, std::string_view caller,
                               std::string_view name, std::string_view what) {
  std::size_t nans = 0;
  std::size_t infinities = 0;
  for (const double v : values) {
    nans += std::isnan(v) ? 1u : 0u;
    infinities += std::isinf(v) ? 1u : 0u;
  }
  if (nans + infinities == 0) return;
  std::string counts;
  if (nans > 0) counts = "nan on " + std::to_string(nans);
  if (infinities > 0) {
    counts += (nans > 0 ? " and infinite on " : "infinite on ") + std::to_string(infinities);
  }
  pardo::detail::throw_invalid(caller, statistic_label(name) + " is " + counts + " of " +
                                           std::to_string(values.size()) + " " + std::string(what));
}

}  // namespace pardo::stats::detail
