#pragma once
/// @file
/// The distribution functions the toolkit's intervals and tests need (computed with
/// Boost.Math).

namespace pardo::stats {

/// P(Z <= z) for a standard normal Z.
/// @code
/// assert(std::abs(pardo::stats::normal_cdf(1.959964) - 0.975) < 1e-6);
/// @endcode
double normal_cdf(double z);

/// The z with normal_cdf(z) == p, for 0 < p < 1 (std::invalid_argument otherwise).
/// @code
/// double z = pardo::stats::normal_quantile(0.975);  // 1.959963984540054
/// @endcode
double normal_quantile(double p);

/// P(T <= t) for Student's t with `df` > 0 degrees of freedom (df may be fractional, as in
/// Welch's test).
/// @code
/// double p = 2 * (1 - pardo::stats::student_t_cdf(2.1, 18));
/// @endcode
double student_t_cdf(double t, double df);

/// The t with student_t_cdf(t, df) == p, for 0 < p < 1.
/// @code
/// double t = pardo::stats::student_t_quantile(0.975, 10);  // 2.2281388519649385
/// @endcode
double student_t_quantile(double p, double df);

/// P(T <= t) for the noncentral t with `df` degrees of freedom and noncentrality `delta`:
/// what the analytic power of a t-test needs.
/// @code
/// double beta = pardo::stats::noncentral_t_cdf(2.02, 38, 1.58);
/// @endcode
double noncentral_t_cdf(double t, double df, double delta);

}  // namespace pardo::stats
