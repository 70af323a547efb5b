#pragma once
/// @file
/// Scaling studies: speed-ups measured at several worker counts, and the laws that explain
/// them. Amdahl's law for strong scaling (the same problem on more workers): a serial
/// fraction f caps the speed-up at 1/f. Gustafson's law for weak scaling (the problem grows
/// with the workers): the scaled speed-up is p − f (p − 1). `pardo scale` measures the points
/// and fits both.

#include <cstddef>
#include <span>
#include <vector>

namespace pardo::scaling {

/// One worker count of a study: its median time and the spread of its repetitions.
struct Point {
  std::size_t workers = 1;
  double seconds = 0;      ///< median
  double min_seconds = 0;  ///< fastest repetition
  double max_seconds = 0;  ///< slowest repetition
};

/// A law fitted to measured speed-ups.
struct Fit {
  /// The serial fraction f, in [0, 1].
  double serial_fraction = 0;
  /// Root mean square of measured minus fitted speed-up.
  double rms_error = 0;
};

/// Strong scaling: the same problem at every worker count. Weak: the problem grows in
/// proportion to the workers.
enum class Mode { strong, weak };

/// Speed-up of each point against the one with fewest workers, p0, taken to scale perfectly
/// up to its own count (so a study starting at 2 workers reads as one starting at 1).
/// Strong: p0 T(p0) / T(p). Weak, the scaled speed-up: p T(p0) / T(p) (p / p0 times the work
/// in T(p)). Throws std::invalid_argument naming the bad value for no points, a worker count
/// of 0, twice the same count, or a time that is not positive and finite.
/// @code
/// std::vector<pardo::scaling::Point> points{{1, 8.0}, {2, 4.4}, {4, 2.6}};
/// auto s = pardo::scaling::speedups(points, pardo::scaling::Mode::strong);  // 1, 1.82, 3.08
/// @endcode
std::vector<double> speedups(std::span<const Point> points, Mode mode);

/// Amdahl's law, S(p) = 1 / (f + (1 − f) / p), fitted by least squares on 1/S, where the law
/// is linear in f: 1/S − 1/p = f (1 − 1/p).
/// @code
/// std::vector<pardo::scaling::Point> points{{1, 8.0}, {2, 4.4}, {4, 2.6}};
/// auto fit = pardo::scaling::fit_amdahl(points);  // f about 0.10
/// @endcode
Fit fit_amdahl(std::span<const Point> points);

/// Gustafson's law, S(p) = p − f (p − 1), fitted by least squares on S: p − S = f (p − 1).
/// @code
/// std::vector<pardo::scaling::Point> points{{1, 2.0}, {2, 2.1}, {4, 2.3}};
/// auto fit = pardo::scaling::fit_gustafson(points);  // f about 0.17
/// @endcode
Fit fit_gustafson(std::span<const Point> points);

/// Amdahl's speed-up at `workers` for serial fraction `f`.
/// @code
/// double s = pardo::scaling::amdahl(0.1, 4);  // 3.08
/// @endcode
double amdahl(double f, double workers);

/// Gustafson's scaled speed-up at `workers` for serial fraction `f`.
/// @code
/// double s = pardo::scaling::gustafson(0.1, 4);  // 3.7
/// @endcode
double gustafson(double f, double workers);

}  // namespace pardo::scaling
