#pragma once
/// @file
/// What an optimiser works on: the objective, its bounds, whether to minimise or maximise,
/// and where to start.

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

#include "pardo/remote/remote_function.hpp"

namespace pardo::opt {

/// An objective evaluated at one point x (d coordinates). Any callable of this shape runs on
/// the in-process executors; worker processes and MPI ranks need a function registered with
/// PARDO_REMOTE_FUNCTION, passed as this handle.
/// @code
/// double sphere(std::span<const double> x) {
///   double s = 0;
///   for (double v : x) s += v * v;
///   return s;
/// }
/// PARDO_REMOTE_FUNCTION(sphere);  // only needed on worker processes and MPI ranks
/// pardo::opt::Objective f(sphere);
/// @endcode
using Objective = RemoteFunction<double(std::span<const double>)>;

/// An objective's batch form: the values of many points at once, given row by row (dim
/// coordinates each), in order; for a model vectorised over points, or one that sets up
/// something costly once per call. Each point's value must not depend on the others in the
/// batch: a solver splits its points into batches as the executor's workers allow (a few per
/// worker), and its trajectory is the same however they are split. Any callable of this shape
/// runs on the in-process executors; worker processes and MPI ranks need a registered one.
/// @code
/// std::vector<double> spheres(std::span<const double> points, std::uint64_t dim) {
///   std::vector<double> values(points.size() / dim);
///   for (std::size_t i = 0; i < values.size(); ++i)
///     for (std::size_t j = 0; j < dim; ++j) values[i] += points[i * dim + j] * points[i * dim +
///     j];
///   return values;
/// }
/// PARDO_REMOTE_FUNCTION(spheres);
/// auto r = solver.solve(pool, pardo::opt::BatchObjective(spheres), stop);
/// @endcode
using BatchObjective = RemoteFunction<std::vector<double>(std::span<const double>, std::uint64_t)>;

/// What an objective throws for a point it cannot evaluate, as when the external program it
/// runs crashed or timed out. With a failure penalty (Solver::set_failure_penalty) the point
/// gets the penalty on any executor, worker processes and MPI ranks included; without one it
/// ends the solve as any exception does.
/// @code
/// double simulate(std::span<const double> x) {
///   const int status = run_legacy_code(x);
///   if (status != 0) throw pardo::opt::EvaluationFailed("the solver diverged");
///   return read_result();
/// }
/// @endcode
class EvaluationFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Whether the solver looks for the smallest or the largest value.
/// @code
/// pardo::opt::Problem p{.bounds = pardo::opt::Bounds::cube(2, -1, 1),
///                       .sense = pardo::opt::Sense::maximize};
/// @endcode
enum class Sense { minimize, maximize };

/// The box the candidates stay in, strictly: every solver keeps every point it evaluates
/// within [lower[j], upper[j]] on each axis j.
/// @code
/// pardo::opt::Bounds b{.lower = {-5, 0}, .upper = {5, 1}};
/// auto cube = pardo::opt::Bounds::cube(10, -2.048, 2.048);
/// @endcode
struct Bounds {
  std::vector<double> lower{};  ///< d finite lower bounds
  std::vector<double> upper{};  ///< d finite upper bounds, each at least its lower bound

  /// The cube [low, high]^dim.
  /// @code
  /// auto b = pardo::opt::Bounds::cube(3, 0.0, 1.0);
  /// @endcode
  static Bounds cube(std::size_t dim, double low, double high) {
    return {std::vector<double>(dim, low), std::vector<double>(dim, high)};
  }
  /// The number of dimensions.
  /// @code
  /// assert(pardo::opt::Bounds::cube(3, 0, 1).dim() == 3);
  /// @endcode
  std::size_t dim() const noexcept { return lower.size(); }

  template <class Archive>
  void serialize(Archive& archive) {
    archive(lower, upper);
  }
};

/// The problem every solver takes: bounds (which fix the dimension), the sense, an optional
/// starting point and the seed of the solver's random choices. A solver's trajectory depends
/// on these and on its own options only, never on the executor or its worker count.
/// @code
/// pardo::opt::Problem p{.bounds = pardo::opt::Bounds::cube(2, -2, 2), .x0 = {-1.2, 1.0},
///                       .seed = 7};
/// @endcode
struct Problem {
  Bounds bounds{};  ///< strict bounds; their size is the dimension
  Sense sense = Sense::minimize;
  std::vector<double> x0{};  ///< where to start (within bounds); empty: drawn in the bounds
  std::uint64_t seed = 0;    ///< seeds every random choice of the solver

  /// The number of dimensions.
  /// @code
  /// assert(pardo::opt::Problem{.bounds = pardo::opt::Bounds::cube(4, 0, 1)}.dim() == 4);
  /// @endcode
  std::size_t dim() const noexcept { return bounds.dim(); }

  template <class Archive>
  void serialize(Archive& archive) {
    bool maximize = sense == Sense::maximize;
    archive(bounds, maximize, x0, seed);
    sense = maximize ? Sense::maximize : Sense::minimize;
  }
};

}  // namespace pardo::opt
