#pragma once
/// @file
/// Constraints beyond the bounds, the same for every solver: inequalities and equalities
/// turned into a penalty on the value, and a projection of each point onto the feasible set.

#include <functional>
#include <span>
#include <vector>

namespace pardo::opt {

/// How a violated constraint changes the value the solver minimises:
/// - `quadratic`: plus weight × (Σ max(0, g(x))² + Σ h(x)²), a smooth exterior penalty whose
///   optimum lies within about 1 / weight of the feasible set;
/// - `barrier`: +infinity at every infeasible point (the extreme barrier), so that the result
///   is feasible whenever a feasible point was seen; an equality counts as met within
///   `tolerance`. Powell's line searches can stop at a barrier's wall short of the optimum;
///   population solvers and Nelder-Mead slide along it.
/// @code
/// auto form = pardo::opt::PenaltyForm::barrier;
/// @endcode
enum class PenaltyForm { quadratic, barrier };

/// Constraints a solver applies to each point it evaluates, in the solver's own process (so
/// any callable works, whatever the executor): first the projection, then the bounds, then
/// the objective and the penalty. The solver searches the function x ↦ f(P(x)) + penalty(P(x));
/// its monitors and result see the projected points P(x), the ones evaluated. Set with
/// Solver::set_constraints.
/// @code
/// pardo::opt::Constraints c;
/// c.inequalities.push_back([](std::span<const double> x) { return 1 - x[0] - x[1]; });  // x0 + x1
/// >= 1 c.form = pardo::opt::PenaltyForm::barrier; solver.set_constraints(c);
/// @endcode
struct Constraints {
  using Function = std::function<double(std::span<const double>)>;
  using Projection = std::function<void(std::span<double>)>;

  std::vector<Function> inequalities{};  ///< each met where g(x) <= 0
  std::vector<Function> equalities{};    ///< each met where h(x) == 0 (within tolerance)
  PenaltyForm form = PenaltyForm::quadratic;
  double weight = 1e6;      ///< the quadratic penalty's factor, finite and > 0
  double tolerance = 0;     ///< |h(x)| <= tolerance meets an equality (both forms)
  Projection projection{};  ///< moves a point onto the feasible set, in place; optional

  /// Whether there is anything to apply.
  /// @code
  /// assert(pardo::opt::Constraints{}.empty());
  /// @endcode
  bool empty() const noexcept { return inequalities.empty() && equalities.empty() && !projection; }
  /// The total violation at x: Σ max(0, g(x)) + Σ max(0, |h(x)| - tolerance); 0 where x is
  /// feasible, +infinity where a constraint gives NaN.
  /// @code
  /// if (constraints.violation(r.x) == 0) std::puts("feasible");
  /// @endcode
  double violation(std::span<const double> x) const;
  /// What `form` adds to the value to minimise at x: 0 where x is feasible.
  /// @code
  /// double minimised = f(x) + constraints.penalty(x);
  /// @endcode
  double penalty(std::span<const double> x) const;
  /// Throws std::invalid_argument naming a bad weight or tolerance.
  /// @code
  /// constraints.check();
  /// @endcode
  void check() const;
};

}  // namespace pardo::opt
