#pragma once
/// @file
/// The Nelder–Mead downhill simplex: a local solver without derivatives.

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pardo/opt/solver.hpp"

namespace pardo::opt {

/// The simplex's moves. The defaults are Nelder and Mead's; `adaptive` takes Gao and Han's
/// dimension-dependent ones (2012), which scipy offers as `adaptive=True` and which do
/// better above about 10 dimensions.
/// @code
/// pardo::opt::NelderMeadOptions o{.adaptive = true};
/// @endcode
struct NelderMeadOptions {
  double reflection = 1.0;
  double expansion = 2.0;
  double contraction = 0.5;
  double shrink = 0.5;
  bool adaptive = false;  ///< overrides the four coefficients with Gao and Han's
  /// The first simplex: x0 and x0 + step * x0[j] on each axis j (step itself where x0[j] is
  /// 0, as scipy's 0.05 and 0.00025), moved back into the bounds.
  double initial_step = 0.05;
  double zero_step = 0.00025;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(reflection, expansion, contraction, shrink, adaptive, initial_step, zero_step);
  }
};

/// Nelder–Mead on the problem's box: every vertex it evaluates is clipped into the bounds. A
/// generation is one move of the simplex (reflection, then expansion or contraction, or a
/// shrink, whose points are evaluated as one parallel map, as is the first simplex). Throws
/// std::invalid_argument naming a bad bound, starting point or coefficient.
/// @code
/// pardo::opt::NelderMead nm({.bounds = pardo::opt::Bounds::cube(2, -5, 5), .x0 = {-1.2, 1}});
/// pardo::SerialExecutor serial;
/// auto r = nm.solve(serial, pardo::opt::models::rosenbrock,
///                   pardo::opt::candidate_relative_tolerance(1e-10, 1e-10) ||
///                       pardo::opt::evaluation_limit(10000));
/// // r.x ~ {1, 1}
/// @endcode
class NelderMead : public Solver {
 public:
  explicit NelderMead(Problem problem, NelderMeadOptions options = {});

 protected:
  void next_points(std::vector<double>& points) override;
  bool take_values(std::span<const double> points, std::span<const double> values) override;
  std::span<const double> candidates() const override { return simplex_; }
  std::span<const double> candidate_values() const override { return values_; }
  std::string_view kind() const override { return "nelder-mead"; }
  void save_state(wire::Writer& out) const override;
  std::function<void()> restore_state(wire::Reader& in) override;

 private:
  std::string options_bytes() const;
  enum class Step { start, reflect, expand, contract_outside, contract_inside, shrink };
  void order();
  void replace_worst(std::span<const double> x, double value);
  std::span<double> vertex(std::size_t i) { return {simplex_.data() + i * dim(), dim()}; }

  NelderMeadOptions options_;
  std::vector<double> simplex_;  // dim + 1 vertices, best first after each generation
  std::vector<double> values_;
  std::vector<double> centroid_;
  std::vector<double> reflected_;
  double reflected_value_ = 0;
  Step step_ = Step::start;
};

}  // namespace pardo::opt
