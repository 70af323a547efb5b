#pragma once
/// @file
/// Laplace's equation by Jacobi iteration: serially and on a ThreadPool, with the row-block
/// decomposition the MPI version (pardo/mpi/laplace.hpp) uses, and the same iterates.

#include <cstddef>
#include <span>
#include <vector>

#include "pardo/workload/run_control.hpp"
#include "pardo/workload/run_info.hpp"

namespace pardo {
class ThreadPool;
}  // namespace pardo

namespace pardo::pde {

/// The problem and when to stop.
///
/// Laplace's equation, u_xx + u_yy = 0, on the unit square, with the Dirichlet boundary
/// taken from the harmonic polynomial u(x, y) = x^2 - y^2. The grid has `nx` x `ny` points
/// including the boundary (x_i = i / (nx - 1), y_j = j / (ny - 1)); the interior starts at 0.
/// The 5-point stencil (weighted by the spacings when nx != ny) is exact on quadratics, so the
/// discrete solution equals x^2 - y^2 at the grid points: `LaplaceResult::max_error` measures
/// only how far the iteration has converged.
///
/// Jacobi iteration stops after the first sweep whose residual, the largest |u_new - u_old|
/// over the interior points, is at most `tol`, or after `max_iterations` sweeps. A maximum
/// does not depend on the order it is taken in, so every backend gets the same iterates, bit
/// for bit, and the same iteration count.
/// @code
/// pardo::pde::LaplaceOptions options{.nx = 256, .ny = 128, .tol = 1e-8};
/// @endcode
struct LaplaceOptions {
  std::size_t nx = 128;  ///< grid points along x, boundary included; at least 3
  std::size_t ny = 128;  ///< grid points along y (rows), boundary included; at least 3
  double tol = 1e-6;     ///< positive and finite
  std::size_t max_iterations = 1'000'000;  ///< at least 1
  bool keep_grid = false;                  ///< return the final iterate in LaplaceResult::grid
};

/// What a solve did and how close it came.
/// @code
/// auto r = pardo::pde::solve_laplace({.nx = 64, .ny = 64, .tol = 1e-9});
/// std::printf("%zu iterations, error %.2g\n", r.iterations, r.max_error);
/// @endcode
struct LaplaceResult {
  std::size_t iterations = 0;  ///< Jacobi sweeps done
  double residual = 0;         ///< max |u_new - u_old| over the interior in the last sweep
  double max_error = 0;        ///< max |u - (x^2 - y^2)| over the grid after the last sweep
  bool converged = false;      ///< residual <= tol within max_iterations
  double seconds_per_iteration = 0;
  /// The final iterate, row-major (u(x_i, y_j) at [j * nx + i]), if options.keep_grid; empty
  /// otherwise.
  std::vector<double> grid;
  /// The row blocks (all of them run every sweep), the wall time of the solve (the slowest
  /// rank's under MPI), backend and workers.
  RunInfo run{};
};

/// Solves on the calling thread, on the whole grid. Throws std::invalid_argument naming a
/// bad option (nx or ny below 3, tol not positive and finite, max_iterations 0, a grid over
/// 2^31 points). A stop request of `control` ends the solve after the sweep under way: the
/// result is the iterate so far, not converged, with `run.complete` false.
/// @code
/// pardo::pde::LaplaceResult r = pardo::pde::solve_laplace({.nx = 128, .ny = 128});
/// assert(r.converged && r.max_error < 1e-3);
/// @endcode
LaplaceResult solve_laplace(const LaplaceOptions& options, const RunControl& control = {});

/// Solves on `pool`, with the interior rows cut into `blocks` blocks of consecutive rows
/// (0: one per worker; never more than the interior rows), balanced to within one row. Each
/// block holds its rows plus a halo row above and below, copies its halos from the
/// neighbouring blocks' edge rows before each sweep, and reports its largest change; the
/// largest of these is the residual. The result, grid included, is bit-identical to the
/// serial solve's for any pool and block count. Throws, and stops, as the serial solve does.
/// @code
/// pardo::ThreadPool pool(4);
/// auto r = pardo::pde::solve_laplace(pool, {.nx = 512, .ny = 512, .tol = 1e-7});
/// @endcode
LaplaceResult solve_laplace(ThreadPool& pool, const LaplaceOptions& options, std::size_t blocks = 0,
                            const RunControl& control = {});

/// Throws std::invalid_argument naming the first bad value of `options`: what every solve
/// checks first.
/// @code
/// pardo::pde::validate({.nx = 2});  // throws: nx must be at least 3
/// @endcode
void validate(const LaplaceOptions& options);

}  // namespace pardo::pde
