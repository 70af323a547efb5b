#pragma once
/// @file
/// The two-sample t-test (Student's pooled and Welch's) and its analytic power.

#include <cstddef>
#include <span>

#include "pardo/stats/common.hpp"

namespace pardo::stats {

/// Which t-test: Student's, pooling the variances (`equal_var`), or Welch's.
/// @code
/// pardo::stats::TTestOptions welch{.equal_var = false};
/// @endcode
struct TTestOptions {
  bool equal_var = true;
  Alternative alternative = Alternative::two_sided;  ///< about mean(x) - mean(y)
};

/// A t statistic, its degrees of freedom (fractional for Welch's test) and its p-value.
/// @code
/// auto r = pardo::stats::t_test(x, y);
/// if (r.p_value < 0.05) reject();
/// @endcode
struct TTestResult {
  double statistic = 0;  ///< (mean(x) - mean(y)) / its standard error
  double df = 0;
  double p_value = 0;
};

/// The two-sample t-test of mean(x) == mean(y), as scipy.stats.ttest_ind computes it.
/// Throws std::invalid_argument naming a sample with fewer than 2 values or a value that is
/// not finite.
/// @code
/// std::vector<double> x{1, 2, 3, 4}, y{3, 4, 5, 6};
/// auto r = pardo::stats::t_test(x, y, {.equal_var = false});  // Welch
/// @endcode
TTestResult t_test(std::span<const double> x, std::span<const double> y,
                   const TTestOptions& options = {});

/// The analytic power of Student's two-sample t-test at level `alpha` when the second
/// group's mean exceeds the first's by `effect` standard deviations (Cohen's d), from the
/// noncentral t with n1 + n2 - 2 degrees of freedom and noncentrality
/// effect * sqrt(n1 n2 / (n1 + n2)): statsmodels' TTestIndPower. `greater` means the
/// alternative effect > 0. A noncentrality too large for the series (tens of thousands) is
/// evaluated by the normal approximation of Abramowitz and Stegun 26.7.10. Throws
/// std::invalid_argument naming a non-finite effect, a group below 2 or alpha outside (0, 1).
/// @code
/// double p = pardo::stats::t_test_power(0.5, 64, 64, 0.05);  // 0.8015
/// @endcode
double t_test_power(double effect, std::size_t n1, std::size_t n2, double alpha = 0.05,
                    Alternative alternative = Alternative::two_sided);

}  // namespace pardo::stats
