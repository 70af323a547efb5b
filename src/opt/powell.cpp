#include "pardo/opt/powell.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>

#include "core/validate.hpp"
#include "pardo/core/errors.hpp"
#include "pardo/random/distributions.hpp"
#include "pardo/random/stream.hpp"
#include "pardo/remote/wire.hpp"

namespace pardo::opt {

namespace {

constexpr double golden_mean = 0.3819660112501051;  // (3 - sqrt 5) / 2
const double sqrt_eps = std::sqrt(2.2e-16);

double sign_or_one(double v) { return v > 0 ? 1.0 : (v < 0 ? -1.0 : 1.0); }

PowellOptions checked(const PowellOptions& o) {
  if (!std::isfinite(o.line_tolerance) || !(o.line_tolerance > 0)) {
    char text[120];
    std::snprintf(text, sizeof text, "line_tolerance = %g must be finite and > 0",
                  o.line_tolerance);
    pardo::detail::throw_invalid("Powell", text);
  }
  if (o.line_evaluations < 2) {
    pardo::detail::throw_invalid("Powell",
                                 "line_evaluations = " + std::to_string(o.line_evaluations) +
                                     ": a line search needs at least 2");
  }
  return o;
}

/// The stretch [low, high] of t for which x + t d stays in the box ({0, 0} if none).
std::pair<double, double> room(std::span<const double> x, std::span<const double> d,
                               const Bounds& b) {
  double low = -std::numeric_limits<double>::infinity();
  double high = std::numeric_limits<double>::infinity();
  bool moves = false;
  for (std::size_t j = 0; j < x.size(); ++j) {
    if (d[j] == 0) continue;
    moves = true;
    const double to_lower = (b.lower[j] - x[j]) / d[j];
    const double to_upper = (b.upper[j] - x[j]) / d[j];
    low = std::max(low, std::min(to_lower, to_upper));
    high = std::min(high, std::max(to_lower, to_upper));
  }
  if (!moves || !(high >= low) || !std::isfinite(low) || !std::isfinite(high)) return {0, 0};
  return {std::min(low, 0.0), std::max(high, 0.0)};
}

}  // namespace

void Powell::LineSearch::start(double low, double high, double tol, std::uint32_t max_evaluations) {
  a = low;
  b = high;
  tolerance = tol;
  limit = max_evaluations;
  xf = nfc = fulc = x = a + golden_mean * (b - a);
  rat = e = 0;
  evaluations = 0;
}

bool Powell::LineSearch::tell(double fu) {
  ++evaluations;
  if (evaluations == 1) {
    fx = ffulc = fnfc = fu;
  } else if (fu <= fx) {
    if (x >= xf) {
      a = xf;
    } else {
      b = xf;
    }
    fulc = nfc;
    ffulc = fnfc;
    nfc = xf;
    fnfc = fx;
    xf = x;
    fx = fu;
  } else {
    if (x < xf) {
      a = x;
    } else {
      b = x;
    }
    if (fu <= fnfc || nfc == xf) {
      fulc = nfc;
      ffulc = fnfc;
      nfc = x;
      fnfc = fu;
    } else if (fu <= ffulc || fulc == xf || fulc == nfc) {
      fulc = x;
      ffulc = fu;
    }
  }
  const double xm = 0.5 * (a + b);
  const double tol1 = sqrt_eps * std::abs(xf) + tolerance / 3;
  if (!(std::abs(xf - xm) > 2 * tol1 - 0.5 * (b - a)) || evaluations >= limit) return false;
  propose();
  return true;
}

void Powell::LineSearch::propose() {
  const double xm = 0.5 * (a + b);
  const double tol1 = sqrt_eps * std::abs(xf) + tolerance / 3;
  const double tol2 = 2 * tol1;
  bool golden = true;
  if (std::abs(e) > tol1) {  // a parabola through the three best points
    golden = false;
    double r = (xf - nfc) * (fx - ffulc);
    double q = (xf - fulc) * (fx - fnfc);
    double p = (xf - fulc) * q - (xf - nfc) * r;
    q = 2 * (q - r);
    if (q > 0) p = -p;
    q = std::abs(q);
    r = e;
    e = rat;
    if (std::abs(p) < std::abs(0.5 * q * r) && p > q * (a - xf) && p < q * (b - xf)) {
      rat = p / q;
      x = xf + rat;
      if (x - a < tol2 || b - x < tol2) rat = tol1 * sign_or_one(xm - xf);
    } else {
      golden = true;
    }
  }
  if (golden) {
    e = xf >= xm ? a - xf : b - xf;
    rat = golden_mean * e;
  }
  x = xf + sign_or_one(rat) * std::max(std::abs(rat), tol1);
}

Powell::Powell(Problem problem, PowellOptions options)
    : Solver(std::move(problem)), options_(checked(options)) {}

void Powell::next_points(std::vector<double>& points) {
  const std::size_t n = dim();
  switch (phase_) {
    case Phase::start:
      if (!problem().x0.empty()) {
        points = problem().x0;
      } else {
        random::Stream stream(seed(), 0);
        points.resize(n);
        for (std::size_t j = 0; j < n; ++j) {
          points[j] = random::uniform(stream, problem().bounds.lower[j], problem().bounds.upper[j]);
        }
      }
      break;
    case Phase::line:
    case Phase::final_line:
      points.resize(n);
      for (std::size_t j = 0; j < n; ++j) points[j] = x_[j] + line_.x * direction_[j];
      break;
    case Phase::extrapolate:
      points = extrapolated_;
      break;
  }
  clip(points);
}

void Powell::begin_generation() {
  start_x_ = x_;
  start_value_ = fval_;
  delta_ = 0;
  biggest_ = 0;
  index_ = 0;
  phase_ = Phase::line;
  direction_.assign(directions_.begin(), directions_.begin() + static_cast<long>(dim()));
  if (!begin_line()) next_line();
}

bool Powell::begin_line() {
  const auto [low, high] = room(x_, direction_, problem().bounds);
  if (!(high > low)) return false;
  line_.start(low, high, options_.line_tolerance, options_.line_evaluations);
  return true;
}

void Powell::next_line() {
  const std::size_t n = dim();
  while (++index_ < n) {
    direction_.assign(directions_.begin() + static_cast<long>(index_ * n),
                      directions_.begin() + static_cast<long>((index_ + 1) * n));
    if (begin_line()) return;
  }
  // The sweep is done: try the point as far again along its net direction.
  direction_.resize(n);
  for (std::size_t j = 0; j < n; ++j) direction_[j] = x_[j] - swept_x_[j];
  swept_x_ = x_;
  const double reach = std::min(room(x_, direction_, problem().bounds).second, 1.0);
  extrapolated_.resize(n);
  for (std::size_t j = 0; j < n; ++j) extrapolated_[j] = x_[j] + reach * direction_[j];
  phase_ = Phase::extrapolate;
}

// Moves to the best point the search evaluated and returns the decrease (negative where that
// is worse), as scipy and Numerical Recipes do. A variant that kept the point, replaced a
// direction only after a decrease and took the net direction from the generation's start
// stalled on Rosenbrock d = 30 from a quarter of the starts where scipy succeeded.
double Powell::finish_line() {
  if (line_.xf == 0) return 0;
  const double decrease = fval_ - line_.fx;
  for (std::size_t j = 0; j < dim(); ++j) {
    direction_[j] *= line_.xf;
    x_[j] += direction_[j];
  }
  clip(x_);
  fval_ = line_.fx;
  return decrease;
}

void Powell::end_generation() {
  candidates_ = start_x_;
  candidates_.insert(candidates_.end(), x_.begin(), x_.end());
  candidate_values_ = {start_value_, fval_};
  begin_generation();
}

bool Powell::take_values(std::span<const double> points, std::span<const double> values) {
  const std::size_t n = dim();
  const double value = values[0];
  switch (phase_) {
    case Phase::start:
      x_.assign(points.begin(), points.end());
      fval_ = value;
      directions_.assign(n * n, 0.0);
      for (std::size_t j = 0; j < n; ++j) directions_[j * n + j] = 1;
      swept_x_ = x_;
      // One candidate until a generation has moved: no spread to measure yet.
      candidates_ = x_;
      candidate_values_ = {fval_};
      begin_generation();
      return true;
    case Phase::line: {
      if (line_.tell(value)) return false;
      const double decrease = finish_line();
      if (decrease > delta_) {
        delta_ = decrease;
        biggest_ = index_;
      }
      next_line();
      return false;
    }
    case Phase::extrapolate: {
      const double fx = start_value_;
      const double fx2 = value;
      if (fx > fx2) {
        const double a = fx - fval_ - delta_;
        const double b = fx - fx2;
        const double t = 2 * (fx + fx2 - 2 * fval_) * a * a - delta_ * b * b;
        if (t < 0 && begin_line()) {
          phase_ = Phase::final_line;
          return false;
        }
      }
      end_generation();
      return true;
    }
    case Phase::final_line:
      if (line_.tell(value)) return false;
      finish_line();
      if (line_.xf != 0) {
        // The step along the net direction replaces the direction of largest decrease
        // (kept last).
        std::copy_n(directions_.begin() + static_cast<long>((n - 1) * n), n,
                    directions_.begin() + static_cast<long>(biggest_ * n));
        std::copy_n(direction_.begin(), n, directions_.begin() + static_cast<long>((n - 1) * n));
      }
      end_generation();
      return true;
  }
  return false;
}

std::string Powell::options_bytes() const {
  std::string bytes;
  wire::Writer out(bytes);
  wire::encode(out, options_.line_tolerance);
  wire::encode(out, options_.line_evaluations);
  return bytes;
}

void Powell::save_state(wire::Writer& out) const {
  wire::encode(out, options_bytes());
  wire::encode(out, static_cast<std::uint8_t>(phase_));
  for (const auto* v : {&directions_, &x_, &start_x_, &direction_, &extrapolated_, &candidates_,
                        &candidate_values_, &swept_x_}) {
    wire::encode(out, *v);
  }
  for (const double d : {fval_, start_value_, delta_}) wire::encode(out, d);
  wire::encode(out, static_cast<std::uint64_t>(index_));
  wire::encode(out, static_cast<std::uint64_t>(biggest_));
  const LineSearch& l = line_;
  for (const double d :
       {l.a, l.b, l.tolerance, l.xf, l.fx, l.nfc, l.fnfc, l.fulc, l.ffulc, l.rat, l.e, l.x}) {
    wire::encode(out, d);
  }
  wire::encode(out, l.evaluations);
  wire::encode(out, l.limit);
}

std::function<void()> Powell::restore_state(wire::Reader& in) {
  require_same_options(wire::decode<std::string>(in), options_bytes(), "Powell");
  const auto phase = wire::decode<std::uint8_t>(in);
  std::array<std::vector<double>, 8> vectors;
  for (auto& v : vectors) v = wire::decode<std::vector<double>>(in);
  std::array<double, 3> numbers{};
  for (double& d : numbers) d = wire::decode<double>(in);
  const auto index = wire::decode<std::uint64_t>(in);
  const auto biggest = wire::decode<std::uint64_t>(in);
  LineSearch line;
  for (double* d : {&line.a, &line.b, &line.tolerance, &line.xf, &line.fx, &line.nfc, &line.fnfc,
                    &line.fulc, &line.ffulc, &line.rat, &line.e, &line.x}) {
    *d = wire::decode<double>(in);
  }
  line.evaluations = wire::decode<std::uint32_t>(in);
  line.limit = wire::decode<std::uint32_t>(in);
  const std::size_t n = dim();
  const bool started = phase != static_cast<std::uint8_t>(Phase::start);
  const bool fits =
      phase <= static_cast<std::uint8_t>(Phase::final_line) && index <= n &&
      biggest < std::max<std::size_t>(n, 1) &&
      (!started ||
       (vectors[0].size() == n * n && vectors[1].size() == n && vectors[2].size() == n &&
        vectors[3].size() == n && vectors[5].size() == n * vectors[6].size() &&
        vectors[7].size() == n && (vectors[6].size() == 1 || vectors[6].size() == 2)));
  if (!fits) throw SerializationError("restore: the Powell state does not fit its dimension");
  return [this, phase, vectors = std::move(vectors), numbers, index, biggest, line]() mutable {
    phase_ = static_cast<Phase>(phase);
    directions_ = std::move(vectors[0]);
    x_ = std::move(vectors[1]);
    start_x_ = std::move(vectors[2]);
    direction_ = std::move(vectors[3]);
    extrapolated_ = std::move(vectors[4]);
    candidates_ = std::move(vectors[5]);
    candidate_values_ = std::move(vectors[6]);
    swept_x_ = std::move(vectors[7]);
    fval_ = numbers[0];
    start_value_ = numbers[1];
    delta_ = numbers[2];
    index_ = static_cast<std::size_t>(index);
    biggest_ = static_cast<std::size_t>(biggest);
    line_ = line;
  };
}

}  // namespace pardo::opt
