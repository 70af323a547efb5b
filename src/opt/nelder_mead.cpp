#include "pardo/opt/nelder_mead.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "core/validate.hpp"
#include "pardo/core/errors.hpp"
#include "pardo/random/distributions.hpp"
#include "pardo/random/stream.hpp"
#include "pardo/remote/wire.hpp"

namespace pardo::opt {

namespace {

void require_coefficient(double value, double low, double high, std::string_view what) {
  if (!(value > low && value < high) || !std::isfinite(value)) {
    char text[160];
    std::snprintf(text, sizeof text, "%.*s = %g must lie in (%g, %g)",
                  static_cast<int>(what.size()), what.data(), value, low, high);
    pardo::detail::throw_invalid("NelderMead", text);
  }
}

NelderMeadOptions checked(NelderMeadOptions o, std::size_t dim) {
  if (o.adaptive) {
    const double n = static_cast<double>(dim);
    o.reflection = 1;
    o.expansion = 1 + 2 / n;
    o.contraction = 0.75 - 1 / (2 * n);
    o.shrink = 1 - 1 / n;
  }
  require_coefficient(o.reflection, 0, HUGE_VAL, "reflection");
  require_coefficient(o.expansion, std::max(1.0, o.reflection), HUGE_VAL, "expansion");
  require_coefficient(o.contraction, 0, 1, "contraction");
  require_coefficient(o.shrink, 0, 1, "shrink");
  require_coefficient(o.initial_step, 0, HUGE_VAL, "initial_step");
  require_coefficient(o.zero_step, 0, HUGE_VAL, "zero_step");
  return o;
}

}  // namespace

NelderMead::NelderMead(Problem problem, NelderMeadOptions options)
    : Solver(std::move(problem)), options_(checked(options, dim())) {}

void NelderMead::next_points(std::vector<double>& points) {
  const std::size_t n = dim();
  const Bounds& b = problem().bounds;
  switch (step_) {
    case Step::start: {
      std::vector<double> x0 = problem().x0;
      if (x0.empty()) {
        random::Stream stream(seed(), 0);
        for (std::size_t j = 0; j < n; ++j)
          x0.push_back(random::uniform(stream, b.lower[j], b.upper[j]));
      }
      points.assign(x0.begin(), x0.end());
      for (std::size_t j = 0; j < n; ++j) {
        std::vector<double> v = x0;
        v[j] = x0[j] != 0 ? x0[j] * (1 + options_.initial_step) : options_.zero_step;
        // A vertex past a bound steps the other way, so that the simplex keeps its volume.
        if (v[j] > b.upper[j] || v[j] < b.lower[j]) v[j] = x0[j] - (v[j] - x0[j]);
        clip(v);
        points.insert(points.end(), v.begin(), v.end());
      }
      return;
    }
    case Step::reflect: {
      centroid_.assign(n, 0.0);
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < n; ++j) centroid_[j] += simplex_[i * n + j];
      }
      for (double& c : centroid_) c /= static_cast<double>(n);
      const std::span<const double> worst(simplex_.data() + n * n, n);
      points.resize(n);
      for (std::size_t j = 0; j < n; ++j) {
        points[j] = centroid_[j] + options_.reflection * (centroid_[j] - worst[j]);
      }
      break;
    }
    case Step::expand:
      points.resize(n);
      for (std::size_t j = 0; j < n; ++j) {
        points[j] = centroid_[j] + options_.expansion * (reflected_[j] - centroid_[j]);
      }
      break;
    case Step::contract_outside:
      points.resize(n);
      for (std::size_t j = 0; j < n; ++j) {
        points[j] = centroid_[j] + options_.contraction * (reflected_[j] - centroid_[j]);
      }
      break;
    case Step::contract_inside:
      points.resize(n);
      for (std::size_t j = 0; j < n; ++j) {
        points[j] = centroid_[j] + options_.contraction * (simplex_[n * n + j] - centroid_[j]);
      }
      break;
    case Step::shrink:
      points.resize(n * n);
      for (std::size_t i = 1; i <= n; ++i) {
        for (std::size_t j = 0; j < n; ++j) {
          points[(i - 1) * n + j] =
              simplex_[j] + options_.shrink * (simplex_[i * n + j] - simplex_[j]);
        }
      }
      break;
  }
  for (std::size_t at = 0; at < points.size(); at += n) clip({points.data() + at, n});
}

void NelderMead::order() {
  const std::size_t n = dim();
  std::vector<std::size_t> rank(n + 1);
  std::iota(rank.begin(), rank.end(), std::size_t{0});
  // Stable: among equal values the older vertex stays ahead, as in scipy.
  std::stable_sort(rank.begin(), rank.end(),
                   [&](std::size_t a, std::size_t b) { return values_[a] < values_[b]; });
  std::vector<double> simplex(simplex_.size());
  std::vector<double> values(values_.size());
  for (std::size_t i = 0; i <= n; ++i) {
    std::copy_n(simplex_.begin() + static_cast<long>(rank[i] * n), n,
                simplex.begin() + static_cast<long>(i * n));
    values[i] = values_[rank[i]];
  }
  simplex_.swap(simplex);
  values_.swap(values);
}

void NelderMead::replace_worst(std::span<const double> x, double value) {
  std::copy(x.begin(), x.end(), vertex(dim()).begin());
  values_[dim()] = value;
}

bool NelderMead::take_values(std::span<const double> points, std::span<const double> values) {
  const std::size_t n = dim();
  switch (step_) {
    case Step::start:
      simplex_.assign(points.begin(), points.end());
      values_.assign(values.begin(), values.end());
      break;
    case Step::reflect: {
      const double fr = values[0];
      reflected_.assign(points.begin(), points.end());
      reflected_value_ = fr;
      if (fr < values_[0]) {
        step_ = Step::expand;
        return false;
      }
      if (fr < values_[n - 1]) {
        replace_worst(points, fr);
        break;
      }
      step_ = fr < values_[n] ? Step::contract_outside : Step::contract_inside;
      return false;
    }
    case Step::expand:
      if (values[0] < reflected_value_) {
        replace_worst(points, values[0]);
      } else {
        replace_worst(reflected_, reflected_value_);
      }
      break;
    case Step::contract_outside:
      if (values[0] <= reflected_value_) {
        replace_worst(points, values[0]);
        break;
      }
      step_ = Step::shrink;
      return false;
    case Step::contract_inside:
      if (values[0] < values_[n]) {
        replace_worst(points, values[0]);
        break;
      }
      step_ = Step::shrink;
      return false;
    case Step::shrink:
      std::copy(points.begin(), points.end(), simplex_.begin() + static_cast<long>(n));
      std::copy(values.begin(), values.end(), values_.begin() + 1);
      break;
  }
  order();
  step_ = Step::reflect;
  return true;
}

std::string NelderMead::options_bytes() const {
  std::string bytes;
  wire::Writer out(bytes);
  for (const double v : {options_.reflection, options_.expansion, options_.contraction,
                         options_.shrink, options_.initial_step, options_.zero_step}) {
    wire::encode(out, v);
  }
  wire::encode(out, options_.adaptive);
  return bytes;
}

void NelderMead::save_state(wire::Writer& out) const {
  wire::encode(out, options_bytes());
  wire::encode(out, simplex_);
  wire::encode(out, values_);
  wire::encode(out, centroid_);
  wire::encode(out, reflected_);
  wire::encode(out, reflected_value_);
  wire::encode(out, static_cast<std::uint8_t>(step_));
}

std::function<void()> NelderMead::restore_state(wire::Reader& in) {
  require_same_options(wire::decode<std::string>(in), options_bytes(), "NelderMead");
  auto simplex = wire::decode<std::vector<double>>(in);
  auto values = wire::decode<std::vector<double>>(in);
  auto centroid = wire::decode<std::vector<double>>(in);
  auto reflected = wire::decode<std::vector<double>>(in);
  const auto reflected_value = wire::decode<double>(in);
  const auto step = wire::decode<std::uint8_t>(in);
  const std::size_t n = dim();
  const bool sizes_fit =
      (simplex.empty() || simplex.size() == n * (n + 1)) && values.size() * n == simplex.size() &&
      (centroid.empty() || centroid.size() == n) && (reflected.empty() || reflected.size() == n);
  if (!sizes_fit || step > static_cast<std::uint8_t>(Step::shrink)) {
    throw SerializationError("restore: the Nelder-Mead state does not fit its dimension");
  }
  return [this, simplex = std::move(simplex), values = std::move(values),
          centroid = std::move(centroid), reflected = std::move(reflected), reflected_value,
          step]() mutable {
    simplex_ = std::move(simplex);
    values_ = std::move(values);
    centroid_ = std::move(centroid);
    reflected_ = std::move(reflected);
    reflected_value_ = reflected_value;
    step_ = static_cast<Step>(step);
  };
}

}  // namespace pardo::opt
