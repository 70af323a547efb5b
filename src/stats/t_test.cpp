#include "pardo/stats/t_test.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

#include "core/validate.hpp"
#include "pardo/stats/distributions.hpp"

namespace pardo::stats {

namespace {

struct Moments {
  double mean = 0;
  double variance = 0;
};

// Two passes, like numpy's var(ddof=1).
Moments moments(std::span<const double> x) {
  double sum = 0;
  for (const double v : x) sum += v;
  const double n = static_cast<double>(x.size());
  const double mean = sum / n;
  double squares = 0;
  for (const double v : x) squares += (v - mean) * (v - mean);
  return {mean, squares / (n - 1)};
}

double p_value(double t, double df, Alternative alternative) {
  switch (alternative) {
    case Alternative::less:
      return student_t_cdf(t, df);
    case Alternative::greater:
      return student_t_cdf(-t, df);
    case Alternative::two_sided:
      break;
  }
  return 2 * student_t_cdf(-std::abs(t), df);
}

/// The noncentral t's CDF; where Boost's series cannot be summed (a noncentrality in the
/// tens of thousands: its terms number delta^2 / 2), the normal approximation of Abramowitz
/// and Stegun 26.7.10, which is 0 or 1 to double precision unless t is near delta.
double noncentral_cdf(double t, double df, double delta) {
  try {
    return noncentral_t_cdf(t, df, delta);
  } catch (const std::runtime_error&) {
    const double z = (t * (1 - 1 / (4 * df)) - delta) / std::sqrt(1 + t * t / (2 * df));
    return 0.5 * std::erfc(-z / std::numbers::sqrt2);
  }
}

void require_effect(double effect, const char* caller) {
  if (!std::isfinite(effect)) {
    detail::throw_invalid(caller, "effect " + pardo::format_number(effect) + " is not finite");
  }
}

void require_group(std::size_t n, const char* what) {
  if (n < 2) {
    detail::throw_invalid("t_test_power", std::string(what) + " = " + std::to_string(n) +
                                              " is too small; each group needs at least 2 values");
  }
}

}  // namespace

TTestResult t_test(std::span<const double> x, std::span<const double> y,
                   const TTestOptions& options) {
  detail::require_at_least(x.size(), 2, "t_test", "x");
  detail::require_at_least(y.size(), 2, "t_test", "y");
  detail::require_finite(x, "t_test", "x");
  detail::require_finite(y, "t_test", "y");
  const Moments a = moments(x);
  const Moments b = moments(y);
  const double n1 = static_cast<double>(x.size());
  const double n2 = static_cast<double>(y.size());
  TTestResult r;
  double se2 = 0;
  if (options.equal_var) {
    r.df = n1 + n2 - 2;
    const double pooled = ((n1 - 1) * a.variance + (n2 - 1) * b.variance) / r.df;
    se2 = pooled * (1 / n1 + 1 / n2);
  } else {
    const double v1 = a.variance / n1;
    const double v2 = b.variance / n2;
    se2 = v1 + v2;
    r.df = se2 * se2 / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1));
  }
  r.statistic = (a.mean - b.mean) / std::sqrt(se2);
  // Constant samples: scipy gives nan, and so does this (0/0), which never rejects.
  r.p_value = std::isfinite(r.statistic) && r.df > 0
                  ? p_value(r.statistic, r.df, options.alternative)
                  : std::nan("");
  return r;
}

double t_test_power(double effect, std::size_t n1, std::size_t n2, double alpha,
                    Alternative alternative) {
  require_effect(effect, "t_test_power");
  require_group(n1, "n1");
  require_group(n2, "n2");
  detail::require_open_unit(alpha, "t_test_power", "alpha");
  const double a = static_cast<double>(n1);
  const double b = static_cast<double>(n2);
  const double df = a + b - 2;
  const double delta = effect * std::sqrt(a * b / (a + b));
  // The critical values by symmetry, t_{1-q} = -t_q: 1 - alpha / 2 rounds to 1 below 1e-16.
  switch (alternative) {
    case Alternative::greater:
      return 1 - noncentral_cdf(-student_t_quantile(alpha, df), df, delta);
    case Alternative::less:
      return noncentral_cdf(student_t_quantile(alpha, df), df, delta);
    case Alternative::two_sided:
      break;
  }
  const double critical = -student_t_quantile(alpha / 2, df);
  return 1 - noncentral_cdf(critical, df, delta) + noncentral_cdf(-critical, df, delta);
}

}  // namespace pardo::stats
