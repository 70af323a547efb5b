#include "pardo/stats/descriptive.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "pardo/remote/remote_function.hpp"
#include "stats/resampling_kernels.hpp"

namespace pardo::stats {

namespace {
constexpr double nan = std::numeric_limits<double>::quiet_NaN();
}  // namespace

double mean(std::span<const double> x) {
  if (x.empty()) return nan;
  return detail::mean_sum(x.data(), x.size()) / static_cast<double>(x.size());
}

double variance(std::span<const double> x) {
  if (x.size() < 2) return nan;
  const double m = mean(x);
  double sum = 0;
  for (const double v : x) sum += (v - m) * (v - m);
  return sum / static_cast<double>(x.size() - 1);
}

double std_dev(std::span<const double> x) { return std::sqrt(variance(x)); }

double median(std::span<const double> x) {
  if (x.empty()) return nan;
  std::vector<double> copy(x.begin(), x.end());
  const std::size_t half = copy.size() / 2;
  std::nth_element(copy.begin(), copy.begin() + static_cast<std::ptrdiff_t>(half), copy.end());
  const double upper = copy[half];
  if (copy.size() % 2 == 1) return upper;
  const double lower =
      *std::max_element(copy.begin(), copy.begin() + static_cast<std::ptrdiff_t>(half));
  return lower + (upper - lower) / 2;
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

double pearson_r(std::span<const double> x, std::span<const double> y) {
  if (x.size() != y.size() || x.size() < 2) return nan;
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
  return sxy / std::sqrt(sxx * syy);
}

PARDO_REMOTE_FUNCTION(mean);
PARDO_REMOTE_FUNCTION(variance);
PARDO_REMOTE_FUNCTION(std_dev);
PARDO_REMOTE_FUNCTION(median);
PARDO_REMOTE_FUNCTION(pearson_r);

}  // namespace pardo::stats
