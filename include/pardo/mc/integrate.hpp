#pragma once
/// @file
/// Monte Carlo integration over a box in d dimensions: plain or stratified sampling, a fixed
/// number of samples or an adaptive run to a tolerance, the same bits on any executor.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "pardo/executor.hpp"
#include "pardo/remote/remote_function.hpp"
#include "pardo/workload/run_control.hpp"
#include "pardo/workload/run_info.hpp"

namespace pardo::mc {

/// An integrand evaluated at one point x (d coordinates).
/// @code
/// double f(std::span<const double> x) { return x[0] * x[1]; }
/// PARDO_REMOTE_FUNCTION(f);  // only needed on worker processes and MPI ranks
/// pardo::mc::ScalarIntegrand handle(f);
/// @endcode
using ScalarIntegrand = RemoteFunction<double(std::span<const double>)>;

/// An integrand evaluated at n points at once: `points` holds them row by row (n x d),
/// `values` receives the n values. For integrands that vectorise or amortise a setup.
/// @code
/// void f(std::span<const double> points, std::span<double> values) {
///   for (std::size_t i = 0; i < values.size(); ++i) values[i] = points[2 * i] * points[2 * i + 1];
/// }
/// PARDO_REMOTE_FUNCTION(f);
/// pardo::mc::BatchIntegrand handle(f);
/// @endcode
using BatchIntegrand = RemoteFunction<void(std::span<const double>, std::span<double>)>;

/// The region of integration: [lower[0], upper[0]] x ... x [lower[d-1], upper[d-1]].
/// @code
/// pardo::mc::Box box{.lower = {0, 0}, .upper = {1, 2}};
/// auto cube = pardo::mc::Box::cube(5, -1.0, 1.0);  // [-1, 1]^5
/// @endcode
struct Box {
  std::vector<double> lower;  ///< d finite lower bounds, each below its upper bound
  std::vector<double> upper;  ///< d finite upper bounds

  /// The cube [low, high]^dim.
  /// @code
  /// pardo::mc::Box unit = pardo::mc::Box::cube(3, 0.0, 1.0);
  /// @endcode
  static Box cube(std::size_t dim, double low, double high) {
    return {std::vector<double>(dim, low), std::vector<double>(dim, high)};
  }
  /// The number of dimensions.
  /// @code
  /// assert(pardo::mc::Box::cube(3, 0, 1).dim() == 3);
  /// @endcode
  std::size_t dim() const noexcept { return lower.size(); }
};

/// How points are placed in the box.
/// @code
/// pardo::mc::IntegrateOptions options{.method = pardo::mc::IntegrationMethod::stratified};
/// @endcode
enum class IntegrationMethod {
  plain,       ///< independent uniform points in the whole box
  stratified,  ///< the box cut into a grid of equal cells, the same number of points in each
};

/// "plain" or "stratified".
/// @code
/// assert(pardo::mc::to_string(pardo::mc::IntegrationMethod::plain) == "plain");
/// @endcode
std::string_view to_string(IntegrationMethod method) noexcept;

/// The method named `name`, or nullopt.
/// @code
/// auto method = pardo::mc::parse_integration_method("stratified");
/// @endcode
std::optional<IntegrationMethod> parse_integration_method(std::string_view name) noexcept;

/// What to compute, and how.
///
/// Points come in sweeps: a sweep is one uniform point in every cell of the grid (plain
/// sampling is a grid of one cell). A block is a fixed number of sweeps and block b draws
/// from random stream (seed, b), so the points, and the result, depend on these options
/// alone, never on the executor, its worker count or its schedule.
///
/// Stratified grid: at most `strata` cells and at least two sweeps in all. With H such
/// cells allowed, the first m = min(d, floor(log2 H)) axes are each cut into k equal parts,
/// k the largest with k^m <= H (d = 2, H = 1024: 32 x 32; d = 10: 2 per axis). With equal
/// points n_h = n / H per cell of volume V / H, the estimate is V times the mean of all
/// values and its variance is sum_h (V/H)^2 sigma_h^2 / n_h = V^2 mean_h(sigma_h^2) / n,
/// sigma_h^2 estimated within cells (pooled over blocks), never above plain sampling's.
///
/// Adaptive mode (either tolerance set): blocks run in rounds until the 95% half-width
/// 1.959964 se is at most `abs_tol` or at most `rel_tol` |estimate|, or `samples` (then the
/// budget) are spent. The first round is 8 blocks; each later one aims, from the current
/// standard error, at 1.1 times the samples the tolerance needs, growing the run at least
/// by 8 blocks and at most 4-fold (and by 2^16 blocks). The stopping decision reads
/// deterministically combined results, so the blocks run, and the bits, still do not depend on the
/// executor. A tolerance counts as met only once at least `min_nonzero_samples` values are
/// not zero: an indicator of a region the first rounds never (or rarely) hit gives 0 +- 0, or
/// a standard error from a handful of hits, which says nothing; such a run goes on until
/// enough points hit or the budget is spent, and then reports the tolerance not met, with a
/// `warning`.
/// @code
/// pardo::mc::IntegrateOptions fixed{.samples = 10'000'000, .seed = 7};
/// pardo::mc::IntegrateOptions adaptive{.samples = 1'000'000'000, .rel_tol = 1e-4};
/// @endcode
struct IntegrateOptions {
  /// Points to evaluate; in adaptive mode the most to evaluate. Stratified sampling uses
  /// whole sweeps, so it rounds this down to a multiple of the grid's cells.
  std::uint64_t samples = 1'000'000;
  std::uint64_t seed = 42;  ///< names the random streams
  IntegrationMethod method = IntegrationMethod::plain;
  /// The most cells of the stratified grid, at most 2^24.
  std::uint64_t strata = 1024;
  /// Points per block, rounded down to whole sweeps (at least two).
  std::uint64_t block_samples = 16384;
  /// Absolute target for the 95% half-width; turns on adaptive mode.
  std::optional<double> abs_tol{};
  /// Target for the 95% half-width relative to |estimate|; turns on adaptive mode.
  std::optional<double> rel_tol{};
};

/// The fewest points with f not zero for which `integrate` trusts a standard error: below it
/// (an indicator of a region the points rarely or never hit, which gives 0 +- 0) a tolerance
/// never counts as met and the result carries a `warning`.
/// @code
/// if (r.nonzero_samples < pardo::mc::min_nonzero_samples) std::puts(r.warning.c_str());
/// @endcode
inline constexpr std::uint64_t min_nonzero_samples = 30;

/// An estimate with its uncertainty and the work behind it.
/// @code
/// auto r = pardo::mc::integrate(pool, f, box, options);
/// std::printf("%.8f +- %.2g in [%g, %g]\n", r.estimate, r.std_error, r.interval.low,
///             r.interval.high);
/// @endcode
struct IntegrateResult {
  double estimate = 0;  ///< volume times the mean of f
  double std_error = 0;
  Interval interval{};        ///< 95%: estimate -/+ 1.959964 std_error
  std::uint64_t samples = 0;  ///< points evaluated
  std::uint64_t strata = 1;   ///< cells of the grid (1 for plain sampling)
  std::uint64_t rounds = 0;   ///< rounds of blocks run (at most 2^16 blocks each)
  /// Adaptive mode: the half-width reached a tolerance, with at least `min_nonzero_samples`
  /// values not zero.
  bool tolerance_met = false;
  std::uint64_t nonzero_samples = 0;  ///< points where f was not zero
  /// Empty, or why the estimate and its standard error carry no information: fewer than
  /// `min_nonzero_samples` points where f was not zero (an indicator whose region the
  /// points rarely or never hit).
  std::string warning{};
  /// Blocks done and those `samples` allows (an adaptive run may stop before), seconds,
  /// complete unless a stop request cut the run short, backend, workers.
  RunInfo run{};
};

}  // namespace pardo::mc

#include "pardo/mc/detail/integrate.hpp"

namespace pardo::mc {

/// Integrates `f` over `box` on `executor` (SerialExecutor, ThreadPool, ProcessPool or
/// mpi::Pool): `f` is a scalar integrand `double(std::span<const double> x)` or a batch one
/// `void(std::span<const double> points, std::span<double> values)`, called concurrently
/// from the workers. On in-process executors any such callable will do; on worker processes
/// and MPI ranks it must be a ScalarIntegrand or BatchIntegrand (or a function registered
/// with PARDO_REMOTE_FUNCTION). The result's bits depend only on `f`, `box` and `options`.
///
/// Throws std::invalid_argument naming the value for an empty box, mismatched bound counts,
/// a non-finite bound, a lower bound not below its upper bound, an infinite volume, zero
/// (or one) samples, zero block size, zero or over 2^24 strata, and a tolerance that is not finite
/// and > 0. A value of f that is not finite throws std::domain_error naming the point (re-raised as
/// pardo::RemoteError with that message from worker processes).
/// @code
/// double in_ball(std::span<const double> x) {
///   double r2 = 0;
///   for (double xi : x) r2 += xi * xi;
///   return r2 <= 1 ? 1.0 : 0.0;
/// }
/// pardo::ThreadPool pool;
/// auto r = pardo::mc::integrate(pool, in_ball, pardo::mc::Box::cube(5, -1, 1),
///                               {.samples = 100'000'000, .rel_tol = 1e-4});
/// // r.estimate ~ 5.2638 (8 pi^2 / 15), r.tolerance_met
/// @endcode
template <RemoteExecutor E, class F>
IntegrateResult integrate(E& executor, const F& f, const Box& box,
                          const IntegrateOptions& options = {}, const RunControl& control = {}) {
  if constexpr (std::is_function_v<F>) {
    return integrate(executor, &f, box, options, control);
  } else {
    return detail::integrate_blocks(executor, f, box, options, control);
  }
}

/// The blocks that `options.samples` allows over `box`: what a progress bar counts towards
/// (an adaptive run may stop before). Throws std::invalid_argument as `integrate` does.
/// @code
/// std::uint64_t total = pardo::mc::integration_blocks(box, options);
/// @endcode
std::uint64_t integration_blocks(const Box& box, const IntegrateOptions& options);

/// Ready-made integrands with known integrals, for checking and for the `pardo integrate`
/// command; each is registered with PARDO_REMOTE_FUNCTION, so it runs on every backend.
namespace integrands {

/// 1 inside the unit ball (|x| <= 1), else 0: integrates to `unit_ball_volume(d)` over a
/// box that holds the ball.
/// @code
/// auto r = pardo::mc::integrate(pool, pardo::mc::ScalarIntegrand(unit_ball),
///                               pardo::mc::Box::cube(3, -1, 1));  // ~ 4.18879
/// @endcode
double unit_ball(std::span<const double> x);

/// The volume of the unit ball in `dim` dimensions, pi^(d/2) / Gamma(d/2 + 1).
/// @code
/// double v = pardo::mc::integrands::unit_ball_volume(3);  // 4 pi / 3
/// @endcode
double unit_ball_volume(std::size_t dim);

/// 1 inside the cross-polytope sum |x_i| <= 1, else 0 (a ball of the 1-norm, with flat
/// faces and corners): integrates to `cross_polytope_volume(d)` over a box that holds it.
/// @code
/// double f = pardo::mc::integrands::cross_polytope(std::vector<double>{0.5, 0.6});  // 0
/// @endcode
double cross_polytope(std::span<const double> x);

/// The volume of the cross-polytope in `dim` dimensions, 2^d / d!.
/// @code
/// double v = pardo::mc::integrands::cross_polytope_volume(2);  // 2
/// @endcode
double cross_polytope_volume(std::size_t dim);

/// exp(-|x|^2).
/// @code
/// double f = pardo::mc::integrands::gaussian(std::vector<double>{0.0, 0.0});  // 1
/// @endcode
double gaussian(std::span<const double> x);

/// The integral of `gaussian` over `box`: the product over axes of
/// sqrt(pi) / 2 (erf(upper) - erf(lower)).
/// @code
/// double i = pardo::mc::integrands::gaussian_integral(pardo::mc::Box::cube(2, -9, 9));  // ~ pi
/// @endcode
double gaussian_integral(const Box& box);

/// cos(sum x_i): Genz's oscillatory test function, smooth.
/// @code
/// double f = pardo::mc::integrands::cosine(std::vector<double>{0.0});  // 1
/// @endcode
double cosine(std::span<const double> x);

/// The integral of `cosine` over `box`: the real part of prod_j (e^(i b_j) - e^(i a_j)) / i.
/// @code
/// double i = pardo::mc::integrands::cosine_integral(pardo::mc::Box::cube(1, 0, 1));  // sin 1
/// @endcode
double cosine_integral(const Box& box);

}  // namespace integrands

}  // namespace pardo::mc
