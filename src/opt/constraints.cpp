#include "pardo/opt/constraints.hpp"

#include <cmath>
#include <cstdio>
#include <limits>

#include "core/validate.hpp"

namespace pardo::opt {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

}  // namespace

double Constraints::violation(std::span<const double> x) const {
  double total = 0;
  for (const auto& g : inequalities) {
    const double v = g(x);
    if (std::isnan(v)) return kInfinity;
    total += std::max(0.0, v);
  }
  for (const auto& h : equalities) {
    const double v = h(x);
    if (std::isnan(v)) return kInfinity;
    total += std::max(0.0, std::abs(v) - tolerance);
  }
  return total;
}

double Constraints::penalty(std::span<const double> x) const {
  if (form == PenaltyForm::barrier) return violation(x) > 0 ? kInfinity : 0.0;
  double squares = 0;
  for (const auto& g : inequalities) {
    const double v = g(x);
    if (std::isnan(v)) return kInfinity;
    squares += v > 0 ? v * v : 0.0;
  }
  for (const auto& h : equalities) {
    const double v = h(x);
    if (std::isnan(v)) return kInfinity;
    const double over = std::max(0.0, std::abs(v) - tolerance);
    squares += over * over;
  }
  return weight * squares;
}

void Constraints::check() const {
  const auto bad = [](const char* what, double value, const char* need) {
    char text[160];
    std::snprintf(text, sizeof text, "%s = %g: %s", what, value, need);
    pardo::detail::throw_invalid("Constraints", text);
  };
  if (!(std::isfinite(weight) && weight > 0)) bad("weight", weight, "need a finite weight > 0");
  if (!(std::isfinite(tolerance) && tolerance >= 0)) {
    bad("tolerance", tolerance, "need a finite tolerance >= 0");
  }
  for (const auto& g : inequalities) {
    if (!g) pardo::detail::throw_invalid("Constraints", "an inequality is an empty function");
  }
  for (const auto& h : equalities) {
    if (!h) pardo::detail::throw_invalid("Constraints", "an equality is an empty function");
  }
}

}  // namespace pardo::opt
