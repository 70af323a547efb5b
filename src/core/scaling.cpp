#include "pardo/core/scaling.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>
#include <string>

namespace pardo::scaling {

namespace {

void check(std::span<const Point> points) {
  if (points.empty()) throw std::invalid_argument("scaling: no points to fit");
  std::set<std::size_t> seen;
  for (const Point& p : points) {
    if (p.workers == 0) throw std::invalid_argument("scaling: a point with 0 workers");
    if (!seen.insert(p.workers).second) {
      throw std::invalid_argument("scaling: " + std::to_string(p.workers) +
                                  " workers measured twice");
    }
    if (!(std::isfinite(p.seconds) && p.seconds > 0)) {
      throw std::invalid_argument("scaling: time " + std::to_string(p.seconds) + " s at " +
                                  std::to_string(p.workers) +
                                  " workers is not a positive finite number");
    }
  }
}

/// The least-squares slope through the origin of y on x, clamped to [0, 1]; 0 if every x is 0
/// (one worker count only: nothing to fit).
double slope(const std::vector<double>& x, const std::vector<double>& y) {
  double xy = 0;
  double xx = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    xy += x[i] * y[i];
    xx += x[i] * x[i];
  }
  return xx > 0 ? std::clamp(xy / xx, 0.0, 1.0) : 0.0;
}

template <class Law>
double rms(std::span<const Point> points, const std::vector<double>& s, double f, Law law) {
  double sum = 0;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const double d = s[i] - law(f, static_cast<double>(points[i].workers));
    sum += d * d;
  }
  return std::sqrt(sum / static_cast<double>(points.size()));
}

}  // namespace

double amdahl(double f, double workers) { return 1.0 / (f + (1.0 - f) / workers); }

double gustafson(double f, double workers) { return workers - f * (workers - 1.0); }

std::vector<double> speedups(std::span<const Point> points, Mode mode) {
  check(points);
  const Point& base =
      *std::min_element(points.begin(), points.end(),
                        [](const Point& a, const Point& b) { return a.workers < b.workers; });
  std::vector<double> s;
  s.reserve(points.size());
  for (const Point& p : points) {
    const std::size_t work = mode == Mode::strong ? base.workers : p.workers;
    s.push_back(static_cast<double>(work) * base.seconds / p.seconds);
  }
  return s;
}

Fit fit_amdahl(std::span<const Point> points) {
  const std::vector<double> s = speedups(points, Mode::strong);
  std::vector<double> x;
  std::vector<double> y;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const double inverse_p = 1.0 / static_cast<double>(points[i].workers);
    x.push_back(1.0 - inverse_p);
    y.push_back(1.0 / s[i] - inverse_p);
  }
  const double f = slope(x, y);
  return {f, rms(points, s, f, amdahl)};
}

Fit fit_gustafson(std::span<const Point> points) {
  const std::vector<double> s = speedups(points, Mode::weak);
  std::vector<double> x;
  std::vector<double> y;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto p = static_cast<double>(points[i].workers);
    x.push_back(p - 1.0);
    y.push_back(p - s[i]);
  }
  const double f = slope(x, y);
  return {f, rms(points, s, f, gustafson)};
}

}  // namespace pardo::scaling
