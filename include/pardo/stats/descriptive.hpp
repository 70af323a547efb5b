#pragma once
/// @file
/// Ready-made statistics of a sample, usable as the statistic of any workload in the
/// toolkit on any backend (each is registered for worker processes and MPI ranks).

#include <span>

namespace pardo::stats {

/// The arithmetic mean; NaN for an empty sample. The sum runs in eight independent parts
/// (value i into part i % 8, in order), combined as ((p0 + p1) + (p2 + p3)) + ((p4 + p5) +
/// (p6 + p7)): a fixed order, so the same values give the same bits everywhere, and one the
/// compiler can vectorise.
/// @code
/// std::vector<double> x{1, 2, 3};
/// assert(pardo::stats::mean(x) == 2.0);
/// @endcode
double mean(std::span<const double> x);

/// The unbiased sample variance (divisor n - 1), by two passes; NaN below two values.
/// @code
/// assert(pardo::stats::variance(std::vector<double>{1, 2, 3}) == 1.0);
/// @endcode
double variance(std::span<const double> x);

/// The square root of `variance`.
/// @code
/// double s = pardo::stats::std_dev(x);
/// @endcode
double std_dev(std::span<const double> x);

/// The median (the mean of the middle two for an even count); NaN for an empty sample.
/// @code
/// assert(pardo::stats::median(std::vector<double>{3, 1, 2}) == 2.0);
/// @endcode
double median(std::span<const double> x);

/// Pearson's correlation coefficient of the pairs (x[i], y[i]); NaN if either is constant.
/// @code
/// auto r = pardo::stats::permutation_test(pool, x, y, pardo::stats::pearson_r,
///                                         {.design = pardo::stats::Design::correlation});
/// @endcode
double pearson_r(std::span<const double> x, std::span<const double> y);

/// The `p` quantile of a sample already sorted ascending, interpolating linearly between
/// order statistics: numpy's default (`method="linear"`). `p` is clamped to [0, 1].
/// @code
/// std::vector<double> sorted{1, 2, 3, 4};
/// assert(pardo::stats::quantile_sorted(sorted, 0.5) == 2.5);
/// @endcode
double quantile_sorted(std::span<const double> sorted, double p);

}  // namespace pardo::stats
